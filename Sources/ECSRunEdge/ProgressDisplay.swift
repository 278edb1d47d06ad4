import Durations
import ECSTasks
import System

/// Shows a command's events: progress on stderr, as plain lines for CI logs or as one status line updated
/// in place on a terminal; log lines on stdout (stderr with --output json, whose stdout holds only the
/// result). The words come from `Messages`.
public final class ProgressDisplay: TaskObserver {
    let sink: OutputSink
    public let options: DisplayOptions
    /// Prefix log lines with the container name (several containers log).
    private var prefixLogs = false
    private var statusLineShown = false
    private var statusText = ""

    public init(sink: OutputSink, options: DisplayOptions) {
        self.sink = sink
        self.options = options
    }

    public func observe(_ event: TaskEvent) {
        switch event {
        case .status(let task, let previous, let elapsed):
            status(task, previous: previous, elapsed: elapsed)
        case .logLine(let line):
            log(line)
        case .logStreams(let streams):
            prefixLogs = Set(streams.map(\.container)).count > 1
        case .stopSent where options.format != .text:
            break // the JSON result says it
        default:
            switch Messages.line(for: event) {
            case .note(let text): note(text)
            case .warning(let text): warning(text)
            case .error(let text): error(text)
            case .summary(let text): finish(text)
            case .final(let text):
                finish(nil)
                error(text)
            case nil: break
            }
        }
    }

    /// Only text output goes to stdout: with JSON the log lines are on stderr, and still read.
    public var logReaderGone: Bool { options.format == .text && sink.isOutClosed }

    private func paint(_ text: String, _ code: String) -> String {
        options.color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func clearStatusLine() {
        if statusLineShown {
            sink.writeErr("\r\u{1B}[K")
            statusLineShown = false
        }
    }

    private func redrawStatusLine() {
        guard options.interactive, !options.quiet, !statusText.isEmpty else { return }
        sink.writeErr("\r\u{1B}[K" + statusText)
        statusLineShown = true
    }

    /// Progress that is not a status change: "started task …". Hidden by --quiet.
    func note(_ text: String) {
        guard !options.quiet else { return }
        clearStatusLine()
        sink.writeErr("ecs-run: \(text)\n")
        redrawStatusLine()
    }

    /// Always shown, even with --quiet.
    func error(_ text: String) {
        clearStatusLine()
        sink.writeErr(paint("ecs-run: error:", "31") + " \(text)\n")
        redrawStatusLine()
    }

    func warning(_ text: String) {
        guard !options.quiet else { return }
        clearStatusLine()
        sink.writeErr(paint("ecs-run: warning:", "33") + " \(text)\n")
        redrawStatusLine()
    }

    /// A task's status changed.
    private func status(_ task: ECSTask, previous: String?, elapsed: Double) {
        guard !options.quiet else { return }
        let now = task.lastStatus ?? "?"
        let exits = (task.containers ?? []).compactMap { c in c.exitCode.map { "\(c.name ?? "?") exited \($0)" } }
        var text = previous.map { "\($0) → \(now)" } ?? now
        if !exits.isEmpty { text += " (" + exits.joined(separator: ", ") + ")" }
        let line = "[\(DurationText.format(elapsed))] \(task.taskID) \(text)"
        if options.interactive {
            statusText = paint("ecs-run:", "2") + " " + line
            redrawStatusLine()
        } else {
            sink.writeErr("ecs-run: \(line)\n")
        }
    }

    /// One line of the container's output.
    private func log(_ line: LogLine) {
        let text = (prefixLogs ? paint(line.container + " |", "36") + " " : "") + line.message + (line.message.hasSuffix("\n") ? "" : "\n")
        clearStatusLine()
        if options.format == .json { sink.writeErr(text) } else { sink.writeOut(text) }
        redrawStatusLine()
    }

    /// The end: the status line is replaced by the summary.
    private func finish(_ summary: String?) {
        clearStatusLine()
        statusText = ""
        if let summary, !options.quiet { sink.writeErr("ecs-run: \(summary)\n") }
    }

    /// The one result on stdout.
    func result(_ text: String) {
        clearStatusLine()
        sink.writeOut(text.hasSuffix("\n") ? text : text + "\n")
    }
}
