import Durations
import ArgumentParser
import AWSClient
import ECSTasks

/// Where AWS is and who we are.
struct AWSOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region).", valueName: "REGION"))
    var region: String?

    @Option(help: ArgumentHelp("The profile in ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE).", valueName: "NAME"))
    var profile: String?

    @Option(name: .customLong("endpoint-url"), help: ArgumentHelp("Send every AWS request to this URL (for emulators; AWS_ENDPOINT_URL works too).", valueName: "URL"))
    var endpointURL: String?

    @Flag(help: "Trace AWS requests on stderr: operation, URL, status, time (never keys or bodies).")
    var debug = false
}

/// --quiet, which every command has.
struct QuietFlag: ParsableArguments {
    @Flag(name: [.customShort("q"), .long], help: "Print no progress and no summary, only errors (and the logs).")
    var quiet = false

    func display(format: OutputFormat, showLogs: Bool = true, environment: [String: String]) -> DisplayOptions {
        var options = DisplayOptions()
        options.format = format
        options.quiet = quiet
        options.showLogs = showLogs
        let terminal = StandardStreams.isTerminal(2) && environment["TERM"] != "dumb"
        options.interactive = terminal
        options.color = terminal && (environment["NO_COLOR"] ?? "").isEmpty
        return options
    }
}

/// How results and progress are shown, for the commands with a result (run, wait, stop).
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("text, or json: stdout then holds only one JSON object and logs go to stderr.", valueName: "FORMAT"))
    var output: OutputFormat = .text

    @OptionGroup var quiet: QuietFlag

    func display(showLogs: Bool = true, environment: [String: String]) -> DisplayOptions {
        quiet.display(format: output, showLogs: showLogs, environment: environment)
    }
}

/// How long and for what to wait.
struct WatchFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Give up after this long, e.g. 90s, 30m, 2h, 1h30m (exit 124). Default: no limit.", valueName: "DURATION"),
            transform: { text in
                do { return try DurationText.seconds(text) } catch { throw ValidationError("--timeout: \(error)") }
            })
    var timeout: Double?

    @Option(name: .customLong("on-timeout"), help: ArgumentHelp("stop: StopTask once when the timeout passes; leave: let it run.", valueName: "stop|leave"))
    var onTimeout: LeavePolicy = .stop

    @Option(name: .customLong("on-interrupt"), help: ArgumentHelp("stop: StopTask once on SIGINT/SIGTERM; leave: let it run.", valueName: "stop|leave"))
    var onInterrupt: LeavePolicy = .stop

    @Option(name: .customLong("wait-for"), help: ArgumentHelp("exit: done when every essential container has an exit code; stopped: wait for STOPPED.", valueName: "exit|stopped"))
    var waitFor: WaitCondition = .exit

    @Flag(name: .customLong("no-logs"), help: "Do not stream CloudWatch logs.")
    var noLogs = false

    var options: WatchOptions {
        var options = WatchOptions()
        options.timeout = timeout
        options.onTimeout = onTimeout
        options.onInterrupt = onInterrupt
        options.waitFor = waitFor
        return options
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension LeavePolicy: ExpressibleByArgument {}
extension WaitCondition: ExpressibleByArgument {}

/// The AWS client and the runner for one invocation.
enum Session {
    /// `runner`, but with `--output json` a failure also prints the JSON object on stdout (cluster and
    /// exit code), so a script reading stdout always gets one.
    static func runner(_ aws: AWSOptions, environment: [String: String], json: Bool, cluster: String) throws -> TaskRunner {
        do {
            return try runner(aws, environment: environment)
        } catch let failure as RunFailure where json {
            StandardStreams().writeOut(TaskReport.failure(cluster: cluster, exitCode: failure.status) + "\n")
            throw failure
        }
    }

    static func runner(_ aws: AWSOptions, environment: [String: String]) throws -> TaskRunner {
        let sink = StandardStreams()
        let debug: ((String) -> Void)? = aws.debug ? { line in sink.writeErr(line + "\n") } : nil
        do {
            let configuration = try AWSConfiguration.resolve(environment: environment, profile: aws.profile, region: aws.region,
                                                             endpointURL: aws.endpointURL, debug: debug)
            let client = try AWSClient(configuration: configuration)
            let region = configuration.region
            let logs: (String?) -> LogsAPI = { other in
                guard let other, other != region,
                      let config = try? AWSConfiguration.resolve(environment: environment, profile: aws.profile, region: other,
                                                                 endpointURL: aws.endpointURL, debug: debug),
                      let otherClient = try? AWSClient(configuration: config) else { return AWSLogs(client: client) }
                return AWSLogs(client: otherClient)
            }
            let logsHost = configuration.endpoint(for: .logs).split(separator: "/").dropFirst(1).first ?? ""
            let awsLogs = logsHost.hasSuffix(".amazonaws.com") || logsHost.hasSuffix(".amazonaws.com.cn")
            return TaskRunner(ecs: AWSECS(client: client), logs: logs, clock: SystemClock(), sink: sink, region: region,
                              linksToConsole: awsLogs, isInterrupted: { InterruptSignal.isSet })
        } catch let error as AWSError {
            throw RunFailure.launch("\(error)")
        }
    }
}
