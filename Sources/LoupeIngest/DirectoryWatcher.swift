import LoupeFormat
import LoupeStorage
#if canImport(Glibc)
import Glibc
#endif

/// Waits for changes under a directory with Linux's inotify: every directory of the tree is
/// watched (hidden ones skipped, as the walk skips them), directories created or moved in are
/// watched as they appear, and a burst of events is gathered into one wake-up (`quietPeriod`
/// with no new event, `maxDelay` at most). It says only *that* something changed: the caller
/// finds what by comparing the directory with its index (`CorpusChanges`), which also covers
/// events the kernel dropped (queue overflow). A file replaced by rename (editors save so) is a
/// move-in; a subdirectory renamed is a move-out and a move-in; the root itself moved or removed
/// is reported (`Wake.rootGone`) and waited for.
public final class DirectoryWatcher {
    public enum Wake: Equatable {
        /// Something changed under the root.
        case changed
        /// The root directory was moved or removed.
        case rootGone
        /// `stop()` was called (or a signal it was wired to came).
        case stopped
    }

    public let root: String
    public var quietPeriod = 0.15
    public var maxDelay = 0.5
    private let fd: Int32
    /// A pipe whose read end wakes the wait when `stop` writes to it (safe from a signal handler).
    private let stopPipe: (read: Int32, write: Int32)
    private var paths: [Int32: String] = [:]
    private var rootWatch: Int32 = -1

    private static let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
                                     | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR) | UInt32(IN_EXCL_UNLINK)

    public init(root: String) throws {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw IndexError.io(path: root, operation: "inotify_init1", errno: errno) }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(fd)
            throw IndexError.io(path: root, operation: "pipe", errno: errno)
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        stopPipe = (ends[0], ends[1])
        try watchTree()
    }

    deinit {
        close(fd)
        close(stopPipe.read)
        close(stopPipe.write)
    }

    /// The descriptor `stop` writes to: a signal handler may write one byte to it.
    public var stopDescriptor: Int32 { stopPipe.write }

    /// Wakes a `wait` in progress (or the next one) with `.stopped`.
    public func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
    }

    /// Directories watched.
    public var watchedCount: Int { paths.count }

    /// Watches the root and every directory under it (again: a no-op for those already watched).
    public func watchTree() throws {
        rootWatch = inotify_add_watch(fd, root, Self.mask)
        guard rootWatch >= 0 else { throw IndexError.io(path: root, operation: "watch (inotify_add_watch)", errno: errno) }
        paths[rootWatch] = root
        addWatches(under: root)
    }

    private func addWatches(under directory: String) {
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = DirectoryEntry.name(entry)
            guard !name.hasPrefix("."), entry.pointee.d_type == UInt8(DT_DIR) || entry.pointee.d_type == UInt8(DT_UNKNOWN) else { continue }
            let path = directory + "/" + name
            let wd = inotify_add_watch(fd, path, Self.mask)
            // Not a directory (an unknown type that was a file), or gone meanwhile: nothing to watch.
            guard wd >= 0 else { continue }
            if paths[wd] == nil {
                paths[wd] = path
                addWatches(under: path)
            }
        }
    }

    /// Blocks until something changes (then until the burst settles), the root goes, or `stop`.
    public func wait() -> Wake {
        var changed = false
        var first = 0.0
        while true {
            var timeout: Int32 = -1
            if changed {
                let left = min(quietPeriod, maxDelay - (monotonicSeconds() - first))
                if left <= 0 { return .changed }
                timeout = Int32((left * 1000).rounded(.up))
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return .stopped
            }
            if fds[1].revents != 0 {
                var byte: UInt8 = 0
                while read(stopPipe.read, &byte, 1) > 0 {}
                return .stopped
            }
            if ready == 0 { return .changed }
            switch drain() {
            case .rootGone: return .rootGone
            case .changed:
                if !changed { first = monotonicSeconds() }
                changed = true
            case .stopped: break
            }
        }
    }

    /// Reads every pending event: `.changed` when one concerns the tree, `.rootGone` when the
    /// root went, `.stopped` for none that matters (events on hidden names).
    private func drain() -> Wake {
        var result = Wake.stopped
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            guard n > 0 else { break }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= n {
                let wd = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                var name = ""
                if length > 0 {
                    let bytes = UnsafeRawBufferPointer(start: buffer + offset + header, count: min(length, n - offset - header))
                    name = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                offset += header + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { result = .changed; continue }
                if wd == rootWatch && mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 { return .rootGone }
                if mask & UInt32(IN_IGNORED) != 0 { paths[wd] = nil; continue }
                if name.hasPrefix(".") && name != ".loupeignore" { continue }
                result = .changed
                // A directory created or moved in: watch it and what it holds.
                if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, let parent = paths[wd] {
                    let path = parent + "/" + name
                    let child = inotify_add_watch(fd, path, Self.mask)
                    if child >= 0 {
                        paths[child] = path
                        addWatches(under: path)
                    }
                }
                // A directory moved out keeps its watch under the old path until the kernel drops
                // it; its new path (if inside) came as a move-in above.
            }
        }
        return result
    }

    /// Waits (up to `timeout` seconds, checking every `interval`) for the root to exist again;
    /// then watches it afresh. False when it did not come back or `stop` was called.
    public func waitForRoot(timeout: Double = .infinity, interval: Double = 0.5) -> Bool {
        let start = monotonicSeconds()
        while monotonicSeconds() - start < timeout {
            var fds = [pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 1, Int32(interval * 1000)) > 0 { return false }
            var st = stat()
            if stat(root, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
                for wd in paths.keys { inotify_rm_watch(fd, wd) }
                paths = [:]
                _ = drain()
                if (try? watchTree()) != nil { return true }
            }
        }
        return false
    }
}
