import FoundationEssentials

// Request and response shapes of the ECS API, named and spelled as in botocore's ecs/2014-11-13 model.
// Only the members ecs-run reads or sends are declared; JSON 1.1 ignores the rest.

public struct KeyValuePair: Codable, Equatable, Sendable {
    public var name: String?
    public var value: String?
    public init(name: String, value: String) { self.name = name; self.value = value }
}

public struct Tag: Codable, Equatable, Sendable {
    public var key: String?
    public var value: String?
    public init(key: String, value: String) { self.key = key; self.value = value }
}

public struct CapacityProviderStrategyItem: Codable, Equatable, Sendable {
    public var capacityProvider: String
    public var weight: Int?
    public var base: Int?
    public init(capacityProvider: String, weight: Int? = nil, base: Int? = nil) {
        self.capacityProvider = capacityProvider
        self.weight = weight
        self.base = base
    }
}

public struct AwsVpcConfiguration: Codable, Equatable, Sendable {
    public var subnets: [String]
    public var securityGroups: [String]?
    /// `ENABLED` or `DISABLED`.
    public var assignPublicIp: String?
    public init(subnets: [String], securityGroups: [String]? = nil, assignPublicIp: String? = nil) {
        self.subnets = subnets
        self.securityGroups = securityGroups
        self.assignPublicIp = assignPublicIp
    }
}

public struct NetworkConfiguration: Codable, Equatable, Sendable {
    public var awsvpcConfiguration: AwsVpcConfiguration?
    public init(awsvpcConfiguration: AwsVpcConfiguration?) { self.awsvpcConfiguration = awsvpcConfiguration }
}

public struct ContainerOverride: Codable, Equatable, Sendable {
    public var name: String?
    public var command: [String]?
    public var environment: [KeyValuePair]?
    public init(name: String?, command: [String]? = nil, environment: [KeyValuePair]? = nil) {
        self.name = name
        self.command = command
        self.environment = environment
    }
}

public struct TaskOverride: Codable, Equatable, Sendable {
    public var containerOverrides: [ContainerOverride]?
    public var cpu: String?
    public var memory: String?
    public var taskRoleArn: String?
    public var executionRoleArn: String?
    public init(containerOverrides: [ContainerOverride]? = nil, cpu: String? = nil, memory: String? = nil,
                taskRoleArn: String? = nil, executionRoleArn: String? = nil) {
        self.containerOverrides = containerOverrides
        self.cpu = cpu
        self.memory = memory
        self.taskRoleArn = taskRoleArn
        self.executionRoleArn = executionRoleArn
    }
}

public struct RunTaskRequest: Codable, Equatable, Sendable {
    public var capacityProviderStrategy: [CapacityProviderStrategyItem]?
    public var cluster: String?
    public var count: Int?
    public var enableExecuteCommand: Bool?
    public var group: String?
    public var launchType: String?
    public var networkConfiguration: NetworkConfiguration?
    public var overrides: TaskOverride?
    public var platformVersion: String?
    public var propagateTags: String?
    public var startedBy: String?
    public var tags: [Tag]?
    public var taskDefinition: String
    public var clientToken: String?
    public init(taskDefinition: String) { self.taskDefinition = taskDefinition }
}

public struct Failure: Codable, Equatable, Sendable {
    public var arn: String?
    public var reason: String?
    public var detail: String?
    public init(arn: String? = nil, reason: String? = nil, detail: String? = nil) {
        self.arn = arn
        self.reason = reason
        self.detail = detail
    }

    /// `MISSING (arn:...): detail`
    var text: String {
        var text = reason ?? "unknown failure"
        if let arn, !arn.isEmpty { text += " (\(arn))" }
        if let detail, !detail.isEmpty { text += ": \(detail)" }
        return text
    }
}

public struct Container: Codable, Equatable, Sendable {
    public var containerArn: String?
    public var name: String?
    public var image: String?
    public var lastStatus: String?
    public var exitCode: Int?
    public var reason: String?
    public var runtimeId: String?
    public init(name: String, lastStatus: String? = nil, exitCode: Int? = nil, reason: String? = nil) {
        self.name = name
        self.lastStatus = lastStatus
        self.exitCode = exitCode
        self.reason = reason
    }
}

