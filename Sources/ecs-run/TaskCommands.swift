import ArgumentParser
import ECSTasks

struct WaitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Follow tasks that are already running; exit with the first non-zero exit code.",
        usage: "ecs-run wait [--cluster NAME] [options] TASK...",
        discussion: HelpText.wait
    )

    @Option(help: ArgumentHelp("The cluster name or ARN.", valueName: "NAME"))
    var cluster = "default"

    @OptionGroup(title: "Waiting") var watch: WatchFlags
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "AWS") var aws: AWSOptions

    @Argument(help: ArgumentHelp("Task ARNs or ids.", valueName: "TASK"))
    var tasks: [String]

    func validate() throws {
        if tasks.isEmpty { throw ValidationError("name at least one task") }
    }

    func run() throws {
        let environment = ProcessEnvironment.current
        let display = output.display(showLogs: !watch.noLogs, environment: environment)
        let runner = try Session.runner(aws, environment: environment, json: display.format == .json, cluster: cluster)
        let status = runner.wait(cluster: cluster, tasks: tasks, watch: watch.options,
                                 display: display)
        if status != 0 { throw ExitCode(status) }
    }
}

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a task's CloudWatch logs; with --follow, until the task stops.",
        usage: "ecs-run logs [--cluster NAME] [--follow] [options] TASK",
        discussion: HelpText.logs
    )

    @Option(help: ArgumentHelp("The cluster name or ARN.", valueName: "NAME"))
    var cluster = "default"

    @Flag(name: [.customShort("f"), .long], help: "Keep printing new lines until the task stops.")
    var follow = false

    /// Accepted for symmetry with the other commands (and ECS_RUN_OUTPUT), but the lines are the output.
    @Option(help: ArgumentHelp("Only text: the log lines themselves are the output.", valueName: "text"))
    var output = OutputFormat.text.rawValue

    @OptionGroup var quiet: QuietFlag
    @OptionGroup(title: "AWS") var aws: AWSOptions

    @Argument(help: ArgumentHelp("The task ARN or id.", valueName: "TASK"))
    var task: String

    func validate() throws {
        guard output == OutputFormat.text.rawValue else {
            throw ValidationError("logs prints the log lines themselves, so --output \(output) is not supported (run and wait have --output json)")
        }
    }

    func run() throws {
        let environment = ProcessEnvironment.current
        let runner = try Session.runner(aws, environment: environment)
        let display = quiet.display(format: .text, environment: environment)
        let status = runner.logs(cluster: cluster, task: task, follow: follow, display: display)
        if status != 0 { throw ExitCode(status) }
    }
}

struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a task (StopTask).",
        usage: "ecs-run stop [--cluster NAME] [--reason TEXT] [options] TASK",
        discussion: HelpText.stop
    )

    @Option(help: ArgumentHelp("The cluster name or ARN.", valueName: "NAME"))
    var cluster = "default"

    @Option(help: ArgumentHelp("Why, shown as the task's stoppedReason.", valueName: "TEXT"))
    var reason = "stopped with ecs-run stop"

    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "AWS") var aws: AWSOptions

    @Argument(help: ArgumentHelp("The task ARN or id.", valueName: "TASK"))
    var task: String

    func run() throws {
        let environment = ProcessEnvironment.current
        let runner = try Session.runner(aws, environment: environment)
        let status = runner.stop(cluster: cluster, task: task, reason: reason, display: output.display(environment: environment))
        if status != 0 { throw ExitCode(status) }
    }
}
