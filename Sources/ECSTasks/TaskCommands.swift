import AWSClient

/// `wait`, `logs` and `stop`: the commands that act on tasks already launched.
extension TaskRunner {
    /// Learns each task and its task definition (batched DescribeTasks, one DescribeTaskDefinition per
    /// distinct definition), for the verdicts and the log streams.
    func lookUp(cluster: String, tasks: [String], waitFor: WaitCondition) throws
        -> (tasks: [ECSTask], verdicts: [String: TaskVerdict], streams: [LogStreamRef]) {
        var found: [ECSTask] = []
        var failures: [Failure] = []
        for start in stride(from: 0, to: tasks.count, by: TaskWatcher.batchSize) {
            let batch = Array(tasks[start..<min(start + TaskWatcher.batchSize, tasks.count)])
            let answer: DescribeTasksResponse
            do {
                answer = try ecs.describeTasks(DescribeTasksRequest(cluster: cluster, tasks: batch))
            } catch let error as AWSError {
                throw RunFailure.launch("DescribeTasks failed: \(error)")
            }
            found += answer.tasks ?? []
            failures += answer.failures ?? []
        }
        if !failures.isEmpty {
            throw RunFailure.launch("DescribeTasks in cluster \(cluster) failed for:\n" + failures.map { "  " + $0.text }.joined(separator: "\n"))
        }
        var definitions: [String: TaskDefinition] = [:]
        var verdicts: [String: TaskVerdict] = [:]
        var streams: [LogStreamRef] = []
        for wanted in tasks {
            guard let task = found.first(where: { TaskWatcher.matches($0, wanted) }) else {
                throw RunFailure.launch("DescribeTasks did not return the task \(wanted) in cluster \(cluster)")
            }
            guard let arn = task.taskDefinitionArn else { continue }
            if definitions[arn] == nil {
                do {
                    definitions[arn] = try ecs.describeTaskDefinition(DescribeTaskDefinitionRequest(taskDefinition: arn)).taskDefinition
                } catch let error as AWSError {
                    throw RunFailure.launch("DescribeTaskDefinition \(arn) failed: \(error)")
                }
            }
            guard let definition = definitions[arn] else { continue }
            verdicts[wanted] = TaskVerdict(taskDefinition: definition, container: nil, waitFor: waitFor)
            var taskStreams = LaunchPlan.logStreams(definition, taskID: task.taskID)
            if tasks.count > 1 {
                for i in taskStreams.indices { taskStreams[i].container += " " + String(task.taskID.prefix(8)) }
            }
            streams += taskStreams
        }
        return (found, verdicts, streams)
    }

    /// `lookUp`, but Ctrl-C ends it at once (130) even while AWS does not answer: nothing is followed yet.
    func lookUpAbandoningOnInterrupt(cluster: String, tasks: [String], waitFor: WaitCondition) throws
        -> (tasks: [ECSTask], verdicts: [String: TaskVerdict], streams: [LogStreamRef]) {
        do {
            return try AWSRequests.abandon(when: isInterrupted) { try lookUp(cluster: cluster, tasks: tasks, waitFor: waitFor) }
        } catch where isInterrupted() {
            throw RunFailure(status: ExitStatus.interrupted, "interrupted before following the task")
        }
    }

    /// `ecs-run wait TASK...`: follows running tasks to the end, like `run` after the launch.
    public func wait(cluster: String, tasks: [String], watch: WatchOptions, display options: DisplayOptions) -> Int32 {
        let display = ProgressDisplay(sink: sink, options: options, clock: clock)
        // The same task named twice (by ARN and by id, say) is followed once.
        var seen = Set<String>()
        let tasks = tasks.filter { seen.insert(ECSTask.id(fromArn: $0)).inserted }
        return reportingFailures(on: display, cluster: cluster) {
            let start = clock.now()
            let known = try lookUpAbandoningOnInterrupt(cluster: cluster, tasks: tasks, waitFor: watch.waitFor)
            return follow(cluster: cluster, tasks: tasks, initial: known.tasks, verdicts: known.verdicts,
                          streams: known.streams, startedAt: start, watch: watch, display: display, options: options)
        }
    }

