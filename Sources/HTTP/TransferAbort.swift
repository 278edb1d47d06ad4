/// Lets a caller that waits on its own terms (a deadline, Ctrl-C) abandon a request in flight instead of
/// sitting out the request's timeout: inside `whenever`, a transfer ends with an `.aborted` `HTTPError`
/// soon after the condition turns true (libcurl asks at least about once a second, more often while
/// data flows). Outside it, transfers run to their own timeouts. One condition at a time, per process.
public enum TransferAbort {
    nonisolated(unsafe) static var condition: (() -> Bool)?

    /// Whether the current condition asks to abandon requests now.
    public static var isRequested: Bool { condition?() ?? false }

    public static func whenever<T>(_ condition: @escaping () -> Bool, _ body: () throws -> T) rethrows -> T {
        let saved = Self.condition
        Self.condition = condition
        defer { Self.condition = saved }
        return try body()
    }
}
