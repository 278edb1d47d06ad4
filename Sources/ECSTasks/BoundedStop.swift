import AWSClient
import Durations
import System

/// StopTask once the wait is over (a timeout, an interrupt, a failure): every StopTask of one ending,
/// with all their attempts, ends within `budget` seconds, so a StopTask that never answers holds ecs-run
/// for seconds, not for the AWS client's three 60 s attempts. StopTask is safe to repeat, so the AWS
/// client still retries within the budget.
struct BoundedStop {
    let ecs: ECSAPI
    let budget: Double
    private let deadline: Double
    private let clock: MonotonicClock

    init(ecs: ECSAPI, clock: MonotonicClock, budget: Double) {
        self.ecs = ecs
        self.clock = clock
        self.budget = budget
        deadline = clock.now() + budget
    }

    /// The task as StopTask answered (nil when the answer named none); throws an `AWSError`, also when
    /// the budget ran out first.
    func stop(_ request: StopTaskRequest) throws -> ECSTask? {
        let overrun = AWSError(
            kind: .cancelled, code: "RequestAbandoned",
            message: "no answer within the \(DurationText.format(budget)) StopTask may take once the wait is over")
        guard clock.now() < deadline else { throw overrun }
        do {
            return try ecs.stopTask(request, cancellation: .deadline(deadline, now: clock.now)).task
        } catch let error as AWSError where error.kind == .cancelled {
            throw overrun
        }
    }
}