    /// `ecs-run logs TASK [--follow]`: prints the task's log lines; with `follow`, until the task is done.
    public func logs(cluster: String, task: String, follow: Bool, display options: DisplayOptions) -> Int32 {
        let display = ProgressDisplay(sink: sink, options: options, clock: clock)
        return reportingFailures(on: display) {
            let known = try lookUpAbandoningOnInterrupt(cluster: cluster, tasks: [task], waitFor: .stopped)
            guard !known.streams.isEmpty else {
                throw RunFailure.launch("the task definition of \(task) has no awslogs log configuration with awslogs-stream-prefix, so there is no log stream to read")
            }
            var byRegion: [String: LogsAPI] = [:]
            let sources = known.streams.map { ref -> LogTailer.Source in
                let key = ref.region ?? region
                let api = byRegion[key] ?? logs(ref.region == region ? nil : ref.region)
                byRegion[key] = api
                return LogTailer.Source(ref: ref, logs: api)
            }
            display.prefixLogs = known.streams.count > 1
            let tailer = LogTailer(sources: sources, clock: clock, emit: display.log, warn: display.warning)
            // Bounded: each read follows at most `maxPages` pages per stream; stop once a read reaches the end
            // of every stream. A read cut short by throttling or the network is tried again a few times.
            // The lines are the whole point, so a closed stdout (`ecs-run logs ... | head`) ends the command.
            var printed = 0
            var failedReads = 0
            for _ in 0..<10_000 {
                if isInterrupted() { return ExitStatus.interrupted }
                let lines = AWSRequests.abandon(when: isInterrupted) { tailer.read() }
                if sink.isOutClosed { return ExitStatus.success }
                printed += lines
                if tailer.lastReadReachedEnd { break }
                if lines > 0 { failedReads = 0; continue }
                failedReads += 1
                if failedReads >= 10 {
                    display.warning("CloudWatch Logs kept failing to answer; the lines above may not be all of them")
                    break
                }
                clock.sleep(1)
            }
            if printed == 0, !follow {
                display.note("no log events yet (" + known.streams.map { "\($0.group) \($0.stream)" }.joined(separator: ", ") + ")")
            }
            guard follow else { return ExitStatus.success }
            var watch = WatchOptions()
            watch.onInterrupt = .leave
            watch.waitFor = .stopped
            let verdict = known.verdicts[task] ?? TaskVerdict(deciding: [], essentials: [], waitFor: .stopped)
            let watcher = TaskWatcher(ecs: ecs, clock: clock, options: watch,
                                      isInterrupted: { self.isInterrupted() || self.sink.isOutClosed })
            switch watcher.watch(cluster: cluster, tasks: [task], isDone: verdict.isDone, tick: { tailer.readIfDue() }) {
            case .done:
                drainLogs(tailer, display: display, rerun: "running this again")
                return ExitStatus.success
            case .interrupted:
                return sink.isOutClosed ? ExitStatus.success : ExitStatus.interrupted
            case .timedOut:
                return ExitStatus.timeout
            case .vanished(let failures):
                throw RunFailure.launch("ECS no longer knows the task: " + failures.map(\.text).joined(separator: "; "))
            case .failed(let error):
                throw RunFailure.launch("DescribeTasks failed: \(error)")
            }
        }
    }

    /// `ecs-run stop TASK [--reason TEXT]`.
    public func stop(cluster: String, task: String, reason: String, display options: DisplayOptions) -> Int32 {
        let display = ProgressDisplay(sink: sink, options: options, clock: clock)
        do {
            let answer = try ecs.stopTask(StopTaskRequest(cluster: cluster, task: task, reason: reason))
            let stopped = answer.task ?? ECSTask(taskArn: task)
            if options.format == .json {
                display.result(TaskReport(task: stopped, cluster: cluster, exitCode: 0, streams: []).json())
            } else {
                display.result(stopped.taskArn ?? task)
                display.note("StopTask sent; the task is \(stopped.lastStatus ?? "stopping") (desired \(stopped.desiredStatus ?? "STOPPED"))")
            }
            return ExitStatus.success
        } catch let error as AWSError {
            display.error("StopTask \(task) failed: \(error)")
            return ExitStatus.launchFailed
        } catch {
            display.error("\(error)")
            return ExitStatus.launchFailed
        }
    }

    /// Runs a command's body; a failure is printed and becomes its exit status (125 unless it carries one).
    /// With `--output json` (wait), a failure still prints its JSON object, as `run`'s do.
    private func reportingFailures(on display: ProgressDisplay, cluster: String? = nil, _ body: () throws -> Int32) -> Int32 {
        let status: Int32
        do {
            return try body()
        } catch let failure as RunFailure {
            display.error(failure.description)
            status = failure.status
        } catch {
            display.error("\(error)")
            status = ExitStatus.launchFailed
        }
        if let cluster, display.options.format == .json, status != ExitStatus.usage {
            display.result(TaskReport.failure(cluster: cluster, exitCode: status))
        }
        return status
    }
}
