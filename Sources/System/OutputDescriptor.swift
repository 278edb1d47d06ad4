#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to an open file descriptor (stdout, stderr), so lines appear as they happen.
public enum OutputDescriptor {
    public enum WriteResult: Equatable {
        case written
        /// The reader is gone (EPIPE; SIGPIPE must be ignored for this to be seen).
        case brokenPipe
        /// Any other failure, with its errno.
        case failed(Int32)
    }

    /// Writes all of `text`, resuming after EINTR and short writes.
    @discardableResult
    public static func write(_ fd: Int32, _ text: String) -> WriteResult {
        var bytes = Array(text.utf8)
        var offset = 0
        // Bounded: each pass writes at least one byte or gives up.
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return errno == EPIPE ? .brokenPipe : .failed(errno) }
            if n == 0 { return .failed(EIO) }
            offset += n
        }
        return .written
    }

    /// Whether `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Makes a write to a closed pipe fail with EPIPE (`.brokenPipe`) instead of killing the process with
    /// SIGPIPE. Process-wide: only an executable calls it, once, early.
    public static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }
}
