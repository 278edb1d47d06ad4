import AWSClient

/// Why an ecs-run command failed before (or instead of) following a task. A value, not a sentence: the
/// executable says it in its own words, with the options to change, and decides the exit status from
/// `ending`.
public struct RunFailure: Error {
    public enum Reason: Sendable {
        // The configuration, before any AWS call.
        case noTaskDefinition
        case unknownLaunchType(String, known: [String])
        case launchTypeWithCapacityProviders
        case securityGroupsWithoutSubnets
        case assignPublicIpWithoutSubnets
        case environmentVariableWithoutName
        /// A dry run calls nothing, so it cannot copy a service's network.
        case dryRunWithServiceNetwork
        /// A dry run does not read the task definition, so overrides need their container named.
        case dryRunWithoutContainer
        // The configuration against the task definition.
        case unknownContainer(String, taskDefinition: String, containers: [String])
        case severalEssentialContainers(taskDefinition: String, essentials: [String])

        // The launch and the look-ups.
        /// The AWS configuration (region, endpoints, credentials' settings) could not be resolved.
        case awsConfiguration(AWSError)
        case awsCall(AWSCall, AWSError)
        case noTaskDefinitionInAnswer(String)
        case serviceNotFound(String, cluster: String, failures: [Failure])
        case serviceWithoutSubnets(String)
        case runTaskFailures([Failure])
        case runTaskAnsweredNothing
        case taskNotDescribed(String, cluster: String)
        case describeTasksFailures(cluster: String, failures: [Failure])
        case noLogStream(task: String)
        /// While following: DescribeTasks kept answering that the task does not exist.
        case taskVanished([Failure])
        /// RunTask ended without saying what it did; what the search for its task found.
        case launchInDoubt(LaunchDoubt)

        case interruptedBeforeRunTask
        case interruptedBeforeFollowing
        case interruptedBeforeStopTaskAnswered(task: String)
        /// The timeout passed while the call named had not answered, before RunTask was sent.
        case timeoutBeforeRunTask(timeout: Double?, waitingFor: AWSCall)
        case timeoutBeforeFollowing(timeout: Double)

        /// An error of no kind ecs-run knows; its own description says what it is.
        case unexpected(any Error)
    }

    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var ending: TaskEnding {
        switch reason {
        case .noTaskDefinition, .unknownLaunchType, .launchTypeWithCapacityProviders, .securityGroupsWithoutSubnets,
            .assignPublicIpWithoutSubnets, .environmentVariableWithoutName, .dryRunWithServiceNetwork,
            .dryRunWithoutContainer, .unknownContainer, .severalEssentialContainers:
            return .usageError
        case .awsConfiguration(let error):
            // A malformed AWS_ENDPOINT_URL_*, AWS_REGION or AWS_MAX_ATTEMPTS, found before any request.
            return error.code == AWSError.invalidSettingCode ? .usageError : .launchFailed
        case .launchInDoubt(let doubt):
            return doubt.ending
        case .interruptedBeforeRunTask, .interruptedBeforeFollowing, .interruptedBeforeStopTaskAnswered:
            return .interrupted
        case .timeoutBeforeRunTask, .timeoutBeforeFollowing:
            return .timedOut
        case .awsCall, .noTaskDefinitionInAnswer, .serviceNotFound, .serviceWithoutSubnets, .runTaskFailures,
            .runTaskAnsweredNothing, .taskNotDescribed, .describeTasksFailures, .noLogStream, .taskVanished, .unexpected:
            return .launchFailed
        }
    }
}

/// An AWS call, as a failure names it: the operation and what it was about (a task definition, a task).
public struct AWSCall: Equatable, Sendable {
    public var operation: String
    public var subject: String?

    public init(_ operation: String, _ subject: String? = nil) {
        self.operation = operation
        self.subject = subject
    }
}
