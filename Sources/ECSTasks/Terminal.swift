import Glibc

/// Where ecs-run writes: results on stdout, progress on stderr. Tests replace it to capture both.
public protocol OutputSink: AnyObject {
    func writeOut(_ text: String)
    func writeErr(_ text: String)
}

/// The process's stdout and stderr, written unbuffered so lines appear as they happen.
public final class StandardStreams: OutputSink {
    public init() {}
    public func writeOut(_ text: String) { Self.write(1, text) }
    public func writeErr(_ text: String) { Self.write(2, text) }

    static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        // Bounded: each pass writes at least one byte or gives up.
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Whether `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}
