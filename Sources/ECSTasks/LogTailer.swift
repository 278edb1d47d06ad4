import AWSClient
import System

/// Where one container's awslogs output goes.
public struct LogStreamRef: Equatable, Sendable {
    public var container: String
    public var group: String
    public var stream: String
    public var region: String?
    public init(container: String, group: String, stream: String, region: String? = nil) {
        self.container = container
        self.group = group
        self.stream = stream
        self.region = region
    }
}

/// One line of a container's output.
public struct LogLine: Equatable, Sendable {
    public var container: String
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    public var message: String
}

/// Reads CloudWatch log streams from the start with GetLogEvents and `nextForwardToken`. A stream that
/// does not exist yet (ResourceNotFoundException) is waited for quietly; an unchanged token means
/// nothing new. Lines of several streams read together come out in timestamp order.
final class LogTailer {
    struct Source {
        var ref: LogStreamRef
        var logs: LogsAPI
        init(ref: LogStreamRef, logs: LogsAPI) { self.ref = ref; self.logs = logs }
    }

    final class StreamState {
        let source: Source
        var token: String?
        var disabled = false
        init(source: Source) { self.source = source }
    }

    let streams: [StreamState]
    let clock: MonotonicClock
    let emit: (LogLine) -> Void
    /// A stream that cannot be read for good (no permission, say); it is read no more.
    let unreadable: (LogStreamRef, any Error) -> Void
    /// Seconds between reads while the task runs.
    var interval = 1.0
    /// Pages read from one stream in one read, so one chatty stream cannot stall the wait.
    var maxPages = 20
    private var lastRead: Double?

    init(
        sources: [Source], clock: MonotonicClock, emit: @escaping (LogLine) -> Void,
        unreadable: @escaping (LogStreamRef, any Error) -> Void = { _, _ in }
    ) {
        streams = sources.map(StreamState.init)
        self.clock = clock
        self.emit = emit
        self.unreadable = unreadable
    }

    /// The longest one read may take while the task runs. CloudWatch Logs that hangs (a missing VPC endpoint,
    /// a proxy) must not hold up the DescribeTasks polls that see the task end: a read cut short keeps its
    /// place in the stream and is tried again at the next tick.
    var readLimit = 5.0

    /// Reads when `interval` has passed since the last read; for the watcher's tick.
    func readIfDue(cancellation: Cancellation = .never) {
        let now = clock.now()
        if let lastRead, now - lastRead < interval { return }
        _ = read(cancellation: cancellation.or(.deadline(now + readLimit, now: clock.now)))
    }

    /// Whether the last `read()` reached the end of every stream: no stream was cut short by an error
    /// (throttling, the network) or by the page limit. A stream that does not exist yet counts as read.
    private(set) var lastReadReachedEnd = true

    /// Reads every stream once (following pages) and emits what is new; returns how many lines. A read
    /// that `cancellation` ends counts as cut short.
    @discardableResult
    func read(cancellation: Cancellation = .never) -> Int {
        lastRead = clock.now()
        lastReadReachedEnd = true
        var lines: [(line: LogLine, stream: Int, seq: Int)] = []
        for (index, state) in streams.enumerated() where !state.disabled {
            var seq = 0
            let (streamLines, reachedEnd) = readStream(state, cancellation: cancellation)
            if !reachedEnd { lastReadReachedEnd = false }
            for line in streamLines {
                lines.append((line, index, seq))
                seq += 1
            }
        }
        lines.sort { a, b in
            if a.line.timestamp != b.line.timestamp { return a.line.timestamp < b.line.timestamp }
            if a.stream != b.stream { return a.stream < b.stream }
            return a.seq < b.seq
        }
        for entry in lines { emit(entry.line) }
        return lines.count
    }

    /// After the task is done: reads until two reads in a row find nothing, or `limit` seconds pass, or
    /// `shouldStop` says so. Only a read that reached the end of every stream counts as empty: a throttled
    /// or failed read proves nothing. Returns false when the drain ended without two such reads, i.e.
    /// when the last lines may be missing.
    /// The pause between reads is short because the drain is most of what ecs-run adds after the
    /// container's exit (benchmarks/profiles.md: 0.5 s pauses cost 1.0 s per run); awslogs that
    /// flush later still show up within `limit`, as long as lines keep coming.
    @discardableResult
    func drain(
        limit: Double = 5, pause: Double = 0.2, shouldStop: () -> Bool = { false },
        cancellation: Cancellation = .never
    ) -> Bool {
        let start = clock.now()
        // The limit holds for a read in flight too: one that hangs is cut short at it.
        let cancellation = cancellation.or(.deadline(start + limit, now: clock.now))
        var emptyReads = 0
        while emptyReads < 2, clock.now() - start < limit, !shouldStop() {
            emptyReads = read(cancellation: cancellation) == 0 && lastReadReachedEnd ? emptyReads + 1 : 0
            if emptyReads < 2 { clock.sleep(min(pause, max(0, limit - (clock.now() - start)))) }
        }
        return emptyReads >= 2
    }

    private func readStream(_ state: StreamState, cancellation: Cancellation) -> (lines: [LogLine], reachedEnd: Bool) {
        var lines: [LogLine] = []
        let ref = state.source.ref
        for _ in 0..<maxPages {
            let answer: GetLogEventsResponse
            do {
                answer = try state.source.logs.getLogEvents(
                    GetLogEventsRequest(
                        logGroupName: ref.group, logStreamName: ref.stream, nextToken: state.token, startFromHead: true),
                    cancellation: cancellation)
            } catch let error as AWSError where error.code == "ResourceNotFoundException" {
                return (lines, true)
            } catch let error as AWSError where error.isRetryable || error.kind == .transport || error.kind == .cancelled {
                return (lines, false)
            } catch {
                state.disabled = true
                unreadable(ref, error)
                return (lines, true)
            }
            for event in answer.events ?? [] {
                lines.append(LogLine(container: ref.container, timestamp: event.timestamp ?? 0, message: event.message ?? ""))
            }
            guard let next = answer.nextForwardToken, next != state.token else { return (lines, true) }
            state.token = next
            if (answer.events ?? []).isEmpty { return (lines, true) }
        }
        return (lines, false)
    }
}
