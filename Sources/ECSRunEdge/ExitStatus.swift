import ECSTasks

/// ecs-run's exit statuses, following `docker run`: a container's own code passes through.
public enum ExitStatus {
    /// The one place where how a command ended becomes the status the process exits with.
    public static func code(for ending: TaskEnding) -> Int32 {
        switch ending {
        case .completed: return 0
        case .exited(let code): return code
        case .usageError: return 64
        case .timedOut: return 124
        case .noExitCode, .lost, .launchFailed: return 125
        case .interrupted: return 130
        }
    }
}
