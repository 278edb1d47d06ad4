/// What to do when the timeout passes or the user interrupts.
public enum LeavePolicy: String, Sendable, CaseIterable {
    /// StopTask once, with a reason naming ecs-run.
    case stop
    /// Leave the task running.
    case leave
}

/// When a task counts as done.
public enum WaitCondition: String, Sendable, CaseIterable {
    /// Every essential container has an exit code (before ENI deprovisioning ends).
    case exit
    /// The task reached STOPPED.
    case stopped
}

/// How to follow a task once it runs; shared by `run` and `wait`.
public struct WatchOptions: Sendable {
    public var timeout: Double?
    public var onTimeout: LeavePolicy = .stop
    public var onInterrupt: LeavePolicy = .stop
    public var waitFor: WaitCondition = .exit
    /// Read the tasks' CloudWatch logs while following them.
    public var streamLogs = true
    /// Poll interval while the task is young, and after `slowAfter` seconds.
    public var fastInterval = 1.0
    public var slowInterval = 5.0
    public var slowAfter = 300.0
    /// Longest single sleep, so an interrupt is seen quickly.
    public var sleepSlice = 0.2
    /// Consecutive MISSING answers before the task counts as vanished (DescribeTasks is eventually consistent).
    public var missingLimit = 5
    /// After a timeout or an interrupt, or a failure that ends the wait: the seconds StopTask may take,
    /// all its attempts together (not the AWS client's three 60 s attempts).
    public var stopBudget = 5.0
    /// After a timeout or an interrupt while RunTask is in flight: the seconds its answer is still waited for.
    public var runTaskGrace = 2.0
    /// When RunTask ended without an answer that says what it did: the seconds spent looking for the
    /// task it may have started (ListTasks by its startedBy, which may list a new task late).
    public var searchBudget = 3.0
    public init() {}
}

/// Everything `ecs-run run` needs, decided by the executable from flags and environment.
public struct RunConfiguration: Sendable {
    public var cluster = "default"
    public var taskDefinition = ""
    public var container: String?

    public var launchType: String?
    public var capacityProviders: [CapacityProviderStrategyItem] = []
    public var platformVersion: String?
    public var subnets: [String] = []
    public var securityGroups: [String] = []
    public var assignPublicIp: Bool?
    public var networkFromService: String?

    public var command: [String] = []
    public var environment: [KeyValuePair] = []
    public var cpu: String?
    public var memory: String?
    public var taskRoleArn: String?
    public var executionRoleArn: String?

    public var tags: [Tag] = []
    public var propagateTags: String?
    /// Nil: `ecs-run/` and an id of the launch (`ClientToken.startedBy`).
    public var startedBy: String?
    public var group: String?
    public var enableExecuteCommand = false
    public var idempotencyKey: String?

    public var wait = true
    public var dryRun = false
    public var watch = WatchOptions()

    public init() {}
}
