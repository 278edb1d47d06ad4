import System

/// Builds the RunTask request from the configuration, the task definition and, when the network comes
/// from a service, the service. A dry run prints exactly what this returns. Build it once per launch:
/// without an idempotency key each request gets a new random client token.
public enum LaunchPlan {
    /// RunTask's launch types; the executable upper-cases what the user typed.
    static let launchTypes = ["FARGATE", "EC2", "EXTERNAL", "MANAGED_INSTANCES"]

    /// Checks that need no AWS call; usage errors.
    public static func validate(_ config: RunConfiguration) throws {
        if config.taskDefinition.isEmpty { throw RunFailure(.noTaskDefinition) }
        if let launchType = config.launchType, !launchTypes.contains(launchType) {
            throw RunFailure(.unknownLaunchType(launchType, known: launchTypes))
        }
        if config.launchType != nil, !config.capacityProviders.isEmpty { throw RunFailure(.launchTypeWithCapacityProviders) }
        if config.subnets.isEmpty, config.networkFromService == nil {
            if !config.securityGroups.isEmpty { throw RunFailure(.securityGroupsWithoutSubnets) }
            if config.assignPublicIp != nil { throw RunFailure(.assignPublicIpWithoutSubnets) }
        }
        if config.environment.contains(where: { ($0.name ?? "").isEmpty }) { throw RunFailure(.environmentVariableWithoutName) }
        if config.dryRun, config.networkFromService != nil { throw RunFailure(.dryRunWithServiceNetwork) }
    }

    /// The container receiving the overrides: the one named, or the only essential container (sidecars
    /// are not essential). With a task definition, a wrong name is an error listing the real ones.
    static func overrideTarget(_ config: RunConfiguration, taskDefinition: TaskDefinition?) throws -> String? {
        let needsOverride = !config.command.isEmpty || !config.environment.isEmpty
        guard let taskDefinition else {
            if needsOverride, config.container == nil { throw RunFailure(.dryRunWithoutContainer) }
            return config.container
        }
        let definitions = taskDefinition.containerDefinitions ?? []
        let names = definitions.compactMap(\.name)
        if let container = config.container {
            guard names.contains(container) else {
                throw RunFailure(.unknownContainer(container, taskDefinition: describe(taskDefinition), containers: names))
            }
            return container
        }
        guard needsOverride else { return nil }
        let essentials = definitions.filter(\.isEssential).compactMap(\.name)
        guard essentials.count == 1 else {
            throw RunFailure(.severalEssentialContainers(taskDefinition: describe(taskDefinition), essentials: essentials))
        }
        return essentials[0]
    }

    static func describe(_ definition: TaskDefinition) -> String {
        if let family = definition.family, let revision = definition.revision { return "\(family):\(revision)" }
        return definition.taskDefinitionArn ?? "?"
    }

    /// The request for a configuration that passed `validate`.
    static func request(
        _ config: RunConfiguration, taskDefinition: TaskDefinition? = nil,
        service: Service? = nil
    ) throws -> RunTaskRequest {
        var request = RunTaskRequest(taskDefinition: config.taskDefinition)
        request.cluster = config.cluster

        // Where it runs: explicit flags win over what the service has.
        if let launchType = config.launchType {
            request.launchType = launchType
        } else if !config.capacityProviders.isEmpty {
            request.capacityProviderStrategy = config.capacityProviders
        } else if let service {
            if let strategy = service.capacityProviderStrategy, !strategy.isEmpty {
                request.capacityProviderStrategy = strategy
            } else {
                request.launchType = service.launchType
            }
        }
        request.platformVersion = config.platformVersion ?? service?.platformVersion
        request.networkConfiguration = try network(config, service: service)

        let target = try overrideTarget(config, taskDefinition: taskDefinition)
        var overrides = TaskOverride(
            cpu: config.cpu, memory: config.memory, taskRoleArn: config.taskRoleArn,
            executionRoleArn: config.executionRoleArn)
        if !config.command.isEmpty || !config.environment.isEmpty {
            overrides.containerOverrides = [
                ContainerOverride(
                    name: target, command: config.command.isEmpty ? nil : config.command,
                    environment: config.environment.isEmpty ? nil : config.environment)
            ]
        }
        if overrides != TaskOverride() { request.overrides = overrides }

        request.tags = config.tags.isEmpty ? nil : config.tags
        request.propagateTags = config.propagateTags
        request.group = config.group
        request.enableExecuteCommand = config.enableExecuteCommand ? true : nil
        let token = config.idempotencyKey.map(ClientToken.from(idempotencyKey:)) ?? ClientToken.random()
        request.clientToken = token
        request.startedBy = config.startedBy.flatMap { $0.isEmpty ? nil : $0 } ?? ClientToken.startedBy(forToken: token)
        return request
    }

    /// The awsvpc network: the service's, with the parts the configuration names replaced.
    private static func network(_ config: RunConfiguration, service: Service?) throws -> NetworkConfiguration? {
        var vpc = service?.networkConfiguration?.awsvpcConfiguration
        if !config.subnets.isEmpty {
            vpc = AwsVpcConfiguration(subnets: config.subnets, securityGroups: vpc?.securityGroups, assignPublicIp: vpc?.assignPublicIp)
        }
        if !config.securityGroups.isEmpty { vpc?.securityGroups = config.securityGroups }
        if let assign = config.assignPublicIp { vpc?.assignPublicIp = assign ? "ENABLED" : "DISABLED" }
        guard let vpc else { return nil }
        if service != nil, vpc.subnets.isEmpty { throw RunFailure(.serviceWithoutSubnets(service?.serviceName ?? "")) }
        return NetworkConfiguration(awsvpcConfiguration: vpc)
    }

    /// The awslogs streams of the task's containers: `prefix/container/task-id`. Containers without
    /// awslogs or without a stream prefix have no stream name ecs-run can know.
    static func logStreams(_ definition: TaskDefinition, taskID: String) -> [LogStreamRef] {
        (definition.containerDefinitions ?? []).compactMap { container in
            guard let name = container.name, let log = container.logConfiguration, log.logDriver == "awslogs",
                let options = log.options, let group = options["awslogs-group"],
                let prefix = options["awslogs-stream-prefix"]
            else { return nil }
            return LogStreamRef(container: name, group: group, stream: "\(prefix)/\(name)/\(taskID)", region: options["awslogs-region"])
        }
    }

    /// The CloudWatch console page of a log stream.
    static func consoleURL(region: String, group: String, stream: String) -> String {
        // The console's fragment takes each path part percent-encoded ("~" too), with "%" itself written "$25".
        func part(_ text: String) -> String {
            PercentEncoding.encode(text).replacing("~", with: "%7E").replacing("%", with: "$25")
        }
        return
            "https://\(region).console.aws.amazon.com/cloudwatch/home?region=\(region)#logsV2:log-groups/log-group/\(part(group))/log-events/\(part(stream))"
    }
}
