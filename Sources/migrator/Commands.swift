import ArgumentParser
import FoundationEssentials
import Migrations
import System

struct Up: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Apply pending migrations in version order.",
        usage: "migrator up [database options] [--var NAME=VALUE ...] [--to VERSION] [--allow-out-of-order] [--lock-retries N] [--dry-run]",
        discussion: """
            Against a live service, give DDL a short --lock-timeout and let --lock-retries
            ride out a momentary lock: a migration that times out waiting for a lock
            (SQLSTATE 55P03) is rolled back and tried again after a pause of 0.25 s,
            doubling up to 10 s, with random jitter; each retry logs who holds the lock.
            A migration outside a transaction is retried only if its first statement
            timed out (nothing took effect). Other errors are never retried.
              migrator up --lock-timeout 2s --lock-retries 10

            REPEATABLE MIGRATIONS
            After the versioned migrations, each R__NAME.sql whose checksum differs
            from the one last recorded (or that never ran) runs, in name order, in its
            own transaction together with its row in <--table>_repeatable. A failure
            rolls it back and stops the run (exit 1). They are not run with a --to
            that stops short of the newest migration.

            \(PlaceholderOptions.discussion)
            """)

    @OptionGroup var db: DatabaseOptions

    @OptionGroup var vars: PlaceholderOptions

    @Option(help: "Stop after this version.")
    var to: MigrationVersion?

    @Flag(name: .customLong("allow-out-of-order"), help: "Apply pending migrations older than the newest applied one.")
    var allowOutOfOrder = false

    @Option(
        name: .customLong("lock-retries"),
        help: ArgumentHelp("With --lock-timeout: retry a migration that timed out on a lock up to N times.", valueName: "n"))
    var lockRetries = 0

    @Flag(name: .customLong("dry-run"), help: "Print the plan and change nothing.")
    var dryRun = false

    var invocation: UpInvocation {
        UpInvocation(
            db: db.settings, vars: vars.vars, shown: vars.shown, to: to, allowOutOfOrder: allowOutOfOrder, lockRetries: lockRetries,
            dryRun: dryRun)
    }

    func validate() throws {
        try invocation.validateOwn()
    }

    func run() throws {
        try invocation.run()
    }
}

/// `up`'s values, whoever parsed them (ArgumentParser or `QuickStart`).
struct UpInvocation: Equatable {
    var db: DatabaseSettings
    var vars: [String] = []
    var shown: [String] = []
    var to: MigrationVersion? = nil
    var allowOutOfOrder = false
    var lockRetries = 0
    var dryRun = false

    /// As ArgumentParser validates `up`: its database options first.
    func validate() throws {
        try db.validate()
        try validateOwn()
    }

    func validateOwn() throws {
        guard lockRetries != 0 else { return }
        if !(0...1000).contains(lockRetries) { throw ValidationError("--lock-retries must be between 0 and 1000") }
        if (db.lockTimeout.flatMap(DatabaseOptions.milliseconds) ?? 0) == 0 {
            throw ValidationError(
                "--lock-retries needs --lock-timeout: without one a migration waits for a lock instead of timing out, so there is nothing to retry"
            )
        }
    }

    func run() throws {
        try migrator.run {
            try db.migrator {
                $0.lockRetries = lockRetries
                $0.placeholders = try PlaceholderOptions.placeholders(vars: vars, shown: shown)
            }.up(to: to, allowOutOfOrder: allowOutOfOrder, dryRun: dryRun)
        }
    }
}

