import AWSClient
import System

/// Follows tasks to their end for `run`, `wait` and `logs --follow`: watches them, tails and drains
/// their logs, and reports what happens to the command's observer.
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
    func follow(_ target: FollowTarget, watch: WatchOptions, observer: TaskObserver) -> FollowResult {
        let progress = FollowProgress(target: target, waitFor: watch.waitFor, clock: clock, observer: observer)
        observer.observe(.logStreams(target.streams))
        var tailer = watch.streamLogs ? self.tailer(for: target.streams, observer: observer) : nil
        if watch.streamLogs, target.streams.isEmpty, target.tasks.count == 1 { observer.observe(.noLogStream) }
        let watcher = TaskWatcher(ecs: ecs, clock: clock, options: watch, isInterrupted: isInterrupted)
        let outcome = watcher.watch(
            cluster: target.cluster, tasks: target.tasks, startedAt: target.startedAt,
            isDone: progress.isDone,
            tick: { cancellation in
                tailer?.readIfDue(cancellation: cancellation)
                // `ecs-run ... | head -1`: nobody reads the lines any more, but the exit code still matters.
                if tailer != nil, observer.logReaderGone {
                    tailer = nil
                    observer.observe(.logReaderGone)
                }
            }, event: progress.record)
        return conclude(outcome, progress: progress, tailer: tailer, watch: watch, observer: observer)
    }

    /// `logs --follow`, after the lines so far: reads on until the task stops, quietly. Leaves the task
    /// running on Ctrl-C; nobody reading the lines ends it, since the lines are the whole point.
    func followLogs(_ target: FollowTarget, tailer: LogTailer, observer: TaskObserver) -> TaskOutcome {
        var watch = WatchOptions()
        watch.onInterrupt = .leave
        watch.waitFor = .stopped
        let isInterrupted = self.isInterrupted
        let watcher = TaskWatcher(
            ecs: ecs, clock: clock, options: watch,
            isInterrupted: { isInterrupted() || observer.logReaderGone })
        let isDone = { target.verdict(for: $0, waitFor: .stopped).isDone($0) }
        let end = { ending in TaskOutcome.followed(FollowResult(ending: ending, cluster: target.cluster, streams: target.streams)) }
        switch watcher.watch(cluster: target.cluster, tasks: target.tasks, isDone: isDone, tick: { tailer.readIfDue(cancellation: $0) }) {
        case .done:
            drainLogs(tailer, observer: observer, rerun: .readAgain)
            return .printed
        case .cut(.interrupted, _, _):
            return observer.logReaderGone ? .printed : end(.interrupted)
        case .cut(let ending, _, _):
            return end(ending)
        case .lost(.vanished(let failures), _):
            return .failed(RunFailure(.taskVanished(failures)))
        case .lost(.describeTasksFailed(let error), _):
            return .failed(RunFailure(.awsCall(AWSCall("DescribeTasks"), error)))
        }
    }

    /// A tailer of `streams` reporting to `observer`, with one Logs client per region; nil without streams.
    func tailer(for streams: [LogStreamRef], observer: TaskObserver) -> LogTailer? {
        guard !streams.isEmpty else { return nil }
        var byRegion: [String: LogsAPI] = [:]
        let sources = streams.map { ref -> LogTailer.Source in
            let key = ref.region ?? region
            let api = byRegion[key] ?? logs(ref.region == region ? nil : ref.region)
            byRegion[key] = api
            return LogTailer.Source(ref: ref, logs: api)
        }
        return LogTailer(
            sources: sources, clock: clock, emit: { observer.observe(.logLine($0)) },
            unreadable: { observer.observe(.logStreamUnreadable($0, $1)) })
    }

    /// `logs`: reads every stream to its end once, tolerating a few reads cut short; returns the lines
    /// read, or the outcome when Ctrl-C or the reader's going ended the reading.
    func readAll(_ tailer: LogTailer, observer: TaskObserver, cluster: String) -> (lines: Int, ended: TaskOutcome?) {
        // Bounded: each read follows at most `maxPages` pages per stream; stop once a read reaches the end
        // of every stream. A read cut short by throttling or the network is tried again a few times.
        // The lines are the whole point, so nobody reading them (`ecs-run logs ... | head`) ends the command.
        var printed = 0
        var failedReads = 0
        for _ in 0..<10_000 {
            if isInterrupted() { return (printed, .followed(FollowResult(ending: .interrupted, cluster: cluster, streams: []))) }
            let lines = tailer.read(cancellation: Cancellation(when: isInterrupted))
            if observer.logReaderGone { return (printed, .printed) }
            printed += lines
            if tailer.lastReadReachedEnd { break }
            if lines > 0 { failedReads = 0; continue }
            failedReads += 1
            if failedReads >= 10 {
                observer.observe(.logsKeptFailing)
                break
            }
            clock.sleep(1)
        }
        return (printed, nil)
    }

    /// After the tasks are done: the last log lines, until the drain is satisfied or Ctrl-C; says so when
    /// CloudWatch Logs cut it short, and what prints the rest (`rerun`).
    func drainLogs(_ tailer: LogTailer, observer: TaskObserver, rerun: LogRerun) {
        let complete = tailer.drain(shouldStop: isInterrupted, cancellation: Cancellation(when: isInterrupted))
        if !complete, !isInterrupted() { observer.observe(.logDrainCutShort(rerun: rerun)) }
    }
}
