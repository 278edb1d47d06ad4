import Durations
import AWSClient
import FoundationEssentials

/// The library entry points behind ecs-run's commands: each takes a configuration value and returns
/// the process's exit status, printing through the display.
public final class TaskRunner {
    let ecs: ECSAPI
    /// CloudWatch Logs for a region (nil: the configured one).
    let logs: (String?) -> LogsAPI
    let clock: Clock
    let sink: OutputSink
    let region: String
    let isInterrupted: () -> Bool
    /// False when CloudWatch Logs is not AWS's (an emulator): the summary then names the log streams
    /// instead of linking to a console that does not hold them.
    let linksToConsole: Bool

    public init(ecs: ECSAPI, logs: @escaping (String?) -> LogsAPI, clock: Clock, sink: OutputSink, region: String,
                linksToConsole: Bool = true, isInterrupted: @escaping () -> Bool) {
        self.linksToConsole = linksToConsole
        self.ecs = ecs
        self.logs = logs
        self.clock = clock
        self.sink = sink
        self.region = region
        self.isInterrupted = isInterrupted
    }

    /// The JSON of the RunTask request, as --dry-run prints it.
    public static func requestJSON(_ request: RunTaskRequest) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(request)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    // MARK: run

    public func run(_ config: RunConfiguration) -> Int32 {
        let display = ProgressDisplay(sink: sink, options: config.display, clock: clock)
        do {
            return try launchAndFollow(config, display: display)
        } catch let failure as RunFailure {
            display.error(failure.description)
            if config.display.format == .json, failure.status != ExitStatus.usage {
                display.result(TaskReport.failure(cluster: config.cluster, exitCode: failure.status))
            }
            return failure.status
        } catch {
            display.error("\(error)")
            return ExitStatus.launchFailed
        }
    }

    /// An AWS call of the launch. One made before RunTask (`beforeRunTask`) is abandoned at once on Ctrl-C,
    /// since no task needs stopping yet; RunTask itself never is: its answer says which task to stop.
    private func aws<T>(_ what: String, beforeRunTask: Bool = true, _ call: () throws -> T) throws -> T {
        do {
            return beforeRunTask ? try AWSRequests.abandon(when: isInterrupted, call) : try call()
        } catch let error as AWSError {
            if error.wasAbandoned { throw RunFailure(status: ExitStatus.interrupted, "interrupted before RunTask; no task was started") }
            throw RunFailure.launch("\(what) failed: \(error)")
        }
    }

    private func launchAndFollow(_ config: RunConfiguration, display: ProgressDisplay) throws -> Int32 {
        if config.dryRun {
            let request = try LaunchPlan.request(config)
            display.result(Self.requestJSON(request))
            return ExitStatus.success
        }
        try LaunchPlan.validate(config)

        let definitionAnswer = try aws("DescribeTaskDefinition \(config.taskDefinition)") {
            try ecs.describeTaskDefinition(DescribeTaskDefinitionRequest(taskDefinition: config.taskDefinition))
        }
        guard let definition = definitionAnswer.taskDefinition else {
            throw RunFailure.launch("DescribeTaskDefinition \(config.taskDefinition) answered without a task definition")
        }
        var service: Service?
        if let name = config.networkFromService {
            let answer = try aws("DescribeServices \(name)") {
                try ecs.describeServices(DescribeServicesRequest(cluster: config.cluster, services: [name]))
            }
            guard let found = answer.services?.first(where: { $0.status != "INACTIVE" }) ?? answer.services?.first else {
                let why = (answer.failures ?? []).map(\.text).joined(separator: "; ")
                throw RunFailure.launch("the service \"\(name)\" was not found in cluster \(config.cluster)\(why.isEmpty ? "" : ": " + why)")
            }
            service = found
        }
        let request = try LaunchPlan.request(config, taskDefinition: definition, service: service)

        // Interrupted while reading the task definition: nothing runs yet, so nothing needs stopping.
        if isInterrupted() { throw RunFailure(status: ExitStatus.interrupted, "interrupted before RunTask; no task was started") }
        let launchedAt = clock.now()
        display.resetClock()
        let answer = try aws("RunTask", beforeRunTask: false) { try ecs.runTask(request) }
        if let failures = answer.failures, !failures.isEmpty {
            throw RunFailure.launch("RunTask could not start the task:\n" + failures.map { "  " + $0.text }.joined(separator: "\n"))
        }
        guard let task = answer.tasks?.first, let arn = task.taskArn else {
            throw RunFailure.launch("RunTask answered without a task and without failures")
        }
        if !config.wait {
            if config.display.format == .json {
                display.result(TaskReport(task: task, cluster: config.cluster, exitCode: 0, streams: []).json())
            } else {
                display.result(arn)
            }
            return ExitStatus.success
        }

        let streams = LaunchPlan.logStreams(definition, taskID: task.taskID)
        display.note("started task \(task.taskID) (\(LaunchPlan.describe(definition))) in cluster \(config.cluster)")
        let verdict = TaskVerdict(taskDefinition: definition, container: config.container, waitFor: config.watch.waitFor)
        return follow(cluster: config.cluster, tasks: [arn], initial: [task], verdicts: [arn: verdict], streams: streams,
                      startedAt: launchedAt, watch: config.watch, display: display, options: config.display)
    }

