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

struct AwsVpcConfiguration: Codable, Equatable, Sendable {
    var subnets: [String]
    var securityGroups: [String]?
    /// `ENABLED` or `DISABLED`.
    var assignPublicIp: String?
    init(subnets: [String], securityGroups: [String]? = nil, assignPublicIp: String? = nil) {
        self.subnets = subnets
        self.securityGroups = securityGroups
        self.assignPublicIp = assignPublicIp
    }
}

struct NetworkConfiguration: Codable, Equatable, Sendable {
    var awsvpcConfiguration: AwsVpcConfiguration?
    init(awsvpcConfiguration: AwsVpcConfiguration?) { self.awsvpcConfiguration = awsvpcConfiguration }
}

struct ContainerOverride: Codable, Equatable, Sendable {
    var name: String?
    var command: [String]?
    var environment: [KeyValuePair]?
    init(name: String?, command: [String]? = nil, environment: [KeyValuePair]? = nil) {
        self.name = name
        self.command = command
        self.environment = environment
    }
}

struct TaskOverride: Codable, Equatable, Sendable {
    var containerOverrides: [ContainerOverride]?
    var cpu: String?
    var memory: String?
    var taskRoleArn: String?
    var executionRoleArn: String?
    init(
        containerOverrides: [ContainerOverride]? = nil, cpu: String? = nil, memory: String? = nil,
        taskRoleArn: String? = nil, executionRoleArn: String? = nil
    ) {
        self.containerOverrides = containerOverrides
        self.cpu = cpu
        self.memory = memory
        self.taskRoleArn = taskRoleArn
        self.executionRoleArn = executionRoleArn
    }
}

public struct RunTaskRequest: Codable, Equatable, Sendable {
    var capacityProviderStrategy: [CapacityProviderStrategyItem]?
    var cluster: String?
    var count: Int?
    var enableExecuteCommand: Bool?
    var group: String?
    var launchType: String?
    var networkConfiguration: NetworkConfiguration?
    var overrides: TaskOverride?
    var platformVersion: String?
    var propagateTags: String?
    var startedBy: String?
    var tags: [Tag]?
    var taskDefinition: String
    var clientToken: String?
    init(taskDefinition: String) { self.taskDefinition = taskDefinition }
}

/// A failure ECS reports for one task or resource (`MISSING`, `RESOURCE:MEMORY`, ...).
public struct Failure: Codable, Equatable, Sendable {
    public var arn: String?
    public var reason: String?
    public var detail: String?
    public init(arn: String? = nil, reason: String? = nil, detail: String? = nil) {
        self.arn = arn
        self.reason = reason
        self.detail = detail
    }
}

public struct Container: Codable, Equatable, Sendable {
    public var name: String?
    public var image: String?
    public var lastStatus: String?
    public var exitCode: Int?
    public var reason: String?
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
    public var startedAt: Date?
    public var stoppedAt: Date?
    public var containers: [Container]?
    public var group: String?
    public var launchType: String?
    public var platformVersion: String?
    public var startedBy: String?
    var overrides: TaskOverride?
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

struct RunTaskResponse: Codable, Sendable {
    var tasks: [ECSTask]?
    var failures: [Failure]?
    init(tasks: [ECSTask]? = nil, failures: [Failure]? = nil) { self.tasks = tasks; self.failures = failures }
}

struct DescribeTasksRequest: Codable, Equatable, Sendable {
    var cluster: String?
    var tasks: [String]
    var include: [String]?
    init(cluster: String?, tasks: [String], include: [String]? = nil) {
        self.cluster = cluster
        self.tasks = tasks
        self.include = include
    }
}

struct DescribeTasksResponse: Codable, Sendable {
    var tasks: [ECSTask]?
    var failures: [Failure]?
    init(tasks: [ECSTask]? = nil, failures: [Failure]? = nil) { self.tasks = tasks; self.failures = failures }
}

struct StopTaskRequest: Codable, Equatable, Sendable {
    var cluster: String?
    var task: String
    var reason: String?
    init(cluster: String?, task: String, reason: String?) {
        self.cluster = cluster
        self.task = task
        self.reason = reason
    }
}

struct StopTaskResponse: Codable, Sendable {
    var task: ECSTask?
    init(task: ECSTask? = nil) { self.task = task }
}

/// ListTasks by `startedBy`, which must then be its only filter; the default desired status, RUNNING,
/// is what a task that must be stopped has.
struct ListTasksRequest: Codable, Equatable, Sendable {
    var cluster: String?
    var startedBy: String?
    var nextToken: String?
    init(cluster: String?, startedBy: String?, nextToken: String? = nil) {
        self.cluster = cluster
        self.startedBy = startedBy
        self.nextToken = nextToken
    }
}

struct ListTasksResponse: Codable, Sendable {
    var taskArns: [String]?
    var nextToken: String?
    init(taskArns: [String]? = nil, nextToken: String? = nil) { self.taskArns = taskArns; self.nextToken = nextToken }
}

struct LogConfiguration: Codable, Equatable, Sendable {
    var logDriver: String?
    var options: [String: String]?
    init(logDriver: String?, options: [String: String]? = nil) { self.logDriver = logDriver; self.options = options }
}

struct ContainerDefinition: Codable, Equatable, Sendable {
    var name: String?
    var image: String?
    /// Absent means true.
    var essential: Bool?
    var command: [String]?
    var logConfiguration: LogConfiguration?
    init(name: String, image: String? = nil, essential: Bool? = nil, logConfiguration: LogConfiguration? = nil) {
        self.name = name
        self.image = image
        self.essential = essential
        self.logConfiguration = logConfiguration
    }

    var isEssential: Bool { essential ?? true }
}

struct TaskDefinition: Codable, Equatable, Sendable {
    var taskDefinitionArn: String?
    var family: String?
    var revision: Int?
    var containerDefinitions: [ContainerDefinition]?
    init(taskDefinitionArn: String?, containerDefinitions: [ContainerDefinition]) {
        self.taskDefinitionArn = taskDefinitionArn
        self.containerDefinitions = containerDefinitions
    }
}

struct DescribeTaskDefinitionRequest: Codable, Equatable, Sendable {
    var taskDefinition: String
    init(taskDefinition: String) { self.taskDefinition = taskDefinition }
}

struct DescribeTaskDefinitionResponse: Codable, Sendable {
    var taskDefinition: TaskDefinition?
    init(taskDefinition: TaskDefinition?) { self.taskDefinition = taskDefinition }
}

struct Service: Codable, Equatable, Sendable {
    var serviceName: String?
    var status: String?
    var launchType: String?
    var capacityProviderStrategy: [CapacityProviderStrategyItem]?
    var platformVersion: String?
    var networkConfiguration: NetworkConfiguration?
    init(serviceName: String) { self.serviceName = serviceName }
}

struct DescribeServicesRequest: Codable, Equatable, Sendable {
    var cluster: String?
    var services: [String]
    init(cluster: String?, services: [String]) { self.cluster = cluster; self.services = services }
}

struct DescribeServicesResponse: Codable, Sendable {
    var services: [Service]?
    var failures: [Failure]?
    init(services: [Service]? = nil, failures: [Failure]? = nil) { self.services = services; self.failures = failures }
}
