import ECSTasks
import System

/// The process's stdout and stderr, written unbuffered so lines appear as they happen.
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
}
