import AWSClient
import System

/// Follows tasks with DescribeTasks until they are done, the timeout passes or the user interrupts.
/// Polls about once a second while a task is young and every few seconds later; AWS errors worth
/// retrying (throttling, 5xx, network) back off and retry until the timeout, never ending the wait.
final class TaskWatcher {
    enum Outcome {
        /// Every task is done; the last description of each, in the order asked.
        case done([ECSTask])
        /// The timeout passed (`.timedOut`) or the user interrupted (`.interrupted`); the tasks as last
        /// described, and whether StopTask was sent.
        case cut(TaskEnding, [ECSTask], stopped: Bool)
        /// DescribeTasks kept answering that a task does not exist, or failed with an AWS error that retrying
        /// cannot fix (AccessDenied, ClusterNotFoundException). The latter ends the wait while the tasks run,
        /// so they are stopped as on an interrupt (`onInterrupt`); `stopped` says whether StopTask was sent.
        case lost(Loss, stopped: Bool)
    }

    /// What happened while waiting, for the follower to report.
    enum Event {
        case status(ECSTask, previous: String?)
        case retrying(AWSError, after: Double)
        case stopping(StopCause)
        case stopFailed(AWSError)
    }

    /// ECS answers at most 100 tasks per DescribeTasks.
    static let batchSize = 100
    static let maxBackoff = 30.0

    let ecs: ECSAPI
    let clock: MonotonicClock
    let options: WatchOptions
    let isInterrupted: () -> Bool

    init(ecs: ECSAPI, clock: MonotonicClock, options: WatchOptions, isInterrupted: @escaping () -> Bool) {
        self.ecs = ecs
        self.clock = clock
        self.options = options
        self.isInterrupted = isInterrupted
    }

    /// What the watch knows between polls.
    private struct State {
        let arns: [String]
        var latest: [String: ECSTask] = [:]
        /// Consecutive MISSING answers per task.
        var missing: [String: Int] = [:]
        var nextPoll: Double
        var backoff: Double

        func ordered() -> [ECSTask] { arns.compactMap { latest[$0] } }
        func pending(_ isDone: (ECSTask) -> Bool) -> [String] { arns.filter { arn in !(latest[arn].map(isDone) ?? false) } }
    }

    /// Waits for `tasks` in `cluster`. `isDone` decides when one task is finished; `tick` runs between
    /// polls (the log tailer reads there), with the cancellation its requests must take; `event` reports
    /// progress. `startedAt` is when the wait began on this clock (the launch time, for `run`), used for
    /// the timeout and the poll schedule.
    func watch(
        cluster: String, tasks arns: [String], startedAt: Double? = nil,
        isDone: (ECSTask) -> Bool, tick: (Cancellation) -> Void = { _ in }, event: (Event) -> Void = { _ in }
    ) -> Outcome {
        let start = startedAt ?? clock.now()
        let deadline = options.timeout.map { start + $0 }
        var state = State(arns: arns, nextPoll: clock.now(), backoff: options.fastInterval)
        // A request that hangs must not hold the wait past its deadline or past Ctrl-C.
        let interrupted = Cancellation(when: isInterrupted)
        let giveUp = deadline.map { interrupted.or(.deadline($0, now: clock.now)) } ?? interrupted

        // Bounded by the timeout when there is one, and otherwise by the tasks themselves stopping.
        while true {
            if isInterrupted() {
                let stopped =
                    options.onInterrupt == .stop
                    ? stopPending(.interrupted, cluster: cluster, state: &state, isDone: isDone, event: event) : false
                return .cut(.interrupted, state.ordered(), stopped: stopped)
            }
            let now = clock.now()
            if let deadline, now >= deadline {
                let why = StopCause.timeout(options.timeout ?? 0)
                let stopped =
                    options.onTimeout == .stop ? stopPending(why, cluster: cluster, state: &state, isDone: isDone, event: event) : false
                return .cut(.timedOut, state.ordered(), stopped: stopped)
            }
            if now >= state.nextPoll,
                let end = poll(cluster: cluster, state: &state, start: start, now: now, isDone: isDone, giveUp: giveUp, event: event)
            {
                guard case .lost(.describeTasksFailed(let error), _) = end else { return end }
                // Nobody follows the tasks once the wait ends: they must not run on unwatched.
                let stopped =
                    options.onInterrupt == .stop
                    ? stopPending(.describeTasksFailed, cluster: cluster, state: &state, isDone: isDone, event: event) : false
                return .lost(.describeTasksFailed(error), stopped: stopped)
            }
            tick(giveUp)
            var pause = max(0, state.nextPoll - clock.now())
            if let deadline { pause = min(pause, max(0, deadline - clock.now())) }
            pause = min(pause, options.sleepSlice)
            if pause > 0 { clock.sleep(pause) }
        }
    }

