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

    func launch(_ config: RunConfiguration, display: ProgressDisplay) throws -> Started {
        try LaunchPlan.validate(config)
        let definition = try taskDefinition(config.taskDefinition)
        let service = try config.networkFromService.map { try self.service($0, cluster: config.cluster) }
        let request = try LaunchPlan.request(config, taskDefinition: definition, service: service)

        // Interrupted while reading the task definition: nothing runs yet, so nothing needs stopping.
        if isInterrupted() { throw RunFailure.interrupted(Self.notStarted) }
        let launchedAt = clock.now()
        display.resetClock()
        let answer = try aws("RunTask") { try ecs.runTask(request) }
        if let failures = answer.failures, !failures.isEmpty {
            throw RunFailure.launch("RunTask could not start the task:\n" + failures.map { "  " + $0.text }.joined(separator: "\n"))
        }
        guard let task = answer.tasks?.first, let arn = task.taskArn else {
            throw RunFailure.launch("RunTask answered without a task and without failures")
        }
        return Started(task: task, arn: arn, definition: definition, launchedAt: launchedAt)
    }

    static let notStarted = "interrupted before RunTask; no task was started"

    private func taskDefinition(_ name: String) throws -> TaskDefinition {
        let answer = try aws("DescribeTaskDefinition \(name)") {
            try ecs.describeTaskDefinition(DescribeTaskDefinitionRequest(taskDefinition: name), cancellation: untilInterrupted)
        }
        guard let definition = answer.taskDefinition else {
            throw RunFailure.launch("DescribeTaskDefinition \(name) answered without a task definition")
        }
        return definition
    }

    private func service(_ name: String, cluster: String) throws -> Service {
        let answer = try aws("DescribeServices \(name)") {
            try ecs.describeServices(DescribeServicesRequest(cluster: cluster, services: [name]), cancellation: untilInterrupted)
        }
        guard let found = answer.services?.first(where: { $0.status != "INACTIVE" }) ?? answer.services?.first else {
            let why = (answer.failures ?? []).map(\.text).joined(separator: "; ")
            throw RunFailure.launch("the service \"\(name)\" was not found in cluster \(cluster)\(why.isEmpty ? "" : ": " + why)")
        }
        return found
    }

    /// For the calls made before RunTask: they are abandoned at once on Ctrl-C, since no task needs
    /// stopping yet. RunTask itself never is (it takes no cancellation): its answer says which task to stop.
    private var untilInterrupted: Cancellation { Cancellation(when: isInterrupted) }

    /// An AWS call of the launch; its failure, or its cancellation, ends the launch.
    private func aws<T>(_ what: String, _ call: () throws -> T) throws -> T {
        do {
            return try call()
        } catch let error as AWSError {
            if error.kind == .cancelled { throw RunFailure.interrupted(Self.notStarted) }
            throw RunFailure.launch("\(what) failed: \(error)")
        }
    }
}
