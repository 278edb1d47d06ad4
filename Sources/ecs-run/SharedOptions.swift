import AWSClient
import Durations
import ArgumentParser
import ECSRunEdge
import ECSTasks
import System

/// Where AWS is and who we are.
struct AWSOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region).", valueName: "REGION"))
    var region: String?

    @Option(help: ArgumentHelp("The profile in ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE).", valueName: "NAME"))
    var profile: String?

    @Option(
        name: .customLong("endpoint-url"),
        help: ArgumentHelp("Send every AWS request to this URL (for emulators; AWS_ENDPOINT_URL works too).", valueName: "URL"))
    var endpointURL: String?

    @Flag(help: "Trace AWS requests on stderr: operation, URL, status, time (never keys or bodies).")
    var debug = false

    /// Malformed values are usage errors (64), named by their option (and so by their ECS_RUN_ variable).
    func validate() throws {
        if let region, !region.isEmpty, let problem = AWSConfiguration.problem(withRegion: region) {
            throw ValidationError("--region: \(problem)")
        }
        if let endpointURL, !endpointURL.isEmpty, let problem = AWSConfiguration.problem(withEndpointURL: endpointURL) {
            throw ValidationError("--endpoint-url: \(problem)")
        }
    }
}

/// --quiet, which every command has.
struct QuietFlag: ParsableArguments {
    @Flag(name: [.customShort("q"), .long], help: "Print no progress and no summary, only errors (and the logs).")
    var quiet = false

    func display(format: OutputFormat, environment: [String: String]) -> DisplayOptions {
        var options = DisplayOptions()
        options.format = format
        options.quiet = quiet
        let terminal = OutputDescriptor.isTerminal(2) && environment["TERM"] != "dumb"
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

    func display(environment: [String: String]) -> DisplayOptions {
        quiet.display(format: output, environment: environment)
    }
}

/// How long and for what to wait.
struct WatchFlags: ParsableArguments {
    // Unconditional, so that `--timeout -5s` reaches the check and is refused as negative instead of as
    // a missing value.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Give up after this long, e.g. 90s, 30m, 2h, 1h30m (exit 124). Default: no limit.", valueName: "DURATION"),
        transform: { text in
            do { return try DurationText.seconds(text) } catch { throw ValidationError("--timeout: \(error)") }
        })
    var timeout: Double?

    @Option(
        name: .customLong("on-timeout"),
        help: ArgumentHelp("stop: StopTask once when the timeout passes; leave: let it run.", valueName: "stop|leave"))
    var onTimeout: LeavePolicy = .stop

    @Option(
        name: .customLong("on-interrupt"),
        help: ArgumentHelp("stop: StopTask once on SIGINT/SIGTERM/SIGHUP/SIGQUIT; leave: let it run.", valueName: "stop|leave"))
    var onInterrupt: LeavePolicy = .stop

    @Option(
        name: .customLong("wait-for"),
        help: ArgumentHelp(
            "exit: done when every essential container has an exit code; stopped: wait for STOPPED.", valueName: "exit|stopped"))
    var waitFor: WaitCondition = .exit

    @Flag(name: .customLong("no-logs"), help: "Do not stream CloudWatch logs.")
    var noLogs = false

    var options: WatchOptions {
        var options = WatchOptions()
        options.timeout = timeout
        options.onTimeout = onTimeout
        options.onInterrupt = onInterrupt
        options.waitFor = waitFor
        options.streamLogs = !noLogs
        return options
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension LeavePolicy: ExpressibleByArgument {}
extension WaitCondition: ExpressibleByArgument {}