    /// One round of DescribeTasks for the tasks not yet done; the outcome when it ends the watch. Schedules
    /// the next round: soon while the tasks are young, later after `slowAfter`, backing off on errors.
    private func poll(
        cluster: String, state: inout State, start: Double, now: Double, isDone: (ECSTask) -> Bool,
        giveUp: Cancellation, event: (Event) -> Void
    ) -> Outcome? {
        do {
            for batch in stride(from: 0, to: state.arns.count, by: Self.batchSize).map({
                Array(state.arns[$0..<min($0 + Self.batchSize, state.arns.count)])
            }) {
                let wanted = batch.filter { arn in !(state.latest[arn].map(isDone) ?? false) }
                if wanted.isEmpty { continue }
                let answer = try ecs.describeTasks(DescribeTasksRequest(cluster: cluster, tasks: wanted), cancellation: giveUp)
                record(answer, wanted: wanted, state: &state, event: event)
            }
            let gone = state.missing.filter { $0.value >= options.missingLimit }.map(\.key)
            if !gone.isEmpty {
                return .lost(
                    .vanished(gone.sorted().map { Failure(arn: $0, reason: "MISSING", detail: "DescribeTasks no longer knows this task") }),
                    stopped: false)
            }
            if state.pending(isDone).isEmpty { return .done(state.ordered()) }
            state.backoff = options.fastInterval
            let age = clock.now() - start
            state.nextPoll = now + (age >= options.slowAfter ? options.slowInterval : options.fastInterval)
        } catch let error as AWSError where error.kind == .cancelled {
            return nil // the interrupt or the deadline, handled by the loop
        } catch let error as AWSError {
            guard error.isRetryable || error.kind == .transport else { return .lost(.describeTasksFailed(error), stopped: false) }
            state.backoff = min(Self.maxBackoff, state.backoff * 2)
            event(.retrying(error, after: state.backoff))
            state.nextPoll = clock.now() + state.backoff
        } catch {
            return .lost(.describeTasksFailed(AWSError(kind: .service, code: "DescribeTasksFailed", message: "\(error)")), stopped: false)
        }
        return nil
    }

    /// Takes in one DescribeTasks answer: new descriptions (reporting changes) and MISSING failures.
    private func record(_ answer: DescribeTasksResponse, wanted: [String], state: inout State, event: (Event) -> Void) {
        for task in answer.tasks ?? [] {
            guard let key = wanted.first(where: { Self.matches(task, $0) }) else { continue }
            let previous = state.latest[key]?.lastStatus
            state.latest[key] = task
            state.missing[key] = nil
            if previous != task.lastStatus { event(.status(task, previous: previous)) }
        }
        for failure in answer.failures ?? [] where failure.reason == "MISSING" {
            guard let key = wanted.first(where: { failure.arn == nil || Self.matchesArn(failure.arn!, $0) }) else { continue }
            state.missing[key, default: 0] += 1
        }
    }

    /// StopTask once for each task not yet done, all within `options.stopBudget`; whether any was sent.
    private func stopPending(
        _ why: StopCause, cluster: String, state: inout State, isDone: (ECSTask) -> Bool,
        event: (Event) -> Void
    ) -> Bool {
        event(.stopping(why))
        var sent = false
        let stopper = BoundedStop(ecs: ecs, clock: clock, budget: options.stopBudget)
        for arn in state.pending(isDone) {
            do {
                let task = try stopper.stop(StopTaskRequest(cluster: cluster, task: arn, reason: why.stopTaskReason))
                if let task { state.latest[arn] = task }
                sent = true
            } catch let error as AWSError {
                event(.stopFailed(error))
            } catch {
                event(.stopFailed(AWSError(kind: .service, code: "StopTaskFailed", message: "\(error)")))
            }
        }
        return sent
    }

    static func matches(_ task: ECSTask, _ wanted: String) -> Bool {
        guard let arn = task.taskArn else { return false }
        return matchesArn(arn, wanted)
    }

    /// The user may name a task by ARN or by id.
    static func matchesArn(_ arn: String, _ wanted: String) -> Bool {
        arn == wanted || ECSTask.id(fromArn: arn) == ECSTask.id(fromArn: wanted)
    }

    static func exitCodes(_ task: ECSTask?) -> [Int?] {
        (task?.containers ?? []).map(\.exitCode)
    }
}
