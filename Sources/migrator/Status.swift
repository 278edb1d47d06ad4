import ArgumentParser
import Migrations
import System

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each migration's state: applied, pending, running, checksum changed or file missing.",
        usage: "migrator status [database options] [--output text|json] [--pending]",
        discussion: """
            DOWN says what `down` does with each migration: yes (runs its down SQL),
            empty (its down is empty or only comments: runs nothing, removes the history
            row) or none (no down file or section: `down` refuses).
            With --output json, each migration whose file exists has "up": its file, the
            first and last line of its up section, whether `up` runs it in a transaction
            ("transactional", decided from its SQL) and whether that is the file's own
            BEGIN … COMMIT ("wrapped"); and, unless it has none, "down": its file, first
            and last line, and "empty" (true: rolling back runs nothing). A running
            migration whose migrator holds the lock now has "runningNow": that session.
            Repeatable migrations (R__NAME.sql) follow, by name: applied, pending, changed
            (edited; `up` runs it again) or file missing; in JSON under "repeatable".
            With --pending, only the migrations that `up` would apply are listed; CI lints
            exactly those (see scripts/lint-pending-migrations):
              migrator status --pending --output json
            """)

    @OptionGroup var db: DatabaseOptions

    @Option(help: "text or json.")
    var output: OutputFormat = .text

    @Flag(help: "List only pending migrations.")
    var pending = false

    var invocation: StatusInvocation {
        StatusInvocation(db: db.settings, output: output, pending: pending)
    }

    func run() throws {
        try invocation.run()
    }
}

/// `status`'s values, whoever parsed them (ArgumentParser or `QuickStart`).
struct StatusInvocation: Equatable {
    var db: DatabaseSettings
    var output: OutputFormat = .text
    var pending = false

    func run() throws {
        try migrator.run {
            let report = try db.migrator().report()
            // Filtered only for --pending: the filter copied every status and read the flag's wrapper per row.
            let statuses = pending ? report.versioned.filter { $0.state == .pending } : report.versioned
            let repeatable = pending ? report.repeatable.filter { $0.state == .pending || $0.state == .changed } : report.repeatable
            if output == .text && pending && statuses.isEmpty && repeatable.isEmpty {
                Output.result("no pending migrations")
            } else if output == .json {
                Output.result(try StatusReport.json(statuses, repeatable))
            } else {
                Output.result(escaped: StatusReport.table(statuses, repeatable))
            }
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}
