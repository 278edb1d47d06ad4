/// A failure that ends ecs-run with a documented exit status; `description` is safe to print.
public struct RunFailure: Error, CustomStringConvertible, Sendable {
    /// 64 usage, 125 launcher or launch failure.
    public var status: Int32
    public var description: String

    public init(status: Int32, _ description: String) {
        self.status = status
        self.description = description
    }

    public static func usage(_ text: String) -> RunFailure { RunFailure(status: ExitStatus.usage, text) }
    public static func launch(_ text: String) -> RunFailure { RunFailure(status: ExitStatus.launchFailed, text) }
}

/// ecs-run's exit statuses, following `docker run`; a container's own code passes through.
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let usage: Int32 = 64
    public static let timeout: Int32 = 124
    public static let launchFailed: Int32 = 125
    public static let interrupted: Int32 = 130
}
