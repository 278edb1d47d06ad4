import ECSTasks
import System
#if canImport(Glibc)
import Glibc
#endif

/// The process's stdout and stderr, written unbuffered so lines appear as they happen.
/// The SIGPIPE disposition stays here, beside the interrupt handlers: signals are the program's edge,
/// set once by ecs-run for its whole process, and no library below should change them.
public final class StandardStreams: OutputSink {
    /// Set when a write to stdout failed with EPIPE; later writes to stdout are skipped.
    nonisolated(unsafe) private static var outClosed = false

    public init() {}
    public func writeOut(_ text: String) {
        guard !Self.outClosed else { return }
        if OutputDescriptor.write(1, text) == .brokenPipe { Self.outClosed = true }
    }
    public func writeErr(_ text: String) { OutputDescriptor.write(2, text) }
    public var isOutClosed: Bool { Self.outClosed }

    /// Makes a write to a closed pipe fail with EPIPE instead of killing the process with SIGPIPE,
    /// so ecs-run can still follow (and, if need be, stop) its task. Call once, early.
    public static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Whether `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { OutputDescriptor.isTerminal(fd) }
}
