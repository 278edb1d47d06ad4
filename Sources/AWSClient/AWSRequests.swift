import HTTP

public enum AWSRequests {
    /// Runs `body`; a request in flight inside it is abandoned soon after `condition` turns true and fails
    /// with an `AWSError` whose `wasAbandoned` is true, and which is not retried. For waits that must end
    /// on time or on Ctrl-C even when AWS does not answer; never wrap a request whose effect must be known
    /// (RunTask, StopTask).
    public static func abandon<T>(when condition: @escaping () -> Bool, _ body: () throws -> T) rethrows -> T {
        try TransferAbort.whenever(condition, body)
    }
}
