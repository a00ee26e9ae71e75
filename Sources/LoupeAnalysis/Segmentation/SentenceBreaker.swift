import CICU

/// Sentence boundaries by ICU's UAX #29 sentence break iterator (root locale): where a passage
/// shown to a user may start and end. Not thread-safe (it owns the iterator): one per searcher.
public final class SentenceBreaker {
    private let handle: OpaquePointer

    public init() throws {
        var status: Int32 = 0
        guard let handle = cicu_sb_open(&status) else { throw ICUError.failed(operation: "ubrk_open (sentence break iterator)", code: status) }
        self.handle = handle
    }

    deinit { cicu_wb_close(handle) }

    /// The byte offsets where the sentences of UTF-8 `text` end, in order; the last is
    /// `text.count`. (A sentence starts where the previous one ends, the first at 0.) Empty text
    /// has none; text ICU cannot read is one sentence.
    public func boundaries(_ text: UnsafeBufferPointer<UInt8>) -> [Int] {
        guard let base = text.baseAddress, text.count > 0 else { return [] }
        let status = base.withMemoryRebound(to: CChar.self, capacity: text.count) {
            cicu_wb_set_utf8(handle, $0, Int64(text.count))
        }
        guard status == 0 else { return [text.count] }
        var ends: [Int] = []
        while true {
            let next = Int(cicu_wb_next(handle))
            if next < 0 { break }
            ends.append(next)
        }
        if ends.last != text.count { ends.append(text.count) }
        return ends
    }
}
