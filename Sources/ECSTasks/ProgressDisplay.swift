import Durations
import System

/// Shows a task's progress on stderr: plain lines for CI logs, or one status line updated in place on
/// a terminal; log lines on stdout (stderr with --output json, whose stdout holds only the result).
public final class ProgressDisplay {
    let sink: OutputSink
    public let options: DisplayOptions
    let clock: MonotonicClock
    var start: Double
    /// Prefix log lines with the container name (several containers log).
    var prefixLogs = false
    private var statusLineShown = false
    private var statusText = ""

    public init(sink: OutputSink, options: DisplayOptions, clock: MonotonicClock) {
        self.sink = sink
        self.options = options
        self.clock = clock
        start = clock.now()
    }

    func resetClock() { start = clock.now() }

    /// True once nobody reads stdout any more.
    var isOutClosed: Bool { sink.isOutClosed }

    var elapsed: String { DurationText.format(clock.now() - start) }

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
    public func error(_ text: String) {
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
    func status(_ task: ECSTask, previous: String?) {
        guard !options.quiet else { return }
        let now = task.lastStatus ?? "?"
        let exits = (task.containers ?? []).compactMap { c in c.exitCode.map { "\(c.name ?? "?") exited \($0)" } }
        var text = previous.map { "\($0) → \(now)" } ?? now
        if !exits.isEmpty { text += " (" + exits.joined(separator: ", ") + ")" }
        let line = "[\(elapsed)] \(ECSTask.id(fromArn: task.taskArn ?? "")) \(text)"
        if options.interactive {
            statusText = paint("ecs-run:", "2") + " " + line
            redrawStatusLine()
        } else {
            sink.writeErr("ecs-run: \(line)\n")
        }
    }

    /// One line of the container's output.
    func log(_ line: LogLine) {
        guard options.showLogs else { return }
        let text = (prefixLogs ? paint(line.container + " |", "36") + " " : "") + line.message + (line.message.hasSuffix("\n") ? "" : "\n")
        clearStatusLine()
        if options.format == .json { sink.writeErr(text) } else { sink.writeOut(text) }
        redrawStatusLine()
    }

    /// The end: the status line is replaced by the summary.
    func finish(_ summary: String?) {
        clearStatusLine()
        statusText = ""
        if let summary, !options.quiet { sink.writeErr("ecs-run: \(summary)\n") }
    }

    /// The one result on stdout.
    public func result(_ text: String) {
        clearStatusLine()
        sink.writeOut(text.hasSuffix("\n") ? text : text + "\n")
    }
}