    /// Follows tasks to the end; prints, drains logs and maps the outcome to the exit status.
    func follow(cluster: String, tasks: [String], initial: [ECSTask], verdicts: [String: TaskVerdict],
                streams: [LogStreamRef], startedAt: Double, watch: WatchOptions, display: ProgressDisplay,
                options: DisplayOptions) -> Int32 {
        var shown: [String: ECSTask] = [:]
        /// When each task was first seen done, for its own duration in the summary.
        var doneAt: [String: Double] = [:]
        for task in initial {
            display.status(task, previous: nil)
            shown[task.taskArn ?? ""] = task
        }
        display.prefixLogs = Set(streams.map(\.container)).count > 1
        var tailer: LogTailer?
        if options.showLogs, !streams.isEmpty {
            var byRegion: [String: LogsAPI] = [:]
            let sources = streams.map { ref -> LogTailer.Source in
                let key = ref.region ?? region
                let api = byRegion[key] ?? logs(ref.region == region ? nil : ref.region)
                byRegion[key] = api
                return LogTailer.Source(ref: ref, logs: api)
            }
            tailer = LogTailer(sources: sources, clock: clock, emit: display.log, warn: display.warning)
        } else if options.showLogs, tasks.count == 1 {
            display.note("no awslogs log stream to follow (the task definition has no awslogs driver with awslogs-stream-prefix)")
        }

        let watcher = TaskWatcher(ecs: ecs, clock: clock, options: watch, isInterrupted: isInterrupted)
        let verdictFor = { (task: ECSTask) -> TaskVerdict in
            verdicts.first { TaskWatcher.matches(task, $0.key) }?.value
                ?? TaskVerdict(deciding: [], essentials: [], waitFor: watch.waitFor)
        }
        let outcome = watcher.watch(cluster: cluster, tasks: tasks, startedAt: startedAt,
                                    isDone: { verdictFor($0).isDone($0) },
                                    tick: {
            tailer?.readIfDue()
            // `ecs-run ... | head -1`: nobody reads the lines any more, but the exit code still matters.
            if tailer != nil, options.format == .text, sink.isOutClosed {
                tailer = nil
                display.note("stdout is closed; the log lines are no longer read, but the task is followed to its end")
            }
        },
                                    event: { event in
            switch event {
            case .status(let task, let previous):
                let key = task.taskArn ?? ""
                let before = previous ?? shown[key]?.lastStatus
                if before != task.lastStatus || TaskWatcher.exitCodes(shown[key]) != TaskWatcher.exitCodes(task) {
                    display.status(task, previous: before == task.lastStatus ? nil : before)
                }
                shown[key] = task
                if doneAt[key] == nil, verdictFor(task).isDone(task) { doneAt[key] = clock.now() }
            case .retrying(let error, let after): display.warning("\(error.code) while waiting; retrying in \(DurationText.format(after))")
            case .stopping(let why): display.note("stopping \(tasks.count == 1 ? "the task" : "the tasks") (\(why))")
            case .stopFailed(let error): display.error("StopTask failed: \(error)")
            }
        })
        let duration = DurationText.format(clock.now() - startedAt)

        /// The JSON object describes one task: with several, the one that decided the exit status.
        func report(_ task: ECSTask?, _ status: Int32) {
            if options.format == .json {
                display.result(TaskReport(task: task, cluster: cluster, exitCode: status, streams: streams).json())
            }
        }
        /// The tasks a timeout or an interrupt stopped (or left running): those followed and not seen done,
        /// whether or not ECS ever described them.
        func unfinished(_ finalTasks: [ECSTask]) -> [String] {
            let open = tasks.filter { wanted in !finalTasks.contains { TaskWatcher.matches($0, wanted) && verdictFor($0).isDone($0) } }
            return open.isEmpty ? tasks : open
        }
        func described(_ wanted: String?, in finalTasks: [ECSTask]) -> ECSTask? {
            wanted.flatMap { wanted in finalTasks.first { TaskWatcher.matches($0, wanted) } }
        }
        let places = streams.map {
            linksToConsole ? LaunchPlan.consoleURL(region: $0.region ?? region, group: $0.group, stream: $0.stream) : $0.group + " " + $0.stream
        }
        let logsNote = places.isEmpty ? "" : "; logs: " + places.joined(separator: ", ")

        switch outcome {
        case .done(let finalTasks):
            if let tailer { drainLogs(tailer, display: display, rerun: "`ecs-run logs \(finalTasks.first?.taskID ?? "TASK")`") }
            var status: Int32 = ExitStatus.success
            var deciding = finalTasks.first
            var summaries: [String] = []
            for task in finalTasks {
                let verdict = verdictFor(task)
                let duration = DurationText.format((doneAt[task.taskArn ?? ""] ?? clock.now()) - startedAt)
                switch verdict.status(of: task) {
                case .exited(let code, let container):
                    if status == ExitStatus.success, code != ExitStatus.success { status = code; deciding = task }
                    summaries.append("task \(task.taskID) exited with \(code) (container \(container)) after \(duration)")
                case .noExitCode:
                    status = ExitStatus.launchFailed
                    deciding = task
                    explainNoExitCode(task, display: display)
                    summaries.append("task \(task.taskID) stopped without an exit code after \(duration)")
                }
            }
            // A task that never started wrote no log stream: naming one would send the reader nowhere.
            let anyStarted = finalTasks.contains { $0.startedAt != nil || ($0.containers ?? []).contains { $0.exitCode != nil } }
            display.finish(summaries.joined(separator: "; ") + (anyStarted ? logsNote : ""))
            report(deciding, status)
            return status
        case .timedOut(let finalTasks, let stopped):
            tailer?.read()
            display.finish(nil)
            display.error("timeout of \(DurationText.format(watch.timeout ?? 0)) reached after \(duration); "
                          + (stopped ? "StopTask was sent" : (watch.onTimeout == .leave ? "the task is left running (--on-timeout leave)" : "the task could not be stopped"))
                          + ": " + unfinished(finalTasks).joined(separator: " "))
            report(described(unfinished(finalTasks).first, in: finalTasks), ExitStatus.timeout)
            return ExitStatus.timeout
        case .interrupted(let finalTasks, let stopped):
            display.finish(nil)
            display.error("interrupted after \(duration); "
                          + (stopped ? "StopTask was sent" : (watch.onInterrupt == .leave ? "the task is left running (--on-interrupt leave)" : "the task could not be stopped"))
                          + ": " + unfinished(finalTasks).joined(separator: " "))
            report(described(unfinished(finalTasks).first, in: finalTasks), ExitStatus.interrupted)
            return ExitStatus.interrupted
        case .vanished(let failures):
            display.finish(nil)
            display.error("ECS no longer knows the task: " + failures.map(\.text).joined(separator: "; "))
            report(nil, ExitStatus.launchFailed)
            return ExitStatus.launchFailed
        case .failed(let error):
            display.finish(nil)
            display.error("DescribeTasks failed: \(error); the task may still be running: " + tasks.joined(separator: " "))
            report(nil, ExitStatus.launchFailed)
            return ExitStatus.launchFailed
        }
    }

