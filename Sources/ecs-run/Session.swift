import AWSClient
import ECSRunEdge
import ECSTasks
import System

/// The AWS client, the runner and the display of one invocation.
enum Session {
    /// Progress on stderr and results on stdout of this process.
    static func display(_ options: DisplayOptions) -> ProgressDisplay {
        ProgressDisplay(sink: StandardStreams(), options: options)
    }

    /// `command`'s outcome with a runner for this invocation; failing to set up AWS is the outcome too.
    static func outcome(_ aws: AWSOptions, environment: [String: String], _ command: (TaskRunner) -> TaskOutcome) -> TaskOutcome {
        do {
            return command(try runner(aws, environment: environment))
        } catch let error as AWSError {
            return .failed(RunFailure(.awsConfiguration(error)))
        } catch {
            return .failed(RunFailure(.unexpected(error)))
        }
    }

    private static func runner(_ aws: AWSOptions, environment: [String: String]) throws -> TaskRunner {
        let sink = StandardStreams()
        let debug: ((String) -> Void)? = aws.debug ? { line in sink.writeErr(line + "\n") } : nil
        let configuration = try AWSConfiguration.resolve(
            environment: environment, profile: aws.profile, region: aws.region,
            endpointURL: aws.endpointURL, debug: debug)
        let client = try AWSClient(configuration: configuration)
        let region = configuration.region
        // A log stream in another region (awslogs-region) is read there, with the same credentials; a region
        // name that cannot be one is read here, as AWS would refuse it there anyway.
        let logsClient: (String?) -> AWSClient = { other in
            guard let other, other != region, AWSConfiguration.problem(withRegion: other) == nil,
                let otherClient = try? AWSClient(configuration: configuration.inRegion(other))
            else { return client }
            return otherClient
        }
        // Ctrl-C, SIGTERM or SIGHUP ends a sleep at once, so the waiting loops see the interrupt without delay.
        let clock = SystemClock(wakingWhen: { InterruptSignal.isSet })
        return TaskRunner(
            client: client, logsClient: logsClient, clock: clock, region: region,
            linksToConsole: configuration.usesAWSEndpoint(for: .logs), isInterrupted: { InterruptSignal.isSet })
    }
}
