import LoupeFormat

/// The checks every text-based extractor makes first, in one pass over the bytes: NUL bytes in the
/// first 8 KiB (binary), UTF-8 validity, nothing but white space. A UTF-8 byte order mark is
/// dropped. Text in another encoding is decoded to UTF-8 (`LegacyText`): UTF-16 (with a byte
/// order mark, or without one when every other byte of its start is NUL), and text that is not
/// valid UTF-8 in the charset ICU's detector names (Latin-1, Windows-1252…). Extractors of other
/// formats (a PDF's text comes from its library) do not call it.
enum TextDecoding {
    /// The text in UTF-8 without its byte order mark, the charset it was decoded from, and
    /// whether it is all white space; or why it is not text.
    static func decode(_ bytes: [UInt8]) -> Result<(text: [UInt8], charset: String, allWhiteSpace: Bool), ExtractionFailure> {
        if let utf16 = LegacyText.utf16ByteOrderMark(bytes) { return decodeUTF16(bytes, utf16) }
        let bomLength = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let scan = bytes.withUnsafeBufferPointer { scanText(UnsafeBufferPointer(rebasing: $0[bomLength...])) }
        if scan.hasNUL {
            // NUL bytes at every other offset only: UTF-16 without a byte order mark.
            guard let utf16 = LegacyText.utf16WithoutMark(bytes) else { return .failure(.binary) }
            return decodeUTF16(bytes, utf16)
        }
        if let bad = scan.invalidUTF8 {
            guard let (text, charset) = LegacyText.decode(bytes) else { return .failure(.invalidUTF8(offset: bad)) }
            return decodedAgain(text, charset: charset)
        }
        return .success((bomLength == 0 ? bytes : Array(bytes[bomLength...]), "UTF-8", scan.allWhiteSpace))
    }

    private static func decodeUTF16(_ bytes: [UInt8], _ charset: String) -> Result<(text: [UInt8], charset: String, allWhiteSpace: Bool), ExtractionFailure> {
        guard let text = LegacyText.convert(bytes, from: charset) else { return .failure(.binary) }
        return decodedAgain(text, charset: charset)
    }

    /// Converted text, checked as UTF-8 text is (a NUL inside still means binary).
    private static func decodedAgain(_ text: [UInt8], charset: String) -> Result<(text: [UInt8], charset: String, allWhiteSpace: Bool), ExtractionFailure> {
        let bomLength = text.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let body = bomLength == 0 ? text : Array(text[bomLength...])
        let scan = body.withUnsafeBufferPointer { scanText($0) }
        if scan.hasNUL { return .failure(.binary) }
        return .success((body, charset, scan.allWhiteSpace))
    }

    /// What `decode` needs to know of a file's bytes, found in one pass.
    struct Scan {
        var hasNUL = false
        var invalidUTF8: Int?
        /// Only spaces, tabs, CR and LF.
        var allWhiteSpace = true
    }

    static func scanText(_ bytes: UnsafeBufferPointer<UInt8>) -> Scan {
        var scan = Scan()
        let raw = UnsafeRawBufferPointer(bytes)
        let prefix = min(bytes.count, 8192)
        var i = 0
        // Eight bytes a step while they are ASCII: a NUL or a byte other than white space shows in
        // the word's bits without a per-byte loop.
        while i + 8 <= prefix {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if w & 0x8080_8080_8080_8080 != 0 { break }
            if hasZeroByte(w) { scan.hasNUL = true; return scan }
            if scan.allWhiteSpace && !isWhiteSpace(w) { scan.allWhiteSpace = false }
            i += 8
        }
        while i < prefix {
            if bytes[i] == 0 { scan.hasNUL = true; return scan }
            i += 1
        }
        if scan.allWhiteSpace { scan.allWhiteSpace = bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 } }
        scan.invalidUTF8 = firstInvalidUTF8(bytes)
        return scan
    }

    @inline(__always)
    private static func hasZeroByte(_ w: UInt64) -> Bool {
        (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 != 0
    }

    /// True when every byte of an ASCII word is a space, tab, CR or LF.
    @inline(__always)
    private static func isWhiteSpace(_ w: UInt64) -> Bool {
        for k in 0..<8 {
            let b = UInt8(truncatingIfNeeded: w >> (8 * UInt64(k)))
            if b != 0x20 && b != 0x0A && b != 0x0D && b != 0x09 { return false }
        }
        return true
    }

    /// Offset of the first byte that breaks UTF-8 validity, or nil.
    static func firstInvalidUTF8(_ slice: ArraySlice<UInt8>) -> Int? {
        slice.withUnsafeBufferPointer { firstInvalidUTF8($0) }
    }

    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let end = bytes.count
        let raw = UnsafeRawBufferPointer(bytes)
        while i < end {
            // Eight ASCII bytes at a time.
            if i + 8 <= end && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
            default: return i
            }
            guard i + length <= end else { return i }
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
            i += length
        }
        return nil
    }

}
