import ArgumentParser
import LoupeIndex
#if canImport(Glibc)
import Glibc
#endif

/// The stop descriptor of the running watch, for the signal handler (a plain value: the handler
/// may only write to it).
nonisolated(unsafe) private var watchStopDescriptor: Int32 = -1

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep the index of a directory up to date as its files change.",
        discussion: """
            Brings the index up to date (as `loupe index`), then watches DIR with inotify: when files are saved, \
            added, renamed or removed, the changes are gathered for a moment (a burst of saves is one update) and \
            applied as `loupe index` would, usually well within a second. Directories created or moved in are \
            watched as they appear; a file replaced by rename (as editors save) is picked up; if DIR itself is moved \
            away, the watch waits for it to come back. Holds the index's write lock for as long as it runs, so a \
            `loupe index` on the same index is refused meanwhile; searches are never blocked. Ctrl-C (or SIGTERM) \
            stops it cleanly, after the update under way.
            """
    )

    @Argument(help: ArgumentHelp("Directory to watch.", valueName: "dir"))
    var corpus: String

    @OptionGroup var location: IndexLocation

    @Flag(name: .shortAndLong, help: "Print only warnings and errors.")
    var quiet = false

    @OptionGroup(title: "OCR") var ocrFlags: OCRFlags

    func run() throws {
        Allocator.keepFreedMemory()
        try reportingErrors {
            var options = IndexOptions()
            options.ocr = try ocrFlags.resolve(index: location.index, progress: nil)
            let lock = try IndexBuilder.lockIndex(location.index)
            defer { lock.release() }
            let watcher = try DirectoryWatcher(root: corpus)
            watchStopDescriptor = watcher.stopDescriptor
            // Ctrl-C and SIGTERM stop the watch: the handler only writes to the watcher's pipe.
            // They are unblocked first: a parent may have started us with them blocked (the mask
            // is inherited across exec), and then they would never arrive.
            var stopSignals = sigset_t()
            sigemptyset(&stopSignals)
            for signal in [SIGINT, SIGTERM] {
                sigaddset(&stopSignals, signal)
                Glibc.signal(signal) { _ in
                    var byte: UInt8 = 1
                    _ = Glibc.write(watchStopDescriptor, &byte, 1)
                }
            }
            pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
            let warning: @Sendable (SkippedFile) -> Void = { skipped in Terminal.warning(Terminal.inert("\(FileName.shown(skipped.path)): \(skipped.reason)")) }
            func update() throws {
                let outcome = try IndexBuilder.update(corpus: corpus, index: location.index, options: options, holdingLock: true, warning: warning)
                if quiet { return }
                if case .upToDate = outcome { return }
                print("[\(clock())] ", terminator: "")
                printOutcome(outcome, index: location.index)
                Terminal.flushStdout()
            }
            let first = try IndexBuilder.update(corpus: corpus, index: location.index, options: options, holdingLock: true, warning: warning)
            if !quiet {
                printOutcome(first, index: location.index)
                print("Watching \(corpus) (\(grouped(watcher.watchedCount)) directories); Ctrl-C stops")
                Terminal.flushStdout()
            }
            loop: while true {
                switch watcher.wait() {
                case .stopped:
                    break loop
                case .changed:
                    do {
                        try update()
                    } catch {
                        // A file that vanished mid-read, a transient error: the next change retries.
                        Terminal.warning("update failed: \(error); the index stays at its last generation")
                    }
                case .rootGone:
                    Terminal.warning("\(corpus) was moved or removed; waiting for it to come back")
                    guard watcher.waitForRoot() else { break loop }
                    try update()
                }
            }
            if !quiet { print("Stopped; the index is at its last generation") }
        }
    }

    /// The local time, as `HH:MM:SS`.
    private func clock() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
