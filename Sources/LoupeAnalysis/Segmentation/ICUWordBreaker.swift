import CICU

/// Owns one ICU word break iterator (UAX #29 rules, root locale). Not thread-safe: use one per thread.
final class ICUWordBreaker {
    private let handle: OpaquePointer

    init() throws {
        var status: Int32 = 0
        guard let handle = cicu_wb_open(&status) else { throw ICUError.failed(operation: "ubrk_open (word break iterator)", code: status) }
        self.handle = handle
    }

    deinit { cicu_wb_close(handle) }

    /// Calls `body(start, end, ruleStatus)` for every segment of `text` (byte offsets relative to `text`).
    func segments(_ text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int, Int32) -> Void) {
        guard let base = text.baseAddress, text.count > 0 else { return }
        let status = base.withMemoryRebound(to: CChar.self, capacity: text.count) {
            cicu_wb_set_utf8(handle, $0, Int64(text.count))
        }
        guard status == 0 else { return }
        var previous = 0
        while true {
            let next = Int(cicu_wb_next(handle))
            if next < 0 { break }
            body(previous, next, cicu_wb_rule_status(handle))
            previous = next
        }
    }
}
