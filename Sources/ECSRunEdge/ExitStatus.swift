import ECSTasks

/// ecs-run's exit statuses, following `docker run`; a container's own code passes through.
public enum ExitStatus {
    static let success: Int32 = 0
    static let usage: Int32 = 64
    static let timeout: Int32 = 124
    static let launchFailed: Int32 = 125
    static let interrupted: Int32 = 130

    static func of(_ outcome: TaskOutcome) -> Int32 {
        switch outcome {
        case .planned, .launched, .stopRequested, .printed: return success
        case .followed(let result): return of(result.ending)
        case .failed(let failure): return of(failure)
        }
    }

    public static func of(_ failure: RunFailure) -> Int32 {
        switch failure.kind {
        case .usage: return usage
        case .launch: return launchFailed
        case .interrupted: return interrupted
        case .timedOut: return timeout
        }
    }

    static func of(_ ending: FollowResult.Ending) -> Int32 {
        switch ending {
        case .exited(let code): return code
        case .noExitCode, .lost: return launchFailed
        case .timedOut: return timeout
        case .interrupted: return interrupted
        }
    }
}
