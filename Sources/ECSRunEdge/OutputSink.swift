/// Where ecs-run writes: results on stdout, progress on stderr. The executable passes the process's
/// streams; tests pass a sink that captures both.
public protocol OutputSink: AnyObject {
    func writeOut(_ text: String)
    func writeErr(_ text: String)
    /// True once stdout is gone (its reader closed the pipe, as `ecs-run ... | head -1` does).
    var isOutClosed: Bool { get }
}
