import ArgumentParser
import ECSRunEdge
import ECSTasks

struct StopCommand: StatusCommand {
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

    func status(environment: [String: String]) -> Int32 {
        let display = Session.display(output.display(environment: environment))
        let outcome = Session.outcome(aws, environment: environment) { runner in
            runner.stop(cluster: cluster, task: task, reason: reason, observer: display)
        }
        return CommandEnding.finish(outcome, display: display, failureCluster: nil)
    }
}
