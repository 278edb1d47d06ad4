import AWSClient
import Durations
import System

/// Follows tasks to their end for `run`, `wait` and `logs --follow`: watches them, tails and drains
/// their logs, and, for `run` and `wait`, prints the summary.
final class TaskFollower {
    let ecs: ECSAPI
    /// CloudWatch Logs for a region (nil: the configured one).
    let logs: (String?) -> LogsAPI
    let clock: MonotonicClock
    let region: String
    /// False when CloudWatch Logs is not AWS's (an emulator): the summary then names the log streams
    /// instead of linking to a console that does not hold them.
    let linksToConsole: Bool
    let isInterrupted: () -> Bool

    init(
        ecs: ECSAPI, logs: @escaping (String?) -> LogsAPI, clock: MonotonicClock, region: String, linksToConsole: Bool,
        isInterrupted: @escaping () -> Bool
    ) {
        self.ecs = ecs
        self.logs = logs
        self.clock = clock
        self.region = region
        self.linksToConsole = linksToConsole
        self.isInterrupted = isInterrupted
    }

    /// `run` and `wait`: follows the tasks to the end with progress, logs and a summary.
    func follow(_ target: FollowTarget, watch: WatchOptions, display: ProgressDisplay) -> FollowResult {
        let progress = FollowProgress(target: target, waitFor: watch.waitFor, clock: clock, display: display)
        display.prefixLogs = Set(target.streams.map(\.container)).count > 1
        let showLogs = display.options.showLogs
        var tailer = showLogs ? self.tailer(for: target.streams, display: display) : nil
        if showLogs, target.streams.isEmpty, target.tasks.count == 1 {
            display.note("no awslogs log stream to follow (the task definition has no awslogs driver with awslogs-stream-prefix)")
        }
        let watcher = TaskWatcher(ecs: ecs, clock: clock, options: watch, isInterrupted: isInterrupted)
        let outcome = watcher.watch(
            cluster: target.cluster, tasks: target.tasks, startedAt: target.startedAt,
            isDone: progress.isDone,
            tick: { cancellation in
                tailer?.readIfDue(cancellation: cancellation)
                // `ecs-run ... | head -1`: nobody reads the lines any more, but the exit code still matters.
                if tailer != nil, display.options.format == .text, display.isOutClosed {
                    tailer = nil
                    display.note("stdout is closed; the log lines are no longer read, but the task is followed to its end")
                }
            }, event: progress.record)
        return conclude(outcome, progress: progress, tailer: tailer, watch: watch, display: display)
    }

    /// `logs --follow`, after the lines so far: reads on until the task stops, quietly. Leaves the task
    /// running on Ctrl-C; a closed stdout ends it, since the lines are the whole point.
    func followLogs(_ target: FollowTarget, tailer: LogTailer, display: ProgressDisplay) -> TaskOutcome {
        var watch = WatchOptions()
        watch.onInterrupt = .leave
        watch.waitFor = .stopped
        let watcher = TaskWatcher(
            ecs: ecs, clock: clock, options: watch,
            isInterrupted: { self.isInterrupted() || display.isOutClosed })
        let isDone = { target.verdict(for: $0, waitFor: .stopped).isDone($0) }
        let end = { ending in TaskOutcome.followed(FollowResult(ending: ending, cluster: target.cluster, streams: target.streams)) }
        switch watcher.watch(cluster: target.cluster, tasks: target.tasks, isDone: isDone, tick: { tailer.readIfDue(cancellation: $0) }) {
        case .done:
            drainLogs(tailer, display: display, rerun: "running this again")
            return .printed
        case .interrupted:
            return display.isOutClosed ? .printed : end(.interrupted)
        case .timedOut:
            return end(.timedOut)
        case .vanished(let failures):
            return .failed(.launch("ECS no longer knows the task: " + failures.map(\.text).joined(separator: "; ")))
        case .failed(let error, _):
            return .failed(.launch("DescribeTasks failed: \(error)"))
        }
    }

    /// A tailer of `streams` printing through `display`, with one Logs client per region; nil without streams.
    func tailer(for streams: [LogStreamRef], display: ProgressDisplay) -> LogTailer? {
        guard !streams.isEmpty else { return nil }
        var byRegion: [String: LogsAPI] = [:]
        let sources = streams.map { ref -> LogTailer.Source in
            let key = ref.region ?? region
            let api = byRegion[key] ?? logs(ref.region == region ? nil : ref.region)
            byRegion[key] = api
            return LogTailer.Source(ref: ref, logs: api)
        }
        return LogTailer(sources: sources, clock: clock, emit: display.log, warn: display.warning)
    }

    /// `logs`: reads every stream to its end once, tolerating a few reads cut short; returns the lines
    /// printed, or the outcome when Ctrl-C or a closed stdout ended the reading.
    func readAll(_ tailer: LogTailer, display: ProgressDisplay, cluster: String) -> (lines: Int, ended: TaskOutcome?) {
        // Bounded: each read follows at most `maxPages` pages per stream; stop once a read reaches the end
        // of every stream. A read cut short by throttling or the network is tried again a few times.
        // The lines are the whole point, so a closed stdout (`ecs-run logs ... | head`) ends the command.
        var printed = 0
        var failedReads = 0
        for _ in 0..<10_000 {
            if isInterrupted() { return (printed, .followed(FollowResult(ending: .interrupted, cluster: cluster, streams: []))) }
            let lines = tailer.read(cancellation: Cancellation(when: isInterrupted))
            if display.isOutClosed { return (printed, .printed) }
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
        return (printed, nil)
    }

    /// After the tasks are done: the last log lines, until the drain is satisfied or Ctrl-C; says so when
    /// CloudWatch Logs cut it short, and what prints the rest (`rerun`).
    func drainLogs(_ tailer: LogTailer, display: ProgressDisplay, rerun: String) {
        let complete = tailer.drain(shouldStop: isInterrupted, cancellation: Cancellation(when: isInterrupted))
        if !complete, !isInterrupted() {
            display.warning(
                "the last log lines may be missing: CloudWatch Logs did not answer to the end within 5 s; \(rerun) prints them all")
        }
    }
}
