import CSupport
import Glibc

/// A helper program run once per file, with the file's bytes as its standard input and its
/// standard output collected (both in-memory files, so there is no pipe to keep drained), under
/// a wall-clock deadline past which it is killed. What extractors use for a library that must not
/// run inside the indexing process (`PDFExtractor` and poppler).
struct HelperProcess {
    /// How a run ended.
    struct Outcome {
        /// The exit status, or nil when a signal ended it.
        var exitStatus: Int32?
        var signal: Int32?
        var timedOut: Bool
        var output: [UInt8]
        var errorOutput: String

        /// The first line the helper wrote to its standard error (its reason), or "".
        var reason: String { errorOutput.split(separator: "\n").first.map(String.init) ?? "" }

        /// Why the run failed, or nil when the helper exited 0: past its deadline (`late`), killed
        /// past its CPU bound (SIGXCPU, or SIGKILL at the hard limit: `overCPU`), another signal
        /// (`crashed`, given the signal), an exit status in `statuses` (given the reason), or any
        /// other status (`failed`, then the status and the reason).
        func failure(late: String, overCPU: String, crashed: (Int32) -> String, statuses: [Int32: (String) -> String],
                     failed: String) -> ExtractionFailure? {
            if timedOut { return .unreadable(late) }
            if let signal { return .unreadable(signal == SIGXCPU || signal == SIGKILL ? overCPU : crashed(signal)) }
            guard exitStatus != 0 else { return nil }
            if let status = exitStatus, let message = statuses[status] { return .unreadable(message(reason)) }
            return .unreadable("\(failed) (exit \(exitStatus ?? -1))\(reason.isEmpty ? "" : ": " + reason)")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let path: String

    /// Runs the helper with `arguments`, `input` on its standard input, at most `timeout` seconds.
    func run(_ arguments: [String], input: [UInt8], timeout: Double, maxOutput: Int) throws -> Outcome {
        let stdin = try Self.memoryFile("loupe-in"), stdout = try Self.memoryFile("loupe-out"), stderr = try Self.memoryFile("loupe-err")
        defer { close(stdin); close(stdout); close(stderr) }
        try Self.writeAll(stdin, input)
        guard lseek(stdin, 0, SEEK_SET) == 0 else { throw Failure(description: "cannot rewind the helper's input") }
        var status: Int32 = 0, timedOut: Int32 = 0
        let argv = ([path] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        let error = (argv + [nil]).withUnsafeBufferPointer { pointers in
            csupport_run(path, pointers.baseAddress, stdin, stdout, stderr, Int32(min(timeout * 1000, 86_400_000)), &status, &timedOut)
        }
        guard error == 0 else {
            throw Failure(description: "cannot run \(path): \(String(cString: strerror(error)))")
        }
        let exited = status & 0x7F == 0
        return Outcome(exitStatus: exited ? (status >> 8) & 0xFF : nil, signal: exited ? nil : status & 0x7F, timedOut: timedOut != 0,
                       output: try Self.readAll(stdout, limit: maxOutput),
                       errorOutput: String(decoding: try Self.readAll(stderr, limit: 4096), as: UTF8.self))
    }

    /// The helper program `name` beside the running executable (`loupe` and `loupe-pdf` are built
    /// and installed together), or where the environment variable `variable` points; nil when
    /// neither exists.
    static func locate(_ name: String, override variable: String) -> String? {
        if let path = getenv(variable).map({ String(cString: $0) }), !path.isEmpty {
            return access(path, X_OK) == 0 ? path : nil
        }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let executable = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = executable.lastIndex(of: "/") else { return nil }
        let candidate = String(executable[...slash]) + name
        return access(candidate, X_OK) == 0 ? candidate : nil
    }

    private static func memoryFile(_ name: String) throws -> Int32 {
        let fd = csupport_memfd(name)
        guard fd >= 0 else { throw Failure(description: "cannot make an in-memory file: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Writes all of `bytes` to `fd`, across short writes and EINTR (the helper's input, OCR's cache).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in raw.baseAddress.map { write(fd, $0 + done, raw.count - done) } ?? -1 }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "cannot write: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    /// The file's bytes from its start, at most `limit`.
    private static func readAll(_ fd: Int32, limit: Int) throws -> [UInt8] {
        let size = Int(lseek(fd, 0, SEEK_END))
        guard size >= 0 else { throw Failure(description: "cannot size the helper's output") }
        let count = min(size, limit)
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { raw in raw.baseAddress.map { pread(fd, $0 + done, count - done, off_t(done)) } ?? -1 }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "cannot read the helper's output") }
            done += n
        }
        return out
    }
}
