#if canImport(Glibc)
import Glibc
#endif

/// File names are bytes; paths in the index are strings. A name that is not UTF-8 keeps each byte
/// of an invalid sequence as the scalar U+10FF00 + byte (in plane 16's private use area, which
/// real names do not use), so the file can still be opened byte for byte, its path still sorts
/// and compares the same on every run, and output can show the byte as `\xFF`.
public enum FileName {
    static let escapeBase: UInt32 = 0x10FF00

    /// The name in `bytes` (no NUL), with any invalid byte kept as its escape scalar.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            let length = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0
            if length > 0, i + length <= bytes.count,
               let piece = String(validating: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]), as: UTF8.self) {
                out.append(contentsOf: piece.unicodeScalars)
                i += length
            } else {
                out.append(Unicode.Scalar(escapeBase + UInt32(lead)) ?? "\u{FFFD}")
                i += 1
            }
        }
        return String(out)
    }

    /// Whether `path` holds escaped bytes (its UTF-8 then has the lead byte F4 of plane 16).
    @inline(__always) static func hasEscapes(_ path: String) -> Bool {
        path.utf8.contains(0xF4) && path.unicodeScalars.contains { $0.value >= escapeBase }
    }

    /// The bytes of the file name or path `path` stands for (escapes turned back into their bytes).
    public static func bytes(_ path: String) -> [UInt8] {
        guard hasEscapes(path) else { return Array(path.utf8) }
        var out: [UInt8] = []
        for scalar in path.unicodeScalars {
            if scalar.value >= escapeBase { out.append(UInt8(scalar.value - escapeBase)) } else { out += Array(String(scalar).utf8) }
        }
        return out
    }

    /// Calls `body` with `path` as the C string of its bytes, for `open` and `stat`.
    public static func withPath<R>(_ path: String, _ body: (UnsafePointer<CChar>) -> R) -> R {
        guard hasEscapes(path) else { return path.withCString(body) }
        let raw = bytes(path).map { CChar(bitPattern: $0) } + [0]
        return raw.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return "".withCString(body) }
            return body(base)
        }
    }

    /// `path` for people: each escaped byte as `\xFF`.
    public static func shown(_ path: String) -> String {
        guard hasEscapes(path) else { return path }
        var out = ""
        for scalar in path.unicodeScalars {
            if scalar.value >= escapeBase {
                let hex = String(scalar.value - escapeBase, radix: 16, uppercase: true)
                out += "\\x" + (hex.count == 1 ? "0" : "") + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
