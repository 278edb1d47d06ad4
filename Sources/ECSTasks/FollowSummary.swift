import AWSClient
import Durations

/// The end of `run` and `wait`: the last log lines, the summary or the error, and the result.
extension TaskFollower {
    func conclude(
        _ outcome: TaskWatcher.Outcome, progress: FollowProgress, tailer: LogTailer?, watch: WatchOptions,
        display: ProgressDisplay
    ) -> FollowResult {
        let target = progress.target
        let result = { (ending: FollowResult.Ending, task: ECSTask?) in
            FollowResult(ending: ending, task: task, cluster: target.cluster, streams: target.streams)
        }
        let duration = DurationText.format(clock.now() - target.startedAt)
        switch outcome {
        case .done(let finalTasks):
            if let tailer { drainLogs(tailer, display: display, rerun: "`ecs-run logs \(finalTasks.first?.taskID ?? "TASK")`") }
            return summarize(finalTasks, progress: progress, display: display)
        case .timedOut(let finalTasks, let stopped):
            // The lines since the last read, if CloudWatch Logs gives them at once: the timeout has passed.
            tailer?.read(cancellation: .deadline(clock.now() + 1, now: clock.now).or(Cancellation(when: isInterrupted)))
            let left = watch.onTimeout == .leave ? "the task is left running (--on-timeout leave)" : "the task could not be stopped"
            let open = endedEarly(
                "timeout of \(DurationText.format(watch.timeout ?? 0)) reached after \(duration)",
                stopped ? "StopTask was sent" : left, finalTasks, progress: progress, display: display)
            return result(.timedOut, open)
        case .interrupted(let finalTasks, let stopped):
            let left = watch.onInterrupt == .leave ? "the task is left running (--on-interrupt leave)" : "the task could not be stopped"
            let open = endedEarly(
                "interrupted after \(duration)", stopped ? "StopTask was sent" : left, finalTasks,
                progress: progress, display: display)
            return result(.interrupted, open)
        case .vanished(let failures):
            display.finish(nil)
            display.error("ECS no longer knows the task: " + failures.map(\.text).joined(separator: "; "))
            return result(.lost, nil)
        case .failed(let error, let stopped):
            let left = watch.onInterrupt == .leave ? "the task is left running (--on-interrupt leave)" : "the task could not be stopped"
            display.finish(nil)
            display.error(
                "DescribeTasks failed: \(error); \(stopped ? "StopTask was sent" : left): " + target.tasks.joined(separator: " "))
            return result(.lost, nil)
        }
    }

    /// After a timeout or an interrupt: says what became of the unfinished tasks; returns the first of
    /// them as ECS last described it, for the result.
    private func endedEarly(
        _ what: String, _ fate: String, _ finalTasks: [ECSTask], progress: FollowProgress,
        display: ProgressDisplay
    ) -> ECSTask? {
        let open = progress.target.unfinished(finalTasks, waitFor: progress.waitFor)
        display.finish(nil)
        display.error("\(what); \(fate): " + open.joined(separator: " "))
        return open.first.flatMap { wanted in finalTasks.first { TaskWatcher.matches($0, wanted) } }
    }

    /// Every task is done: one summary line, and the first non-zero exit code decides, unless a task
    /// stopped without one (that is explained, and decides).
    private func summarize(_ finalTasks: [ECSTask], progress: FollowProgress, display: ProgressDisplay) -> FollowResult {
        var ending = FollowResult.Ending.exited(0)
        var deciding = finalTasks.first
        var summaries: [String] = []
        for task in finalTasks {
            let duration = DurationText.format(progress.duration(of: task))
            switch progress.target.verdict(for: task, waitFor: progress.waitFor).status(of: task) {
            case .exited(let code, let container):
                if ending == .exited(0), code != 0 { ending = .exited(code); deciding = task }
                summaries.append("task \(task.taskID) exited with \(code) (container \(container)) after \(duration)")
            case .noExitCode:
                ending = .noExitCode
                deciding = task
                explainNoExitCode(task, display: display)
                summaries.append("task \(task.taskID) stopped without an exit code after \(duration)")
            }
        }
        // A task that never started wrote no log stream: naming one would send the reader nowhere.
        let anyStarted = finalTasks.contains { $0.startedAt != nil || ($0.containers ?? []).contains { $0.exitCode != nil } }
        display.finish(summaries.joined(separator: "; ") + (anyStarted ? logsNote(progress.target.streams) : ""))
        let target = progress.target
        return FollowResult(ending: ending, task: deciding, cluster: target.cluster, streams: target.streams)
    }

    private func logsNote(_ streams: [LogStreamRef]) -> String {
        let places = streams.map {
            linksToConsole
                ? LaunchPlan.consoleURL(region: $0.region ?? region, group: $0.group, stream: $0.stream) : $0.group + " " + $0.stream
        }
        return places.isEmpty ? "" : "; logs: " + places.joined(separator: ", ")
    }

    private func explainNoExitCode(_ task: ECSTask, display: ProgressDisplay) {
        var lines = ["task \(task.taskID) stopped without an exit code"]
        lines.append("  stopCode: \(task.stopCode ?? "(none)")")
        lines.append("  stoppedReason: \(task.stoppedReason ?? "(none)")")
        for container in task.containers ?? [] {
            lines.append(
                "  container \(container.name ?? "?"): \(container.lastStatus ?? "?")"
                    + (container.exitCode.map { ", exit code \($0)" } ?? "")
                    + (container.reason.map { ", reason: \($0)" } ?? ""))
        }
        if let hint = TaskVerdict.hint(for: task) { lines.append(hint) }
        display.error(lines.joined(separator: "\n"))
    }
}
