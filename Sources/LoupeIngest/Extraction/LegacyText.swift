import CICU

/// Text files in another encoding than UTF-8, decoded with ICU: the charset detector
/// (`ucsdet`) names it, the converter (`ucnv`) turns it into UTF-8 (bytes it cannot map become
/// U+FFFD).
enum LegacyText {
    /// Below this confidence (0–100) the detector's guess is not taken: Western text is then read
    /// as Windows-1252 (Latin-1 with the printable characters of 0x80–0x9F: `’`, `€`, `œ`).
    static let minimumConfidence: Int32 = 30
    static let westernDefault = "windows-1252"

    /// `UTF-16LE` or `UTF-16BE` for bytes that start with its byte order mark, else nil.
    static func utf16ByteOrderMark(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xFF, 0xFE]) && !bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return "UTF-16LE" }
        if bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16BE" }
        return nil
    }

    /// `UTF-16LE` or `UTF-16BE` for bytes without a byte order mark whose first 4 KiB hold NUL
    /// bytes at every other offset only (text of the ASCII range in UTF-16); nil otherwise.
    static func utf16WithoutMark(_ bytes: [UInt8]) -> String? {
        let n = min(bytes.count, 4096) & ~1
        guard n >= 8 else { return nil }
        var evenNUL = 0, oddNUL = 0
        for i in stride(from: 0, to: n, by: 2) {
            if bytes[i] == 0 { evenNUL += 1 }
            if bytes[i + 1] == 0 { oddNUL += 1 }
        }
        let pairs = n / 2
        if oddNUL * 10 >= pairs * 7 && evenNUL * 20 <= pairs { return "UTF-16LE" }
        if evenNUL * 10 >= pairs * 7 && oddNUL * 20 <= pairs { return "UTF-16BE" }
        return nil
    }

    /// The text of bytes that are not UTF-8, in UTF-8, with the charset it was read in; nil when
    /// it cannot be converted.
    /// Text the detector takes for UTF-8 with a few bad bytes stays UTF-8, each bad sequence
    /// becoming U+FFFD (rather than every accented letter turning into two Windows-1252 ones).
    static func decode(_ bytes: [UInt8]) -> (text: [UInt8], charset: String)? {
        if isMostlyUTF8(bytes), let text = convert(bytes, from: "UTF-8") { return (text, "UTF-8") }
        var charset = westernDefault
        if let (name, confidence) = detect(bytes), confidence >= minimumConfidence { charset = name }
        if let text = convert(bytes, from: charset) { return (text, charset) }
        guard charset != westernDefault, let text = convert(bytes, from: westernDefault) else { return nil }
        return (text, westernDefault)
    }

    /// Whether bytes that are not valid UTF-8 are UTF-8 all the same, with a few bad bytes: at
    /// least four valid multi-byte sequences for each invalid byte (in Latin-1 or Windows-1252 text,
    /// valid sequences are rare: an accented letter followed by a symbol of 0x80–0xBF).
    static func isMostlyUTF8(_ bytes: [UInt8]) -> Bool {
        var valid = 0, invalid = 0, i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0
            var ok = length > 0 && i + length <= n
            if ok { for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { ok = false } }
            if ok {
                valid += 1
                i += length
            } else {
                invalid += 1
                i += 1
            }
        }
        return valid > 0 && invalid * 4 <= valid
    }

    /// ICU's best guess for the bytes' charset (the first 64 KiB are enough) and its confidence.
    static func detect(_ bytes: [UInt8]) -> (name: String, confidence: Int32)? {
        var name = [CChar](repeating: 0, count: 64)
        let confidence = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { cicu_detect_charset($0.baseAddress, Int32(min(b.count, 1 << 16)), &name, Int32(name.count)) }
        }
        guard confidence >= 0 else { return nil }
        return (String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), confidence)
    }

    /// The bytes converted from `charset` to UTF-8, or nil (an unknown charset, or text too large
    /// for ICU's 32-bit lengths).
    static func convert(_ bytes: [UInt8], from charset: String) -> [UInt8]? {
        guard bytes.count < Int(Int32.max) / 4 else { return nil }
        var capacity = bytes.count * 3 + 16
        while true {
            var out = [UInt8](repeating: 0, count: capacity)
            let written = bytes.withUnsafeBufferPointer { src in
                src.withMemoryRebound(to: CChar.self) { src in
                    out.withUnsafeMutableBufferPointer { dest in
                        dest.withMemoryRebound(to: CChar.self) { dest in
                            cicu_convert_to_utf8(charset, src.baseAddress, Int32(src.count), dest.baseAddress, Int32(dest.count))
                        }
                    }
                }
            }
            guard written >= 0 else { return nil }
            if Int(written) <= capacity {
                out.removeSubrange(Int(written)...)
                return out
            }
            capacity = Int(written)
        }
    }
}
