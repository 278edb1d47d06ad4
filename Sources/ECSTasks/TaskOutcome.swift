/// What one ecs-run command produced. The executable turns it into what it prints last (the result on
/// stdout, or the error) and, through `ending`, into the exit status, in one place.
public enum TaskOutcome: Sendable {
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
    /// Before anything was followed; not shown yet: the executable shows it.
    case failed(RunFailure)

    public var ending: TaskEnding {
        switch self {
        case .planned, .launched, .stopRequested, .printed: return .completed
        case .followed(let result): return result.ending
        case .failed(let failure): return failure.ending
        }
    }
}

/// The end of following one or more tasks.
public struct FollowResult: Sendable {
    /// `.exited`, `.noExitCode`, `.timedOut`, `.interrupted` or `.lost`.
    public var ending: TaskEnding
    /// The task the JSON result describes: with several, the one whose exit code decided.
    public var task: ECSTask?
    public var cluster: String
    public var streams: [LogStreamRef]

    public init(ending: TaskEnding, task: ECSTask? = nil, cluster: String, streams: [LogStreamRef]) {
        self.ending = ending
        self.task = task
        self.cluster = cluster
        self.streams = streams
    }
}