    /// After the tasks are done: the last log lines, until the drain is satisfied or Ctrl-C; says so when
    /// CloudWatch Logs cut it short, and what prints the rest (`rerun`).
    func drainLogs(_ tailer: LogTailer, display: ProgressDisplay, rerun: String) {
        let complete = AWSRequests.abandon(when: isInterrupted) { tailer.drain(shouldStop: isInterrupted) }
        if !complete, !isInterrupted() {
            display.warning("the last log lines may be missing: CloudWatch Logs did not answer to the end within 5 s; \(rerun) prints them all")
        }
    }

    func explainNoExitCode(_ task: ECSTask, display: ProgressDisplay) {
        var lines = ["task \(task.taskID) stopped without an exit code"]
        lines.append("  stopCode: \(task.stopCode ?? "(none)")")
        lines.append("  stoppedReason: \(task.stoppedReason ?? "(none)")")
        for container in task.containers ?? [] {
            lines.append("  container \(container.name ?? "?"): \(container.lastStatus ?? "?")"
                         + (container.exitCode.map { ", exit code \($0)" } ?? "")
                         + (container.reason.map { ", reason: \($0)" } ?? ""))
        }
        if let hint = TaskVerdict.hint(for: task) { lines.append(hint) }
        display.error(lines.joined(separator: "\n"))
    }
}
