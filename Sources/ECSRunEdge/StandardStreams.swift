import ECSTasks
import Synchronization
import System

/// The process's stdout and stderr, written unbuffered so lines appear as they happen.
public final class StandardStreams: OutputSink {
    /// Set when a write to stdout failed with EPIPE; later writes to stdout are skipped. One flag for the
    /// process, as stdout is one.
    private static let outClosed = Atomic<Bool>(false)

    public init() {}
    public func writeOut(_ text: String) {
        guard !isOutClosed else { return }
        if OutputDescriptor.write(1, text) == .brokenPipe { Self.outClosed.store(true, ordering: .relaxed) }
    }
    public func writeErr(_ text: String) { OutputDescriptor.write(2, text) }
    public var isOutClosed: Bool { Self.outClosed.load(ordering: .relaxed) }
}
