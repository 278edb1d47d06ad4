import AWSClient
import System

/// RunTask ended without an answer that says what it did: abandoned after its grace (a timeout or an
/// interrupt came while it hung), cut off, a 5xx, or a 200 that could not be read. It may still have
/// started a task, which would then run with nobody watching it. No new RunTask is sent for it; the task
/// is looked for by the request's `startedBy` (ListTasks), since ECS's `clientToken` only helps a request
/// that is sent again, and after a timeout or an interrupt none may be.
struct LaunchInDoubt: Error {
    var request: RunTaskRequest
    var definition: TaskDefinition
    /// When RunTask was sent, on the clock.
    var launchedAt: Double
    var error: AWSError

    /// Whether `error` leaves open whether RunTask started a task. An error answer below 500 (a bad
    /// parameter, no permission, throttling) says it did not; a missing or unreadable answer does not.
    static func leavesOutcomeOpen(_ error: AWSError) -> Bool {
        switch error.kind {
        case .cancelled, .transport: return true
        case .service: return (error.status ?? 0) >= 500 || error.code == AWSError.invalidResponseCode
        case .credentials, .configuration: return false
        }
    }

    var startedBy: String { request.startedBy ?? "" }

    /// Whether `startedBy` is this launch's own (the default), so that every task listed by it is this
    /// launch's; one the user chose may be shared with other runs.
    var startedByIsOwn: Bool { request.clientToken.map(ClientToken.startedBy(forToken:)) == request.startedBy }
}

extension TaskRunner {
    enum Settled {
        /// RunTask's answer was lost, but its task was found and nobody asked to end the run: follow it.
        case follow(TaskLauncher.Started)
        case ended(TaskOutcome)
    }

    /// Finds the task an unanswered RunTask may have started; stops it when the run is ending (a timeout
    /// or an interrupt, unless `leave`), and reports which task it was and whether it was stopped.
    func settle(_ doubt: LaunchInDoubt, config: RunConfiguration, observer: TaskObserver) -> Settled {
        let watch = config.watch
        let elapsed = clock.now() - doubt.launchedAt
        let moment: LaunchDoubt.Moment
        if isInterrupted() {
            moment = .interrupted
        } else if let timeout = watch.timeout, clock.now() >= doubt.launchedAt + timeout {
            moment = .timedOut(timeout: timeout)
        } else {
            moment = .runTaskFailed
        }
        let report = { (finding: LaunchDoubt.Finding) in
            LaunchDoubt(
                moment: moment, elapsed: elapsed, error: doubt.error, cluster: config.cluster, startedBy: doubt.startedBy,
                searched: watch.searchBudget, finding: finding)
        }
        let found: [ECSTask]
        do {
            found = try findStarted(doubt, cluster: config.cluster, budget: watch.searchBudget)
        } catch {
            return .ended(.failed(RunFailure(.launchInDoubt(report(.searchFailed(error))))))
        }
        guard let task = found.first, let arn = task.taskArn else { return .ended(.failed(RunFailure(.launchInDoubt(report(.none))))) }
        guard found.count == 1 else {
            return .ended(.failed(RunFailure(.launchInDoubt(report(.several(arns: found.compactMap(\.taskArn)))))))
        }
        let ending: TaskEnding
        switch moment {
        case .runTaskFailed:
            observer.observe(.foundByStartedBy(errorCode: doubt.error.code, startedBy: doubt.startedBy))
            return .follow(TaskLauncher.Started(task: task, arn: arn, definition: doubt.definition, launchedAt: doubt.launchedAt))
        case .interrupted: ending = .interrupted
        case .timedOut: ending = .timedOut
        }
        let fate = stopFound(arn, ending: ending, config: config)
        observer.observe(.launchSettled(report(.stoppedOrLeft(arn: arn, fate))))
        return .ended(.followed(FollowResult(ending: ending, task: task, cluster: config.cluster, streams: [])))
    }

    /// StopTask for the task found as the run ends, unless the user asked to leave it.
    private func stopFound(_ arn: String, ending: TaskEnding, config: RunConfiguration) -> StopFate {
        let watch = config.watch
        guard (ending == .timedOut ? watch.onTimeout : watch.onInterrupt) == .stop else { return .leftRunning }
        do {
            let reason = ending == .timedOut ? "timeout reached" : "interrupted"
            _ = try BoundedStop(ecs: ecs, clock: clock, budget: watch.stopBudget).stop(
                StopTaskRequest(cluster: config.cluster, task: arn, reason: "stopped by ecs-run: \(reason)"))
            return .stopSent
        } catch {
            return .notStopped(error)
        }
    }

    /// The running tasks started by the request's `startedBy` from its task definition, asked for until
    /// one shows (ListTasks can list a new task late) or `budget` seconds pass. With a `startedBy` the user
    /// chose, the answer may hold other runs' tasks too.
    private func findStarted(_ doubt: LaunchInDoubt, cluster: String, budget: Double) throws -> [ECSTask] {
        let deadline = clock.now() + budget
        let cancellation = Cancellation.deadline(deadline, now: clock.now)
        var looked = false
        while true {
            do {
                let ours = try lookOnce(doubt, cluster: cluster, cancellation: cancellation)
                if !ours.isEmpty { return ours }
                looked = true
            } catch let error as AWSError where error.kind == .cancelled && looked {
                return [] // the budget ran out during a later look; the earlier ones found nothing
            }
            let pause = min(1.0, deadline - clock.now())
            guard pause > 0 else { return [] }
            clock.sleep(pause)
        }
    }

    private func lookOnce(_ doubt: LaunchInDoubt, cluster: String, cancellation: Cancellation) throws -> [ECSTask] {
        var arns: [String] = []
        var token: String?
        for _ in 0..<5 {
            let page = try ecs.listTasks(
                ListTasksRequest(cluster: cluster, startedBy: doubt.startedBy, nextToken: token), cancellation: cancellation)
            arns += page.taskArns ?? []
            token = page.nextToken
            if token == nil { break }
        }
        guard !arns.isEmpty else { return [] }
        let described = try ecs.describeTasks(
            DescribeTasksRequest(cluster: cluster, tasks: Array(arns.prefix(TaskWatcher.batchSize))), cancellation: cancellation)
        return (described.tasks ?? []).filter { doubt.startedByIsOwn || $0.taskDefinitionArn == doubt.definition.taskDefinitionArn }
    }
}
