/// A failure that ends an ecs-run command before (or instead of) following a task; `description` is
/// safe to print. The executable decides the exit status from `kind`.
public struct RunFailure: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// A bad option or a task definition that does not fit them.
        case usage
        /// ecs-run or the launch failed: credentials, an AWS error, RunTask failures.
        case launch
        /// Ctrl-C or SIGTERM before anything was followed.
        case interrupted
        /// The timeout passed before RunTask, while AWS had not answered the calls that come before it.
        case timedOut
    }

    public var kind: Kind
    public var description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    public static func usage(_ text: String) -> RunFailure { RunFailure(.usage, text) }
    public static func launch(_ text: String) -> RunFailure { RunFailure(.launch, text) }
    static func interrupted(_ text: String) -> RunFailure { RunFailure(.interrupted, text) }
    static func timedOut(_ text: String) -> RunFailure { RunFailure(.timedOut, text) }
}
