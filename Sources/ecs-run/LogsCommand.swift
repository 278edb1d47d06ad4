import ArgumentParser
import ECSRunEdge
import ECSTasks
import System

struct LogsCommand: StatusCommand {
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
            throw ValidationError(
                "logs prints the log lines themselves, so --output \(output) is not supported (run and wait have --output json)")
        }
    }

    func status(environment: [String: String]) -> Int32 {
        let display = Session.display(quiet.display(format: .text, environment: environment))
        let outcome = Session.outcome(aws, environment: environment) { runner in
            runner.logs(cluster: cluster, task: task, follow: follow, observer: display)
        }
        return CommandEnding.finish(outcome, display: display, failureCluster: nil)
    }
}
