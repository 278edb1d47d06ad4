import ECSTasks
import Glibc

/// The process's stdout and stderr, written unbuffered so lines appear as they happen.
public final class StandardStreams: OutputSink {
    /// Set when a write to stdout failed with EPIPE; later writes to stdout are skipped.
    nonisolated(unsafe) private static var outClosed = false

    public init() {}
    public func writeOut(_ text: String) {
        guard !Self.outClosed else { return }
        if Self.write(1, text) == EPIPE { Self.outClosed = true }
    }
    public func writeErr(_ text: String) { Self.write(2, text) }
    public var isOutClosed: Bool { Self.outClosed }

    /// Makes a write to a closed pipe fail with EPIPE instead of killing the process with SIGPIPE,
    /// so ecs-run can still follow (and, if need be, stop) its task. Call once, early.
    public static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Writes all of `text`; returns 0, or the errno of the write that failed.
    @discardableResult
    static func write(_ fd: Int32, _ text: String) -> Int32 {
        var bytes = Array(text.utf8)
        var offset = 0
        // Bounded: each pass writes at least one byte or gives up.
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return errno }
            if n == 0 { return EIO }
            offset += n
        }
        return 0
    }

    /// Whether `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}
