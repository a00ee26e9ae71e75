/// The scalar that starts at byte `i` of UTF-8 text and the index after it; a malformed
/// sequence (which validated text never holds) reads as U+FFFD and one byte. Words are decoded
/// from their bytes with this where building a String would cost more than the work on them.
@inline(__always)
func decodeUTF8Scalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
    let b0 = UInt32(bytes[i])
    if b0 < 0x80 { return (Unicode.Scalar(UInt8(b0)), i + 1) }
    let length = b0 >= 0xF8 ? 0 : b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0
    guard length > 0, i + length <= bytes.count else { return ("\u{FFFD}", i + 1) }
    var value = b0 & (0x7F >> UInt32(length))
    for k in 1..<length {
        let b = UInt32(bytes[i + k])
        guard b & 0xC0 == 0x80 else { return ("\u{FFFD}", i + 1) }
        value = value << 6 | (b & 0x3F)
    }
    guard let scalar = Unicode.Scalar(value) else { return ("\u{FFFD}", i + 1) }
    return (scalar, i + length)
}
