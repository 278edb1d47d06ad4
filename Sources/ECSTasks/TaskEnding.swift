/// How an ecs-run command ended: the one value the executable turns into its exit status (in one
/// function, `ExitStatus.code(for:)`), whatever produced it: a followed task, a failed launch, a bad option.
public enum TaskEnding: Equatable, Sendable {
    /// The command did what it was asked without following a task to its end: the dry run's request, the
    /// launched task of `--no-wait`, StopTask sent, the log lines printed.
    case completed
    /// Every task followed is done; the deciding container's exit code, 0–255.
    case exited(Int32)
    /// A task stopped without an exit code for a deciding container: it never ran its command.
    case noExitCode
    case timedOut
    case interrupted
    /// The tasks could no longer be followed: ECS no longer knows one, or DescribeTasks failed for good.
    case lost
    /// Options that do not fit each other, the environment or the task definition.
    case usageError
    /// The launch, or ecs-run itself, failed: credentials, an AWS error, RunTask's failures.
    case launchFailed
}
