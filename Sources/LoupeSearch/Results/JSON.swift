/// Renders JSON text: keys in the order given (the output contracts list them in a fixed order),
/// strings escaped per RFC 8259.
public enum JSONWriter {
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    public static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}

/// A JSON value built in code.
public indirect enum JSON: Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    /// The value as compact JSON text.
    public var rendered: String {
        switch self {
        case .string(let s): return JSONWriter.quote(s)
        case .int(let i): return String(i)
        case .double(let d): return JSONWriter.number(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.rendered).joined(separator: ", ") + "]"
        case .object(let fields): return "{" + fields.map { JSONWriter.quote($0.0) + ": " + $0.1.rendered }.joined(separator: ", ") + "}"
        }
    }
}
