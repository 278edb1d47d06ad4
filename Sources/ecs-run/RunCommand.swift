import ArgumentParser
import ECSRunEdge
import ECSTasks
import System

struct RunCommand: StatusCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Launch a task, follow it to its exit, stream its logs, exit with the container's code.",
        usage: "ecs-run [run] --task-definition TASKDEF [options] [-- COMMAND ARGS...]",
        discussion: HelpText.run
    )

    @Option(help: ArgumentHelp("The cluster name or ARN.", valueName: "NAME"))
    var cluster = "default"

    @Option(name: .customLong("task-definition"), help: ArgumentHelp("Family, family:revision or ARN (required).", valueName: "TASKDEF"))
    var taskDefinition: String?

    @Option(
        help: ArgumentHelp(
            "The container whose exit code decides and which receives the overrides. Default: the only essential container; with several, every essential one decides and overrides need --container.",
            valueName: "NAME"))
    var container: String?

    @Option(
        name: .customLong("launch-type"), help: ArgumentHelp("FARGATE, EC2, EXTERNAL or MANAGED_INSTANCES (any case).", valueName: "TYPE"))
    var launchType: String?

    @Option(
        name: .customLong("capacity-provider"),
        help: ArgumentHelp("A capacity provider strategy item; repeatable, or comma-separated.", valueName: "NAME[:WEIGHT[:BASE]]"))
    var capacityProvider: [String] = []

    @Option(
        name: .customLong("platform-version"),
        help: ArgumentHelp("The Fargate platform version, e.g. LATEST or 1.4.0.", valueName: "VERSION"))
    var platformVersion: String?

    @Option(help: ArgumentHelp("Subnet ids for awsvpc networking, comma-separated.", valueName: "IDS"))
    var subnets: String?

    @Option(name: .customLong("security-groups"), help: ArgumentHelp("Security group ids, comma-separated.", valueName: "IDS"))
    var securityGroups: String?

    @Flag(
        name: .customLong("assign-public-ip"), inversion: .prefixedNo,
        help: "Give the task a public IP (needed on Fargate in a public subnet without NAT to pull images).")
    var assignPublicIp: Bool?

    @Option(
        name: .customLong("network-from-service"),
        help: ArgumentHelp(
            "Copy the network configuration, launch type or capacity provider strategy, and platform version of this service in the cluster.",
            valueName: "SERVICE"))
    var networkFromService: String?

    @Option(
        name: [.customShort("e"), .customLong("env")],
        help: ArgumentHelp("Set an environment variable in the container; repeatable.", valueName: "KEY=VALUE"))
    var env: [String] = []

    @Option(help: ArgumentHelp("Task-level CPU override, e.g. 256 or 1 vCPU.", valueName: "UNITS"))
    var cpu: String?

    @Option(help: ArgumentHelp("Task-level memory override in MiB, e.g. 512 or 1 GB.", valueName: "MIB"))
    var memory: String?

    @Option(name: .customLong("task-role-arn"), help: ArgumentHelp("Override the task's IAM role.", valueName: "ARN"))
    var taskRoleArn: String?

    @Option(name: .customLong("execution-role-arn"), help: ArgumentHelp("Override the task's execution role.", valueName: "ARN"))
    var executionRoleArn: String?

    @Option(help: ArgumentHelp("Tag the task; repeatable.", valueName: "KEY=VALUE"))
    var tag: [String] = []

    @Option(
        name: .customLong("propagate-tags"), help: ArgumentHelp("Copy tags from TASK_DEFINITION (or SERVICE, NONE).", valueName: "FROM"))
    var propagateTags: String?

    @Option(
        name: .customLong("started-by"),
        help: ArgumentHelp(
            "The task's startedBy field. Default: ecs-run/ and an id of this launch, by which ecs-run finds the task of a RunTask whose answer was lost.",
            valueName: "TEXT"))
    var startedBy: String?

    @Option(help: ArgumentHelp("The task group, e.g. family:migrations.", valueName: "NAME"))
    var group: String?

    @Flag(name: .customLong("enable-execute-command"), help: "Allow ECS Exec into the task.")
    var enableExecuteCommand = false

    @Option(
        name: .customLong("idempotency-key"),
        help: ArgumentHelp(
            "Running ecs-run again with the same key starts no second task (becomes RunTask's clientToken; hashed when longer than 64 characters). Default: a random token per run, which covers only the retries within one run.",
            valueName: "KEY"))
    var idempotencyKey: String?

    @Flag(name: .customLong("no-wait"), help: "Print the task ARN once the task is accepted and exit 0.")
    var noWait = false

    @Flag(name: .customLong("dry-run"), help: "Print the RunTask request as JSON and call nothing.")
    var dryRun = false

    @OptionGroup(title: "Waiting") var watch: WatchFlags
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "AWS") var aws: AWSOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("Replaces the container's command (after --).", valueName: "COMMAND"))
    var command: [String] = []

    /// The checks that need no AWS call, here so that ArgumentParser shows a mistake with the usage text.
    func validate() throws {
        do {
            try LaunchPlan.validate(configuration())
        } catch let failure as RunFailure {
            throw ValidationError(Messages.text(failure))
        }
    }

    /// The flags as a configuration value; malformed values are usage errors.
    func configuration() throws -> RunConfiguration {
        var config = RunConfiguration()
        config.cluster = cluster
        config.taskDefinition = taskDefinition ?? ""
        config.container = container
        config.launchType = launchType?.uppercased()
        config.capacityProviders = try capacityProvider.flatMap(Self.list).map(Self.capacityProvider)
        config.platformVersion = platformVersion
        config.subnets = subnets.map(Self.list) ?? []
        config.securityGroups = securityGroups.map(Self.list) ?? []
        config.assignPublicIp = assignPublicIp
        config.networkFromService = networkFromService
        config.command = command
        config.environment = try env.map { text in
            let (key, value) = try Self.pair(text, option: "--env")
            return KeyValuePair(name: key, value: value)
        }
        config.cpu = cpu
        config.memory = memory
        config.taskRoleArn = taskRoleArn
        config.executionRoleArn = executionRoleArn
        config.tags = try tag.map { text in
            let (key, value) = try Self.pair(text, option: "--tag")
            return Tag(key: key, value: value)
        }
        // Any case, as --launch-type takes it.
        let propagateTags = propagateTags?.uppercased()
        if let propagateTags {
            guard ["TASK_DEFINITION", "SERVICE", "NONE"].contains(propagateTags) else {
                throw ValidationError("--propagate-tags must be TASK_DEFINITION, SERVICE or NONE, not \"\(propagateTags)\"")
            }
        }
        config.propagateTags = propagateTags
        config.startedBy = startedBy
        config.group = group
        config.enableExecuteCommand = enableExecuteCommand
        if let idempotencyKey, idempotencyKey.isEmpty { throw ValidationError("--idempotency-key must not be empty") }
        config.idempotencyKey = idempotencyKey
        config.wait = !noWait
        config.dryRun = dryRun
        config.watch = watch.options
        return config
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingSpacesTabsAndNewlines() }.filter { !$0.isEmpty }
    }

    static func pair(_ text: String, option: String) throws -> (String, String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw ValidationError("\(option) \"\(text)\" must be KEY=VALUE")
        }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }

    static func capacityProvider(_ text: String) throws -> CapacityProviderStrategyItem {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), !parts[0].isEmpty,
            let weight = parts.count > 1 ? Int(parts[1]) : 0, let base = parts.count > 2 ? Int(parts[2]) : 0,
            (0...1000).contains(weight), (0...100_000).contains(base)
        else {
            throw ValidationError("--capacity-provider \"\(text)\" must be NAME[:WEIGHT[:BASE]] with WEIGHT 0–1000 and BASE 0–100000")
        }
        return CapacityProviderStrategyItem(
            capacityProvider: parts[0], weight: parts.count > 1 ? weight : nil,
            base: parts.count > 2 ? base : nil)
    }

    func status(environment: [String: String]) throws -> Int32 {
        let config = try configuration()
        let display = Session.display(output.display(environment: environment))
        // A dry run calls nothing, so it needs no region or credentials either.
        let outcome =
            config.dryRun
            ? TaskRunner.dryRun(config)
            : Session.outcome(aws, environment: environment) { runner in
                runner.run(config, observer: display)
            }
        return CommandEnding.finish(outcome, display: display, failureCluster: config.cluster)
    }
}
