/// How one ecs-run command ended. The executable turns it into the exit status and, with
/// `--output json`, into the JSON result, in one place.
public enum TaskOutcome {
    /// `run --dry-run`: the request that would be sent.
    case planned(RunTaskRequest)
    /// `run --no-wait`: the task RunTask started.
    case launched(ECSTask, cluster: String)
    /// `stop`: the task as StopTask answered.
    case stopRequested(ECSTask, cluster: String)
    /// `logs`: the lines were printed (or nobody reads them any more).
    case printed
    /// `run`, `wait`, `logs --follow`: how following the tasks ended.
    case followed(FollowResult)
    /// Before anything was followed; not printed yet: the executable prints it.
    case failed(RunFailure)
}

/// The end of following one or more tasks.
public struct FollowResult {
    public enum Ending: Equatable, Sendable {
        /// Every task is done; the deciding container's exit code (0–255).
        case exited(Int32)
        /// A task stopped without an exit code for a deciding container (it never ran its command).
        case noExitCode
        case timedOut
        case interrupted
        /// ECS no longer knows a task, or DescribeTasks failed for good.
        case lost
    }

    public var ending: Ending
    /// The task the JSON result describes: with several, the one whose exit code decided.
    public var task: ECSTask?
    public var cluster: String
    public var streams: [LogStreamRef]
}
