#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// Output helpers: stderr messages, colour only on a terminal without NO_COLOR.
enum Terminal {
    static var stdoutIsTTY: Bool { isatty(1) == 1 }
    /// Writes out what `print` buffered (a long-running command's lines reach a pipe at once).
    static func flushStdout() { fflush(nil) }
    static var stderrIsTTY: Bool { isatty(2) == 1 }
    static var colorEnabled: Bool { stdoutIsTTY && getenv("NO_COLOR") == nil }

    static func error(_ message: String) {
        writeStderr("loupe: error: \(message)\n")
    }

    static func warning(_ message: String) {
        writeStderr("loupe: warning: \(message)\n")
    }

    /// Raw bytes to standard output, after what `print` buffered.
    static func writeStdout(_ bytes: [UInt8]) {
        flushStdout()
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count, let base = raw.baseAddress {
                let n = write(1, base + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                done += n
            }
        }
    }

    static func writeStderr(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// `s` with every control character made visible and inert, scalar for scalar (so offsets in
    /// Unicode scalars, such as a snippet's highlights, still hold): C0 controls as their Control
    /// Pictures (ESC → ␛, LF → ␊), DEL as ␡, C1 controls and bidirectional overrides as U+FFFD. Text
    /// from documents and file names goes through it before it reaches a terminal: an `ESC[2J` or an
    /// OSC sequence in a document must show, not clear the screen or retitle the window.
    static func inert(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsReplacing) else { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x09: out.append(scalar)
            case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + scalar.value) ?? "\u{FFFD}")
            case 0x7F: out.append("\u{2421}")
            case _ where needsReplacing(scalar): out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func needsReplacing(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: return false
        case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Whether paths are printed as OSC 8 hyperlinks: on a terminal (stdout) that is known to
    /// support them — VTE-based (GNOME Terminal, Tilix…), iTerm2, WezTerm, kitty, foot, Ghostty,
    /// Windows Terminal, VS Code's — unless `LOUPE_HYPERLINKS=0`; `LOUPE_HYPERLINKS=1` forces them
    /// on a terminal not listed. Terminals that do not know OSC 8 may print it as garbage, hence
    /// the list rather than always.
    static var hyperlinksEnabled: Bool {
        guard stdoutIsTTY else { return false }
        func env(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
        if let forced = env("LOUPE_HYPERLINKS") { return forced == "1" }
        if let vte = env("VTE_VERSION").flatMap({ Int($0) }), vte >= 5000 { return true }
        if let program = env("TERM_PROGRAM"), ["iTerm.app", "WezTerm", "vscode", "ghostty"].contains(program) { return true }
        if env("KITTY_WINDOW_ID") != nil || env("WT_SESSION") != nil { return true }
        if let term = env("TERM"), term.hasPrefix("foot") || term == "xterm-kitty" || term == "xterm-ghostty" { return true }
        return false
    }

    /// `text` as an OSC 8 hyperlink to the file at absolute `path` (`file://host/path`, percent-
    /// encoded) when `hyperlinksEnabled`, else `text` itself. `text` must already be inert.
    static func fileLink(_ text: String, path: String) -> String {
        guard hyperlinksEnabled else { return text }
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        var encoded = ""
        for byte in path.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (c.isLetter || c.isNumber || "/-._~".contains(c)) { encoded.append(c) } else { encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2) }
        }
        let url = "file://" + String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + encoded
        return "\u{1B}]8;;\(url)\u{1B}\\\(text)\u{1B}]8;;\u{1B}\\"
    }

    static func bold(_ s: String) -> String { colorEnabled ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    static func dim(_ s: String) -> String { colorEnabled ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
    static func highlight(_ s: String) -> String { colorEnabled ? "\u{1B}[1;33m\(s)\u{1B}[0m" : s }
}

/// Runs a command body, turning any error into one line on stderr and exit status 2 (as grep
/// does: 1 is `search`'s "nothing matched").
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        Terminal.error("\(error)")
        throw ExitCode(2)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// A number with thousands separators.
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

func formatBytes(_ n: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(n)
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(n) B" : fixed(value, 1) + " " + units[unit]
}

/// `value` with `digits` decimals (no Foundation formatting needed).
func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var s = "\(rounded)"
    if s.contains("e") { return s }
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        if digits == 0 { s = String(s[..<dot]) }
    } else if digits > 0 {
        s += "." + String(repeating: "0", count: digits)
    }
    return s
}
