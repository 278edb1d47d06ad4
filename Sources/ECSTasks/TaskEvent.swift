import AWSClient
import Durations

/// What happens while an ecs-run command runs, as values: ECSTasks reports each to the command's
/// `TaskObserver` and prints nothing itself; the executable decides what a person sees.
public enum TaskEvent: Sendable {
    // Launching
    /// RunTask started the task, which is followed now.
    case started(ECSTask, taskDefinition: String, cluster: String)
    /// RunTask's answer was lost (the error's code), but its task was found by its `startedBy`, and is followed.
    case foundByStartedBy(errorCode: String, startedBy: String)
    /// RunTask's answer was lost as the run ended; its task was found, and stopped or left running.
    case launchSettled(LaunchDoubt)

    // Following
    /// The log streams that will be read; lines of several containers need telling apart.
    case logStreams([LogStreamRef])
    /// Logs were asked for, but the task definition names no stream (no awslogs with a stream prefix).
    case noLogStream
    /// A task's status or its containers' exit codes changed; seconds since following began.
    case status(ECSTask, previous: String?, elapsed: Double)
    case logLine(LogLine)
    /// DescribeTasks failed in a way worth retrying (the AWS error code); the next try is in `after` seconds.
    case retrying(errorCode: String, after: Double)
    /// StopTask is being sent to the unfinished tasks.
    case stopping(StopCause, tasks: Int)
    case stopFailed(AWSError)
    /// A log stream cannot be read (not for a while: for good); the others are read on.
    case logStreamUnreadable(LogStreamRef, any Error)
    /// Nobody reads the log lines any more; they are no longer read, but the tasks are followed on.
    case logReaderGone
    /// The drain after the end was cut short: the last lines may be missing, and `rerun` would print them.
    case logDrainCutShort(rerun: LogRerun)
    /// Reading a task's logs kept failing; the lines printed may not be all.
    case logsKeptFailing
    /// A task's streams hold no events yet.
    case noLogEvents([LogStreamRef])
    /// A task stopped without an exit code for a deciding container; its stop code and reasons say why.
    case stoppedWithoutExitCode(ECSTask)
    /// Every task is done.
    case summary(FollowSummary)
    /// The timeout or an interrupt ended following before the tasks ended.
    case endedEarly(EarlyEnd)
    /// The tasks could no longer be followed.
    case lost(Loss, StopFate, tasks: [String])

    // Stopping
    /// `stop`: StopTask was accepted; the task as it answered.
    case stopSent(ECSTask)
}

/// Where a command's events go. ECSTasks calls it on the command's own thread.
public protocol TaskObserver: AnyObject {
    func observe(_ event: TaskEvent)
    /// True once nobody reads the log lines any more (`ecs-run … | head -1` closed stdout): reading the
    /// logs stops, but not following the tasks.
    var logReaderGone: Bool { get }
}

/// Why StopTask is sent as following ends.
public enum StopCause: Equatable, Sendable {
    case timeout(Double)
    case interrupted
    case describeTasksFailed

    /// The reason StopTask gives ECS, which shows it as the task's stoppedReason.
    var stopTaskReason: String {
        switch self {
        case .timeout(let seconds): return "stopped by ecs-run: timeout of \(DurationText.format(seconds)) reached"
        case .interrupted: return "stopped by ecs-run: interrupted"
        case .describeTasksFailed: return "stopped by ecs-run: DescribeTasks failed"
        }
    }
}

/// What became of the tasks a run stopped following early.
public enum StopFate: Sendable {
    case stopSent
    /// `leave` was asked for.
    case leftRunning
    /// StopTask failed, with its error when one is known.
    case notStopped((any Error)?)
}

/// Why the tasks could no longer be followed.
public enum Loss: Sendable {
    /// DescribeTasks kept answering that these do not exist.
    case vanished([Failure])
    case describeTasksFailed(AWSError)
}

/// How to print the log lines a cut-short drain may have missed.
public enum LogRerun: Sendable {
    /// Read the logs of this task (nil: of the task in question) again, after the run.
    case readLogs(task: String?)
    /// Repeat the read just made.
    case readAgain
}

/// The end of following when every task is done: each task's ending, and where its logs are.
public struct FollowSummary: Sendable {
    public struct Task: Sendable {
        public var id: String
        /// `.exited(code)` or `.noExitCode`.
        public var ending: TaskEnding
        /// The container whose exit code decided, for `.exited`.
        public var container: String?
        /// Seconds from the start of following to when it was first seen done.
        public var seconds: Double
    }

    public var tasks: [Task]
    /// Where the logs are; empty when no task started (it wrote no log stream).
    public var logs: [LogPlace]
}

/// Where a log stream can be read: the CloudWatch console, or, off AWS (an emulator), its names.
public enum LogPlace: Equatable, Sendable {
    case console(url: String)
    case stream(group: String, stream: String)
}

/// Following cut short by the timeout or an interrupt.
public struct EarlyEnd: Sendable {
    /// `.timedOut` or `.interrupted`.
    public var ending: TaskEnding
    /// The timeout, for `.timedOut`.
    public var timeout: Double?
    /// Seconds since following began.
    public var after: Double
    public var fate: StopFate
    /// The tasks not seen done.
    public var tasks: [String]
}
