import ArgumentParser
import BuildVersion
import FoundationEssentials
import Migrations
import System

@main
struct MigratorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrator",
        abstract: "Apply versioned SQL migrations to PostgreSQL, exactly once.",
        discussion: """
            MIGRATION FILES
            In --dir (or MIGRATIONS_DIR, default ./migrations), one tool's layout (the
            first two mix freely):
              VERSION_NAME.up.sql, and optionally VERSION_NAME.down.sql (golang-migrate)
                a first line `-- migrator:no-transaction` runs it outside a transaction
              VERSION_NAME.sql with `-- migrate:up` and `-- migrate:down` sections (dbmate)
                `-- migrate:up transaction:false` runs the up section outside one
              VERSION_NAME.sql with `-- +goose Up` and `-- +goose Down` sections (goose)
                StatementBegin/End, NO TRANSACTION, ENVSUB ON/OFF (from --var values)
              TIMESTAMP_NAME/migration.sql folders, migration_lock.toml (Prisma; no downs)
              V<version>__NAME.sql, and optionally U<version>__NAME.sql (Flyway; undo)
                versions 1, 1.1, 2.0.1 (1_1 is 1.1) in Flyway's order; ${name} always
                substituted from --var values
            VERSION is a number, 0 or more: a sequence number or a timestamp. An empty
            or comment-only down is a rollback that runs nothing.
            Beside them only README*, *.md, *.go, hidden files and folders without .sql
            files may sit; anything else, and a directory without a migration, is an
            error (64) that says what it looks like: Atlas, goose's Go migrations and
            Flyway's callbacks and Java migrations are recognised, not run.
            R__NAME.sql is a repeatable migration (views, functions, grants): `up`
            runs it after the versioned ones, in name order, whenever the file changed
            since its last run, in its own transaction; `down` leaves it alone.
            Outside a transaction (for CREATE INDEX CONCURRENTLY), statements run one
            by one; a failure leaves the migration marked running for `repair`.

            DATABASE
            --database-url, else DATABASE_URL, else the PG* variables (PGHOST, PGUSER,
            PGPASSWORD, PGSSLMODE, ...). Any libpq connection string or URL works.
            Passwords are never printed.

            RDS IAM AUTHENTICATION
            --rds-iam (or MIGRATOR_RDS_IAM=true) sends a 15-minute RDS IAM token as
            the password, a new one for every connection attempt, signed for the
            host, port and user libpq uses. Credentials and region resolve like the
            AWS CLI (in an ECS task: the task role, AWS_REGION). sslmode must be
            require, verify-ca or verify-full; anything else is refused. The role
            needs rds-db:connect, the user GRANT rds_iam. Use it for RDS or Aurora
            with IAM authentication on; use a password anywhere else.

            Several migrators started together are safe: they take turns under an
            advisory lock, and each migration runs once, in its own transaction
            together with its history row.

            EXIT CODES
              0   success
              1   a migration failed (rolled back; the history is unchanged, but one
                  outside a transaction stays running if part of it took effect)
              3   validation failed (changed or missing files, a migration left
                  running, out-of-order migrations, another tool's history
                  not adopted yet: see `migrator adopt --help`)
              4   another migrator held the lock longer than --lock-wait
              5   could not connect within --wait
              64  usage error, bad migration files or none at all (nothing was
                  applied)

            EXAMPLES
              migrator --version
              migrator up --database-url postgres://app@db.internal/app --wait 2m
              PGSSLMODE=verify-full migrator up --rds-iam \\
                --database-url postgres://migrator@orders.c1.rds.amazonaws.com/orders
              migrator status --output json
              migrator down --to 20261101000000
              migrator new add_orders_table
              migrator adopt dbmate --dry-run
            """,
        subcommands: [Up.self, Down.self, Status.self, Validate.self, Baseline.self, Repair.self, Adopt.self, New.self]
    )

    // `migrator --version`, by hand: with CommandConfiguration.version, ArgumentParser would list a second
    // `--version` ("Show the version.") in the help of `baseline` and `repair`, whose own `--version
    // VERSION` names a migration; and a flag of this command would be parsed after theirs too.
    static func main() {
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print(version)
            ProcessEnd.now(0)
        }
        // `up` and `status` with their own options only are read without ArgumentParser (see QuickStart).
        if let command = QuickStart.command(Array(CommandLine.arguments.dropFirst())) {
            ProcessEnd.now(runToEnd { try command.run() })
        }
        ProcessEnd.now(
            runToEnd {
                var command = try parseAsRoot()
                try command.run()
            })
    }

    /// ArgumentParser's `main`, returning the exit status instead of calling `exit()`: bad files can end the
    /// command while its session is still logging in on another thread (see `ProcessEnd`).
    private static func runToEnd(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return 0
        } catch {
            let status = exitCode(for: error)
            let text = fullMessage(for: error)
            // As ArgumentParser prints it: help on stdout, everything else on stderr.
            if !text.isEmpty {
                if status.isSuccess { print(text) } else { OutputDescriptor.write(2, text + "\n") }
            }
            return status.rawValue
        }
    }

    static let version = BuildVersion.text

    /// `migrator` alone ran nothing, so it must not exit 0: a task whose command lost its arguments (an empty
    /// variable in a container override) would otherwise pass for a successful migration.
    func run() throws {
        throw ValidationError("name a command: up, down, status, validate, baseline, repair, adopt or new")
    }
}

/// Runs a command body, turning the library's errors into the documented exit codes.
func run(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as MigratorError {
        Output.error(FailureText.message(error))
        throw ExitCode(FailureText.status(error))
    }
}