struct Down: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Roll back applied migrations, newest first.",
        usage: "migrator down [database options] [--var NAME=VALUE ...] [--steps N | --to VERSION | --all] [--dry-run]",
        discussion: """
            Each down section and the removal of its history row form one transaction. An
            empty or comment-only down (a 0-byte .down.sql, one holding only `-- no-op`,
            an empty `-- migrate:down` section) runs nothing: its history row is removed,
            as golang-migrate and dbmate do. If a needed down is missing (no .down.sql, no
            `-- migrate:down` section), nothing is rolled back. Placeholders in down
            sections are substituted as for `up` (see `migrator up --help`).
            """)

    @OptionGroup var db: DatabaseOptions

    @OptionGroup var vars: PlaceholderOptions

    @Option(parsing: .unconditional, help: "Roll back this many migrations (default 1).")
    var steps: Int?

    @Option(help: "Roll back every migration newer than this version (0 without a version-0 migration: all of them).")
    var to: MigrationVersion?

    @Flag(help: "Roll back every applied migration.")
    var all = false

    @Flag(name: .customLong("dry-run"), help: "Print the plan and change nothing.")
    var dryRun = false

    func validate() throws {
        if [steps != nil, to != nil, all].filter({ $0 }).count > 1 {
            throw ValidationError("give only one of --steps, --to and --all")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
    }

    func run() throws {
        let target: Migrator.DownTarget = all ? .all : to.map { .to($0) } ?? .steps(steps ?? 1)
        try migrator.run { try db.migrator { $0.placeholders = try vars.placeholders() }.down(target, dryRun: dryRun) }
    }
}

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

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check files against the history; exit 3 on any drift.",
        usage: "migrator validate [database options]",
        discussion:
            "Drift is an applied migration whose file changed or is missing, a migration left running, or a pending migration older than the newest applied one."
    )

    @OptionGroup var db: DatabaseOptions

    func run() throws {
        try migrator.run { try db.migrator().validate() }
    }
}

struct Baseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record every migration up to a version as applied, without running it.",
        usage: "migrator baseline [database options] --version VERSION",
        discussion: "For databases that existed before the migrator: their schema already holds what those migrations create.")

    @OptionGroup var db: DatabaseOptions

    @Option(help: "The last version that the database already contains.")
    var version: MigrationVersion

    func run() throws {
        try migrator.run { try db.migrator().baseline(version: version) }
    }
}

struct Repair: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Resolve a migration left running, or accept an edited migration's checksum.",
        usage: "migrator repair [database options] --version VERSION (--mark applied|pending | --accept-checksum)",
        discussion: """
            A migration run outside a transaction that was interrupted stays `running`,
            and `up` refuses to continue. Check which of its statements took effect:
              all of them:   migrator repair --version V --mark applied
              none (or you undid them; it runs again next time):
                             migrator repair --version V --mark pending
            An applied migration whose file was edited on purpose:
                             migrator repair --version V --accept-checksum
            repair never runs migration SQL.
            """)

    @OptionGroup var db: DatabaseOptions

    @Option(help: "The migration's version.")
    var version: MigrationVersion

    @Option(help: "applied or pending: how to record a migration left running.")
    var mark: Mark?

    @Flag(name: .customLong("accept-checksum"), help: "Record the edited file's checksum for an applied migration.")
    var acceptChecksum = false

    enum Mark: String, ExpressibleByArgument, CaseIterable { case applied, pending }

    func validate() throws {
        if (mark == nil) == !acceptChecksum {
            throw ValidationError("give exactly one of --mark applied|pending and --accept-checksum")
        }
    }

    func run() throws {
        let action: Migrator.RepairAction = acceptChecksum ? .acceptChecksum : (mark == .applied ? .markApplied : .markPending)
        try migrator.run { try db.migrator().repair(version: version, action: action) }
    }
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Create the next migration file (or files), in the layout of the files already in the directory.",
        discussion: """
            Follows the files already in the directory:
              golang-migrate, dbmate or none: VERSION_NAME.sql (-- migrate:up and
                -- migrate:down), or .up.sql and .down.sql with --layout split
              goose: VERSION_NAME.sql with -- +goose Up and -- +goose Down
              Prisma: VERSION_NAME/migration.sql
              Flyway: V<N>__NAME.sql (and U<N>__NAME.sql with --layout split),
                N the next whole number after the newest version
            VERSION is the current UTC time (YYYYMMDDHHMMSS), or one more than the
            newest version when that is later. `up` refuses the new file until its
            SQL is written.
            """)

    @Argument(help: "What the migration does, e.g. add_orders_table.")
    var name: String

    @Option(
        name: .customLong("dir"),
        help: ArgumentHelp("Migrations directory (default: MIGRATIONS_DIR, then ./migrations).", valueName: "path"))
    var directory: String?

    @Option(help: "single (one file with -- migrate:up/down sections) or split (.up.sql and .down.sql).")
    var layout: MigrationTemplate.Layout = .single

    func run() throws {
        try migrator.run {
            let dir = directory ?? ProcessEnvironment.current["MIGRATIONS_DIR"] ?? "migrations"
            for path in try MigrationTemplate.create(name: name, directory: dir, layout: layout) {
                Output.result(path)
            }
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}

extension MigrationTemplate.Layout: ExpressibleByArgument {}
