import Durations
import AWSClient

/// Follows tasks with DescribeTasks until they are done, the timeout passes or the user interrupts.
/// Polls about once a second while a task is young and every few seconds later; AWS errors worth
/// retrying (throttling, 5xx, network) back off and retry until the timeout, never ending the wait.
final class TaskWatcher {
    enum Outcome {
        /// Every task is done; the last description of each, in the order asked.
        case done([ECSTask])
        /// The timeout passed; `stopped` says whether StopTask was sent.
        case timedOut([ECSTask], stopped: Bool)
        case interrupted([ECSTask], stopped: Bool)
        /// DescribeTasks kept answering that a task does not exist.
        case vanished([Failure])
        /// An AWS error that retrying cannot fix (for example AccessDenied or ClusterNotFoundException).
        case failed(AWSError)
    }

    /// What happened while waiting, for the display.
    enum Event {
        case status(ECSTask, previous: String?)
        case retrying(AWSError, after: Double)
        case stopping(String)
        case stopFailed(AWSError)
    }

    /// ECS answers at most 100 tasks per DescribeTasks.
    static let batchSize = 100
    static let maxBackoff = 30.0

    let ecs: ECSAPI
    let clock: Clock
    let options: WatchOptions
    let isInterrupted: () -> Bool

    init(ecs: ECSAPI, clock: Clock, options: WatchOptions, isInterrupted: @escaping () -> Bool) {
        self.ecs = ecs
        self.clock = clock
        self.options = options
        self.isInterrupted = isInterrupted
    }

    /// Waits for `tasks` in `cluster`. `isDone` decides when one task is finished; `tick` runs between
    /// polls (the log tailer reads there); `event` reports progress. `startedAt` is when the wait began
    /// on this clock (the launch time, for `run`), used for the timeout and the poll schedule.
    func watch(cluster: String, tasks arns: [String], startedAt: Double? = nil,
                      isDone: (ECSTask) -> Bool, tick: () -> Void = {}, event: (Event) -> Void = { _ in }) -> Outcome {
        let start = startedAt ?? clock.now()
        let deadline = options.timeout.map { start + $0 }
        var latest: [String: ECSTask] = [:]
        var missing: [String: Int] = [:]
        var nextPoll = clock.now()
        var backoff = options.fastInterval
        let reason = "stopped by ecs-run"
        // A request that hangs must not hold the wait past its deadline or past Ctrl-C.
        let giveUp = { [clock, isInterrupted] in isInterrupted() || deadline.map { clock.now() >= $0 } ?? false }

        func ordered() -> [ECSTask] { arns.compactMap { latest[$0] } }
        func pending() -> [String] { arns.filter { arn in !(latest[arn].map(isDone) ?? false) } }
        func stopPending(_ why: String) -> Bool {
            event(.stopping(why))
            var sent = false
            for arn in pending() {
                do {
                    let answer = try ecs.stopTask(StopTaskRequest(cluster: cluster, task: arn, reason: "\(reason): \(why)"))
                    if let task = answer.task { latest[arn] = task }
                    sent = true
                } catch let error as AWSError {
                    event(.stopFailed(error))
                } catch {
                    event(.stopFailed(AWSError(kind: .service, code: "StopTaskFailed", message: "\(error)")))
                }
            }
            return sent
        }

        // Bounded by the timeout when there is one, and otherwise by the tasks themselves stopping.
        while true {
            if isInterrupted() {
                let stopped = options.onInterrupt == .stop ? stopPending("interrupted") : false
                return .interrupted(ordered(), stopped: stopped)
            }
            let now = clock.now()
            if let deadline, now >= deadline {
                let stopped = options.onTimeout == .stop ? stopPending("timeout of \(DurationText.format(options.timeout ?? 0)) reached") : false
                return .timedOut(ordered(), stopped: stopped)
            }
            if now >= nextPoll {
                do {
                    for batch in stride(from: 0, to: arns.count, by: Self.batchSize).map({ Array(arns[$0..<min($0 + Self.batchSize, arns.count)]) }) {
                        let wanted = batch.filter { arn in !(latest[arn].map(isDone) ?? false) }
                        if wanted.isEmpty { continue }
                        let answer = try AWSRequests.abandon(when: giveUp) {
                            try ecs.describeTasks(DescribeTasksRequest(cluster: cluster, tasks: wanted))
                        }
                        for task in answer.tasks ?? [] {
                            guard let key = wanted.first(where: { Self.matches(task, $0) }) else { continue }
                            let previous = latest[key]?.lastStatus
                            latest[key] = task
                            missing[key] = nil
                            if previous != task.lastStatus || Self.exitCodes(latest[key]) != Self.exitCodes(task) {
                                event(.status(task, previous: previous))
                            }
                        }
                        for failure in answer.failures ?? [] where failure.reason == "MISSING" {
                            guard let key = wanted.first(where: { failure.arn == nil || Self.matchesArn(failure.arn!, $0) }) else { continue }
                            missing[key, default: 0] += 1
                        }
                    }
                    let gone = missing.filter { $0.value >= options.missingLimit }.map(\.key)
                    if !gone.isEmpty {
                        return .vanished(gone.sorted().map { Failure(arn: $0, reason: "MISSING", detail: "DescribeTasks no longer knows this task") })
                    }
                    if pending().isEmpty { return .done(ordered()) }
                    backoff = options.fastInterval
                    let age = clock.now() - start
                    nextPoll = now + (age >= options.slowAfter ? options.slowInterval : options.fastInterval)
                } catch let error as AWSError where error.wasAbandoned {
                    continue  // the interrupt or the deadline, handled at the top
                } catch let error as AWSError {
                    guard error.isRetryable || error.kind == .transport else { return .failed(error) }
                    backoff = min(Self.maxBackoff, backoff * 2)
                    event(.retrying(error, after: backoff))
                    nextPoll = clock.now() + backoff
                } catch {
                    return .failed(AWSError(kind: .service, code: "DescribeTasksFailed", message: "\(error)"))
                }
            }
            AWSRequests.abandon(when: giveUp, tick)
            var pause = max(0, nextPoll - clock.now())
            if let deadline { pause = min(pause, max(0, deadline - clock.now())) }
            pause = min(pause, options.sleepSlice)
            if pause > 0 { clock.sleep(pause) }
        }
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
