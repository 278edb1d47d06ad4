import AWSClient

/// What became of a RunTask whose answer never said what it did (`LaunchInDoubt`): when that was known,
/// and what the search for its task by `startedBy` found. A failure's reason when the run ends on it, an
/// event when the task was found and stopped (or left) as the run ended.
public struct LaunchDoubt: Sendable {
    public enum Moment: Sendable {
        /// The user interrupted while RunTask had not answered.
        case interrupted
        /// The timeout of this many seconds passed while RunTask had not answered.
        case timedOut(timeout: Double)
        /// RunTask failed without an answer that says what it did (a 5xx, a broken connection).
        case runTaskFailed
    }

    public enum Finding: Sendable {
        /// ListTasks (or the DescribeTasks after it) failed.
        case searchFailed(any Error)
        /// No task was found within `LaunchDoubt.searched` seconds.
        case none
        /// Several running tasks of the task definition carry the `startedBy`: which one is RunTask's is unknown.
        case several(arns: [String])
        /// RunTask's task, found as the run ended, and what became of it.
        case stoppedOrLeft(arn: String, StopFate)
    }

    public var moment: Moment
    /// Seconds from RunTask's sending to the moment.
    public var elapsed: Double
    /// How RunTask ended.
    public var error: AWSError
    public var cluster: String
    public var startedBy: String
    /// How long the search looked.
    public var searched: Double
    public var finding: Finding

    var ending: TaskEnding {
        switch moment {
        case .interrupted: return .interrupted
        case .timedOut: return .timedOut
        case .runTaskFailed: return .launchFailed
        }
    }
}
