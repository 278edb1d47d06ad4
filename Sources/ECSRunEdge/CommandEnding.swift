import ECSTasks
import FoundationEssentials

/// The one place where a command's outcome becomes what ecs-run prints last (the result on stdout, or
/// the error) and its exit status.
public enum CommandEnding {
    /// Prints the end of `outcome` through `display` and returns the exit status. With `--output json`
    /// a failure also prints a JSON object with `failureCluster` and the exit code, so a script reading
    /// stdout always gets one; nil for the commands whose failures print none (logs, stop).
    public static func finish(_ outcome: TaskOutcome, display: ProgressDisplay, failureCluster: String?) -> Int32 {
        let status = ExitStatus.code(for: outcome.ending)
        let json = display.options.format == .json
        switch outcome {
        case .planned(let request):
            display.result(requestJSON(request))
        case .launched(let task, let cluster), .stopRequested(let task, let cluster):
            display.result(json ? TaskReport(task: task, cluster: cluster, exitCode: status, streams: []).json() : task.taskArn ?? "")
        case .printed:
            break
        case .followed(let result):
            if json {
                display.result(TaskReport(task: result.task, cluster: result.cluster, exitCode: status, streams: result.streams).json())
            }
        case .failed(let failure):
            let text = Messages.text(failure)
            display.error(text)
            if json, failure.ending != .usageError, let failureCluster {
                display.result(TaskReport.failure(cluster: failureCluster, exitCode: status, error: text))
            }
        }
        return status
    }

    /// The JSON of the RunTask request, as --dry-run prints it.
    static func requestJSON(_ request: RunTaskRequest) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(request)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
