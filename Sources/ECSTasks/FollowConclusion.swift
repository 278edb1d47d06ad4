import AWSClient

/// The end of `run` and `wait`: the last log lines, the summary or what became of the unfinished tasks,
/// and the result.
extension TaskFollower {
    func conclude(
        _ outcome: TaskWatcher.Outcome, progress: FollowProgress, tailer: LogTailer?, watch: WatchOptions,
        observer: TaskObserver
    ) -> FollowResult {
        let target = progress.target
        let elapsed = progress.elapsed
        let result = { (ending: TaskEnding, task: ECSTask?) in
            FollowResult(ending: ending, task: task, cluster: target.cluster, streams: target.streams)
        }
        switch outcome {
        case .done(let finalTasks):
            if let tailer { drainLogs(tailer, observer: observer, rerun: .readLogs(task: finalTasks.first?.taskID)) }
            return summarize(finalTasks, progress: progress, observer: observer)
        case .cut(let ending, let finalTasks, let stopped):
            if ending == .timedOut {
                // The lines since the last read, if CloudWatch Logs gives them at once: the timeout has passed.
                tailer?.read(cancellation: .deadline(clock.now() + 1, now: clock.now).or(Cancellation(when: isInterrupted)))
            }
            let policy = ending == .timedOut ? watch.onTimeout : watch.onInterrupt
            let open = target.unfinished(finalTasks, waitFor: progress.waitFor)
            observer.observe(
                .endedEarly(
                    EarlyEnd(
                        ending: ending, timeout: watch.timeout, after: elapsed, fate: Self.fate(stopped: stopped, policy),
                        tasks: open)))
            return result(ending, open.first.flatMap { wanted in finalTasks.first { TaskWatcher.matches($0, wanted) } })
        case .lost(let loss, let stopped):
            observer.observe(.lost(loss, Self.fate(stopped: stopped, watch.onInterrupt), tasks: target.tasks))
            return result(.lost, nil)
        }
    }

    static func fate(stopped: Bool, _ policy: LeavePolicy) -> StopFate {
        stopped ? .stopSent : policy == .leave ? .leftRunning : .notStopped(nil)
    }

    /// Every task is done: one summary, and the first non-zero exit code decides, unless a task stopped
    /// without one (that is explained, and decides).
    private func summarize(_ finalTasks: [ECSTask], progress: FollowProgress, observer: TaskObserver) -> FollowResult {
        var ending = TaskEnding.exited(0)
        var deciding = finalTasks.first
        var summary = FollowSummary(tasks: [], logs: [])
        for task in finalTasks {
            let seconds = progress.duration(of: task)
            let decision = progress.target.verdict(for: task, waitFor: progress.waitFor).decision(for: task)
            switch decision.ending {
            case .exited(let code):
                if ending == .exited(0), code != 0 { ending = .exited(code); deciding = task }
            default:
                ending = decision.ending
                deciding = task
                observer.observe(.stoppedWithoutExitCode(task))
            }
            summary.tasks.append(.init(id: task.taskID, ending: decision.ending, container: decision.container, seconds: seconds))
        }
        // A task that never started wrote no log stream: naming one would send the reader nowhere.
        let anyStarted = finalTasks.contains { $0.startedAt != nil || ($0.containers ?? []).contains { $0.exitCode != nil } }
        if anyStarted { summary.logs = logPlaces(progress.target.streams) }
        observer.observe(.summary(summary))
        let target = progress.target
        return FollowResult(ending: ending, task: deciding, cluster: target.cluster, streams: target.streams)
    }

    private func logPlaces(_ streams: [LogStreamRef]) -> [LogPlace] {
        streams.map {
            linksToConsole
                ? .console(url: LaunchPlan.consoleURL(region: $0.region ?? region, group: $0.group, stream: $0.stream))
                : .stream(group: $0.group, stream: $0.stream)
        }
    }
}
