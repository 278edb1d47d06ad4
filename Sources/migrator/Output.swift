import Migrations
import System

/// Progress and errors go to stderr, one line per event; results go to stdout.
///
/// Everything the migrator prints passes through here, a line at a time, and each line is written with
/// its control characters escaped (`escapingOutputControls`): file names and text from files or the server
/// sit inside lines, and a newline or an escape sequence of theirs must not start a line of its own
/// (`applied 0003_backdoor`) or rewrite a terminal. JSON is escaped by its encoder instead.
enum Output {
    static func progress(_ event: MigrationProgress) {
        progress(FailureText.progress(event))
    }

    static func progress(_ line: String) {
        OutputDescriptor.write(2, line.escapingOutputControls() + "\n")
    }

    /// The first line after "migrator: error: ", the others as they are.
    static func error(_ lines: [String]) {
        let text = lines.enumerated().map { ($0 == 0 ? "migrator: error: " : "") + $1.escapingOutputControls() }
        OutputDescriptor.write(2, text.joined(separator: "\n") + "\n")
    }

    static func error(_ message: String) {
        error([message])
    }

    static func result(_ lines: [String]) {
        print(lines.map { $0.escapingOutputControls() }.joined(separator: "\n"))
    }

    static func result(_ line: String) {
        result([line])
    }

    /// Lines escaped piece by piece as they were put together (a `TextTable` of `cell`s), each ending in a
    /// newline: a thousand-row table is written at once instead of escaped again line by line.
    static func result(escaped text: [UInt8]) {
        print(String(decoding: text, as: UTF8.self), terminator: "")
    }

    /// A cell of a table, escaped before the columns are measured.
    static func cell(_ text: String) -> String {
        text.escapingOutputControls()
    }
}