/// `Task` in the ECS model; renamed so it never meets Swift's concurrency `Task`.
public struct ECSTask: Codable, Equatable, Sendable {
    public var taskArn: String?
    public var clusterArn: String?
    public var taskDefinitionArn: String?
    public var lastStatus: String?
    public var desiredStatus: String?
    public var stopCode: String?
    public var stoppedReason: String?
    public var createdAt: Date?
    public var startedAt: Date?
    public var stoppingAt: Date?
    public var stoppedAt: Date?
    public var containers: [Container]?
    public var group: String?
    public var launchType: String?
    public var platformVersion: String?
    public var startedBy: String?
    public var overrides: TaskOverride?
    public var tags: [Tag]?
    public init(taskArn: String, lastStatus: String? = nil, containers: [Container]? = nil) {
        self.taskArn = taskArn
        self.lastStatus = lastStatus
        self.containers = containers
    }

    /// The last part of the ARN: `arn:aws:ecs:r:a:task/cluster/ID` → `ID`.
    public var taskID: String { taskArn.map(Self.id(fromArn:)) ?? "" }

    static func id(fromArn arn: String) -> String {
        arn.split(separator: "/").last.map(String.init) ?? arn
    }
}

public struct RunTaskResponse: Codable, Sendable {
    public var tasks: [ECSTask]?
    public var failures: [Failure]?
    public init(tasks: [ECSTask]? = nil, failures: [Failure]? = nil) { self.tasks = tasks; self.failures = failures }
}

public struct DescribeTasksRequest: Codable, Equatable, Sendable {
    public var cluster: String?
    public var tasks: [String]
    public var include: [String]?
    public init(cluster: String?, tasks: [String], include: [String]? = nil) {
        self.cluster = cluster
        self.tasks = tasks
        self.include = include
    }
}

public struct DescribeTasksResponse: Codable, Sendable {
    public var tasks: [ECSTask]?
    public var failures: [Failure]?
    public init(tasks: [ECSTask]? = nil, failures: [Failure]? = nil) { self.tasks = tasks; self.failures = failures }
}

public struct StopTaskRequest: Codable, Equatable, Sendable {
    public var cluster: String?
    public var task: String
    public var reason: String?
    public init(cluster: String?, task: String, reason: String?) {
        self.cluster = cluster
        self.task = task
        self.reason = reason
    }
}

public struct StopTaskResponse: Codable, Sendable {
    public var task: ECSTask?
    public init(task: ECSTask? = nil) { self.task = task }
}

public struct LogConfiguration: Codable, Equatable, Sendable {
    public var logDriver: String?
    public var options: [String: String]?
    public init(logDriver: String?, options: [String: String]? = nil) { self.logDriver = logDriver; self.options = options }
}

public struct ContainerDefinition: Codable, Equatable, Sendable {
    public var name: String?
    public var image: String?
    /// Absent means true.
    public var essential: Bool?
    public var command: [String]?
    public var logConfiguration: LogConfiguration?
    public init(name: String, image: String? = nil, essential: Bool? = nil, logConfiguration: LogConfiguration? = nil) {
        self.name = name
        self.image = image
        self.essential = essential
        self.logConfiguration = logConfiguration
    }

    public var isEssential: Bool { essential ?? true }
}

public struct TaskDefinition: Codable, Equatable, Sendable {
    public var taskDefinitionArn: String?
    public var family: String?
    public var revision: Int?
    public var containerDefinitions: [ContainerDefinition]?
    public var networkMode: String?
    public var requiresCompatibilities: [String]?
    public init(taskDefinitionArn: String?, containerDefinitions: [ContainerDefinition]) {
        self.taskDefinitionArn = taskDefinitionArn
        self.containerDefinitions = containerDefinitions
    }
}

public struct DescribeTaskDefinitionRequest: Codable, Equatable, Sendable {
    public var taskDefinition: String
    public init(taskDefinition: String) { self.taskDefinition = taskDefinition }
}

public struct DescribeTaskDefinitionResponse: Codable, Sendable {
    public var taskDefinition: TaskDefinition?
    public init(taskDefinition: TaskDefinition?) { self.taskDefinition = taskDefinition }
}

public struct Service: Codable, Equatable, Sendable {
    public var serviceArn: String?
    public var serviceName: String?
    public var status: String?
    public var launchType: String?
    public var capacityProviderStrategy: [CapacityProviderStrategyItem]?
    public var platformVersion: String?
    public var networkConfiguration: NetworkConfiguration?
    public init(serviceName: String) { self.serviceName = serviceName }
}

public struct DescribeServicesRequest: Codable, Equatable, Sendable {
    public var cluster: String?
    public var services: [String]
    public init(cluster: String?, services: [String]) { self.cluster = cluster; self.services = services }
}

public struct DescribeServicesResponse: Codable, Sendable {
    public var services: [Service]?
    public var failures: [Failure]?
    public init(services: [Service]? = nil, failures: [Failure]? = nil) { self.services = services; self.failures = failures }
}
