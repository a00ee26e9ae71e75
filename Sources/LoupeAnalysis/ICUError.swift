/// An error from the system ICU library: the call that failed and ICU's own error code (a
/// `UErrorCode`, e.g. 7 for `U_MEMORY_ALLOCATION_ERROR`), so that it can be looked up.
public enum ICUError: Error, CustomStringConvertible, Equatable {
    case failed(operation: String, code: Int32)

    public var description: String {
        switch self {
        case .failed(let operation, let code): return "ICU \(operation) failed with error code \(code)"
        }
    }
}
