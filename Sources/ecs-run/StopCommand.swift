import ArgumentParser
import ECSTasks
import System

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
        let display = Session.display(output.display(environment: environment))
        let outcome = Session.outcome(aws, environment: environment) { runner in
            runner.stop(cluster: cluster, task: task, reason: reason, display: display)
        }
        try end(outcome, display: display, failureCluster: nil)
    }
}
