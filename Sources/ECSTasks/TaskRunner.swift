import AWSClient
import System

/// The library entry points behind ecs-run's commands: each takes configuration values and an observer
/// for what happens on the way, and returns the command's outcome. Launching is `TaskLauncher`'s,
/// following `TaskFollower`'s.
public final class TaskRunner {
    let ecs: ECSAPI
    let clock: MonotonicClock
    let isInterrupted: () -> Bool
    let follower: TaskFollower

    /// Over the signing AWS client; `logsClient` gives the client for CloudWatch Logs in a region (nil: the
    /// configured one, `region`). Without `linksToConsole` (an emulator) the summary names the log
    /// streams instead of linking to the console.
    public convenience init(
        client: AWSClient, logsClient: @escaping (String?) -> AWSClient, clock: MonotonicClock, region: String,
        linksToConsole: Bool, isInterrupted: @escaping () -> Bool
    ) {
        self.init(
            ecs: AWSECS(client: client), logs: { AWSLogs(client: logsClient($0)) }, clock: clock, region: region,
            linksToConsole: linksToConsole, isInterrupted: isInterrupted)
    }

    init(
        ecs: ECSAPI, logs: @escaping (String?) -> LogsAPI, clock: MonotonicClock, region: String,
        linksToConsole: Bool = true, isInterrupted: @escaping () -> Bool
    ) {
        self.ecs = ecs
        self.clock = clock
        self.isInterrupted = isInterrupted
        follower = TaskFollower(
            ecs: ecs, logs: logs, clock: clock, region: region, linksToConsole: linksToConsole,
            isInterrupted: isInterrupted)
    }

    /// `run --dry-run`: needs no AWS session, so the executable can call it without one.
    public static func dryRun(_ config: RunConfiguration) -> TaskOutcome {
        outcome { .planned(try TaskLauncher.plan(config)) }
    }

    /// `ecs-run [run]`: launches the task and, unless `wait` is off, follows it to its end.
    public func run(_ config: RunConfiguration, observer: TaskObserver) -> TaskOutcome {
        if config.dryRun { return Self.dryRun(config) }
        return Self.outcome {
            let launcher = TaskLauncher(ecs: ecs, clock: clock, isInterrupted: isInterrupted)
            let started: TaskLauncher.Started
            do {
                started = try launcher.launch(config)
            } catch let doubt as LaunchInDoubt {
                switch settle(doubt, config: config, observer: observer) {
                case .follow(let found): started = found
                case .ended(let outcome): return outcome
                }
            }
            guard config.wait else { return .launched(started.task, cluster: config.cluster) }
            let definition = started.definition
            observer.observe(.started(started.task, taskDefinition: LaunchPlan.describe(definition), cluster: config.cluster))
            let verdict = TaskVerdict(taskDefinition: definition, container: config.container, waitFor: config.watch.waitFor)
            let target = FollowTarget(
                cluster: config.cluster, tasks: [started.arn], initial: [started.task],
                verdicts: [started.arn: verdict],
                streams: LaunchPlan.logStreams(definition, taskID: started.task.taskID),
                startedAt: started.launchedAt)
            return .followed(follower.follow(target, watch: config.watch, observer: observer))
        }
    }

    /// `ecs-run wait TASK...`: follows running tasks to the end, like `run` after the launch.
    public func wait(cluster: String, tasks: [String], watch: WatchOptions, observer: TaskObserver) -> TaskOutcome {
        // The same task named twice (by ARN and by id, say) is followed once.
        var seen = Set<String>()
        let tasks = tasks.filter { seen.insert(ECSTask.id(fromArn: $0)).inserted }
        return Self.outcome {
            let target = try lookup.lookUpAbandoningOnInterrupt(
                cluster: cluster, tasks: tasks, waitFor: watch.waitFor,
                startedAt: clock.now(), timeout: watch.timeout, clock: clock)
            return .followed(follower.follow(target, watch: watch, observer: observer))
        }
    }

    /// `ecs-run logs TASK [--follow]`: the task's log lines; with `follow`, until the task is done.
    public func logs(cluster: String, task: String, follow: Bool, observer: TaskObserver) -> TaskOutcome {
        Self.outcome {
            let target = try lookup.lookUpAbandoningOnInterrupt(
                cluster: cluster, tasks: [task], waitFor: .stopped,
                startedAt: clock.now(), timeout: nil, clock: clock)
            guard let tailer = follower.tailer(for: target.streams, observer: observer) else {
                throw RunFailure(.noLogStream(task: task))
            }
            observer.observe(.logStreams(target.streams))
            let read = follower.readAll(tailer, observer: observer, cluster: cluster)
            if let ended = read.ended { return ended }
            if read.lines == 0, !follow { observer.observe(.noLogEvents(target.streams)) }
            return follow ? follower.followLogs(target, tailer: tailer, observer: observer) : .printed
        }
    }

    /// `ecs-run stop TASK [--reason TEXT]`.
    public func stop(cluster: String, task: String, reason: String, observer: TaskObserver) -> TaskOutcome {
        do {
            // Ctrl-C abandons a StopTask that does not answer; whether it reached ECS is then unknown.
            let answer = try ecs.stopTask(
                StopTaskRequest(cluster: cluster, task: task, reason: reason), cancellation: Cancellation(when: isInterrupted))
            var stopped = answer.task ?? ECSTask(taskArn: task)
            if stopped.taskArn == nil { stopped.taskArn = task }
            observer.observe(.stopSent(stopped))
            return .stopRequested(stopped, cluster: cluster)
        } catch let error as AWSError where error.kind == .cancelled {
            return .failed(RunFailure(.interruptedBeforeStopTaskAnswered(task: task)))
        } catch let error as AWSError {
            return .failed(RunFailure(.awsCall(AWSCall("StopTask", task), error)))
        } catch {
            return .failed(RunFailure(.unexpected(error)))
        }
    }

    private var lookup: TaskLookup { TaskLookup(ecs: ecs, isInterrupted: isInterrupted) }

    /// A command's body; a failure it throws becomes its outcome.
    private static func outcome(_ body: () throws -> TaskOutcome) -> TaskOutcome {
        do {
            return try body()
        } catch let failure as RunFailure {
            return .failed(failure)
        } catch {
            return .failed(RunFailure(.unexpected(error)))
        }
    }
}
