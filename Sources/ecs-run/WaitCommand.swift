import ArgumentParser
import ECSRunEdge
import ECSTasks

struct WaitCommand: StatusCommand {
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

    func status(environment: [String: String]) -> Int32 {
        let display = Session.display(output.display(environment: environment))
        let outcome = Session.outcome(aws, environment: environment) { runner in
            runner.wait(cluster: cluster, tasks: tasks, watch: watch.options, observer: display)
        }
        return CommandEnding.finish(outcome, display: display, failureCluster: cluster)
    }
}
