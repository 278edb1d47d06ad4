import AWSClient
import System

/// Launches one task: validates the configuration once, reads the task definition (and, with
/// --network-from-service, the service), builds the request and calls RunTask.
struct TaskLauncher {
    /// A task RunTask started, with what following it needs.
    struct Started {
        var task: ECSTask
        var arn: String
        var definition: TaskDefinition
        /// When RunTask was sent, on the clock: the start of the timeout.
        var launchedAt: Double
    }

    let ecs: ECSAPI
    let clock: MonotonicClock
    let isInterrupted: () -> Bool

    /// `--dry-run`: the request, built without any AWS call (so without the task definition).
    static func plan(_ config: RunConfiguration) throws -> RunTaskRequest {
        try LaunchPlan.validate(config)
        return try LaunchPlan.request(config)
    }

    func launch(_ config: RunConfiguration) throws -> Started {
        try LaunchPlan.validate(config)
        let lookUp = LookUp(isInterrupted: isInterrupted, clock: clock, timeout: config.watch.timeout)
        let definition = try taskDefinition(config.taskDefinition, lookUp)
        let service = try config.networkFromService.map { try self.service($0, cluster: config.cluster, lookUp) }
        let request = try LaunchPlan.request(config, taskDefinition: definition, service: service)

        // Interrupted while reading the task definition: nothing runs yet, so nothing needs stopping.
        if isInterrupted() { throw RunFailure(.interruptedBeforeRunTask) }
        let launchedAt = clock.now()
        // No new attempt after a timeout or an interrupt, and the one in flight gets a short grace for its
        // answer, which names the task to stop; without one, `LaunchInDoubt` goes looking for the task.
        let deadline = config.watch.timeout.map { launchedAt + $0 }
        let isInterrupted = self.isInterrupted
        let clock = self.clock
        let ending = { isInterrupted() || deadline.map { clock.now() >= $0 } ?? false }
        let answer: RunTaskResponse
        do {
            answer = try ecs.runTask(
                request, noNewAttempt: Cancellation(when: ending),
                cancellation: .graced(ending, grace: config.watch.runTaskGrace, clock: clock))
        } catch let error as AWSError where LaunchInDoubt.leavesOutcomeOpen(error) {
            throw LaunchInDoubt(request: request, definition: definition, launchedAt: launchedAt, error: error)
        } catch let error as AWSError {
            throw RunFailure(.awsCall(AWSCall("RunTask"), error))
        }
        if let failures = answer.failures, !failures.isEmpty { throw RunFailure(.runTaskFailures(failures)) }
        guard let task = answer.tasks?.first, let arn = task.taskArn else { throw RunFailure(.runTaskAnsweredNothing) }
        return Started(task: task, arn: arn, definition: definition, launchedAt: launchedAt)
    }

    private func taskDefinition(_ name: String, _ lookUp: LookUp) throws -> TaskDefinition {
        let answer = try aws(AWSCall("DescribeTaskDefinition", name), lookUp) {
            try ecs.describeTaskDefinition(DescribeTaskDefinitionRequest(taskDefinition: name), cancellation: lookUp.cancellation)
        }
        guard let definition = answer.taskDefinition else { throw RunFailure(.noTaskDefinitionInAnswer(name)) }
        return definition
    }

    private func service(_ name: String, cluster: String, _ lookUp: LookUp) throws -> Service {
        let answer = try aws(AWSCall("DescribeServices", name), lookUp) {
            try ecs.describeServices(DescribeServicesRequest(cluster: cluster, services: [name]), cancellation: lookUp.cancellation)
        }
        guard let found = answer.services?.first(where: { $0.status != "INACTIVE" }) ?? answer.services?.first else {
            throw RunFailure(.serviceNotFound(name, cluster: cluster, failures: answer.failures ?? []))
        }
        return found
    }

    /// For the calls made before RunTask: they are abandoned at once on Ctrl-C, since no task needs
    /// stopping yet, and when the timeout passes, so an endpoint that never answers ends the run in time.
    /// RunTask itself gets a grace for its answer, which says which task to stop.
    struct LookUp {
        let isInterrupted: () -> Bool
        let cancellation: Cancellation
        /// The timeout; nil without one.
        let timeout: Double?

        init(isInterrupted: @escaping () -> Bool, clock: MonotonicClock, timeout: Double?) {
            self.isInterrupted = isInterrupted
            let start = clock.now()
            cancellation = Cancellation(when: isInterrupted).or(timeout.map { .deadline(start + $0, now: clock.now) } ?? .never)
            self.timeout = timeout
        }
    }

    /// An AWS call of the launch; its failure, or its cancellation, ends the launch.
    private func aws<T>(_ what: AWSCall, _ lookUp: LookUp, _ call: () throws -> T) throws -> T {
        do {
            return try call()
        } catch let error as AWSError {
            if error.kind == .cancelled {
                if lookUp.isInterrupted() { throw RunFailure(.interruptedBeforeRunTask) }
                throw RunFailure(.timeoutBeforeRunTask(timeout: lookUp.timeout, waitingFor: what))
            }
            throw RunFailure(.awsCall(what, error))
        }
    }
}
