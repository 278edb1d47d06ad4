import ArgumentParser
import Migrations

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
