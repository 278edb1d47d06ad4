@testable import Migrations
import Postgres
import XCTest

@testable import migrator

/// The migrator's words for the library's values, and their exit codes: `FailureText` is the one place
/// that names the migrator's commands and flags, so its sentences are checked here, a case at a time.
final class FailureTextTests: XCTestCase {
    func testRefusalsDriftAndUsageErrors() {
        let cases: [(name: String, error: MigratorError, status: Int32, lines: [String])] = [
            (
                "left running",
                .refused([.leftRunning(version: 2, label: "0002_idx", files: ["m/0002_idx.up.sql", "m/0002_idx.down.sql"])]), 3,
                [
                    "validation failed:",
                    "  - migration 0002_idx was left running: a migrator stopped while applying or rolling it back outside a transaction. "
                        + "Check which statements of m/0002_idx.up.sql or m/0002_idx.down.sql took effect. "
                        + "If the migration is in effect, run `migrator repair --version 2 --mark applied`; "
                        + "if it is not (never applied, or wholly rolled back), run `migrator repair --version 2 --mark pending`",
                ]
            ),
            (
                "left running, no file", .refused([.leftRunning(version: 2, label: "2_idx", files: [])]), 3,
                [
                    "validation failed:",
                    "  - migration 2_idx was left running: a migrator stopped while applying or rolling it back outside a transaction. "
                        + "Check which statements of it took effect. "
                        + "If the migration is in effect, run `migrator repair --version 2 --mark applied`; "
                        + "if it is not (never applied, or wholly rolled back), run `migrator repair --version 2 --mark pending`",
                ]
            ),
            (
                "changed and out of order, each a line",
                .refused([
                    .checksumChanged(version: 1, label: "0001_a"), .outOfOrder(label: "0003_c"),
                    .beingApplied(label: "0004_d", by: "pid 7"),
                ]),
                3,
                [
                    "validation failed:",
                    "  - migration 0001_a was changed after it was applied. Restore the file, or if the change is intended run "
                        + "`migrator repair --version 1 --accept-checksum`",
                    "  - migration 0003_c is older than the newest applied one; apply it with --allow-out-of-order if that is intended",
                    "  - migration 0004_d is being applied or rolled back now by pid 7; wait for it to finish",
                ]
            ),
            (
                "drift",
                .drift([.checksumChanged(label: "1_a"), .fileMissing(label: "2_b"), .leftRunning(label: "3_c"), .outOfOrder(label: "4_d")]),
                3,
                [
                    "validation failed:", "  - 1_a: the file changed after it was applied", "  - 2_b: applied, but its file is missing",
                    "  - 3_c: left running outside a transaction; see `migrator repair`",
                    "  - 4_d: pending, but older than the newest applied migration",
                ]
            ),
            (
                "an unknown --to", .unknownVersion(5, nearest: [3, 4, 6], option: .target), 64,
                ["--to 5: no migration has this version; the nearest are 3, 4, 6; nothing was changed"]
            ),
            (
                "an unknown --version, no migrations", .unknownVersion(5, nearest: [], option: .migration), 64,
                ["--version 5: no migration has this version (there are no migrations); nothing was changed"]
            ),
            (
                "not adopted",
                .notAdopted(
                    found: "dbmate's public.schema_migrations, with 2 applied versions", tool: .dbmate, history: "public.migrator_history"),
                3,
                [
                    "validation failed:",
                    "  - found dbmate's public.schema_migrations, with 2 applied versions, and no migrator history (public.migrator_history); "
                        + "the migrator will not guess which migrations already ran. Adopt that history first: `migrator adopt dbmate` "
                        + "(`--dry-run` shows what it would record; see `migrator adopt --help`)",
                ]
            ),
            (
                "repair of a migration not left running", .repairRefused(.notLeftRunning(3)), 64,
                ["migration 3 is not left running; `repair --mark` only resolves a migration left running (see `migrator status`)"]
            ),
            (
                "adopting another tool's table",
                .adoptionRefused(.otherTool(table: "public.schema_migrations", found: .dbmate, asked: .golangMigrate)), 64,
                ["public.schema_migrations was written by dbmate, not golang-migrate: run `migrator adopt dbmate`; nothing was changed"]
            ),
            (
                "no table to adopt", .adoptionRefused(.noTable("app.versions")), 64,
                ["there is no table app.versions to adopt (name another with --migrations-table); nothing was changed"]
            ),
            (
                "not a history table", .adoptionRefused(.notAHistoryTable(table: "public.schema_migrations", columns: "id integer")), 64,
                [
                    "public.schema_migrations (id integer) is not a history table of golang-migrate (version bigint, dirty boolean) "
                        + "or dbmate (version varchar), nor goose's goose_db_version, Prisma's _prisma_migrations or Flyway's flyway_schema_history; nothing was changed"
                ]
            ),
            (
                "no current schema", .noCurrentSchema, 64,
                ["the connection has no current schema (search_path names no existing schema); set --schema"]
            ),
            ("bad URL", .badDatabaseURL("missing \"=\""), 64, ["bad --database-url: missing \"=\""]),
            (
                "no down", .noDownMigration(["0002_b", "7_c (its file is missing)"]), 64,
                [
                    "cannot roll back: no down migration for 0002_b, 7_c (its file is missing); nothing was rolled back "
                        + "(a down that should do nothing is an empty down file or -- migrate:down section)"
                ]
            ),
            ("lock", .lockTimeout("gave up"), 4, ["gave up"]),
            (
                "connect", .connect(PostgresError(kind: .connection, message: "refused"), attempts: 3, seconds: 9.6), 5,
                ["could not connect to the database after 3 attempts in 10 s: refused"]
            ),
            (
                "libpq's lines",
                .connect(
                    PostgresError(
                        kind: .connection,
                        message: "connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n"
                            + "\tIs the server running on that host and accepting TCP/IP connections?\n"
                            + "connection to server at \"127.0.0.1\", port 1 failed: Connection refused"),
                    attempts: 1, seconds: 0), 5,
                [
                    "could not connect to the database: connection to server at \"127.0.0.1\", port 1 failed: Connection refused",
                    "Is the server running on that host and accepting TCP/IP connections?",
                ]
            ),
        ]
        for c in cases {
            XCTAssertEqual(FailureText.message(c.error), c.lines, c.name)
            XCTAssertEqual(FailureText.status(c.error), c.status, c.name)
        }
    }

    func testAdoptionProblems() {
        let table = "public.schema_migrations"
        let cases: [(name: String, problems: [AdoptionProblem], message: String)] = [
            (
                "dirty", [.dirty(table: table, version: 2, file: "migrations/2_m2.up.sql", earlier: 1)],
                "`migrate force 2` if it is now fully applied, `migrate force 1` if it is undone"
            ),
            (
                "dirty before the first version", [.dirty(table: table, version: 1, file: nil, earlier: -1)],
                "`migrate force -1` if it is undone"
            ),
            ("dirty with no version", [.dirty(table: table, version: -1, file: nil, earlier: -1)], "dirty at version -1"),
            (
                "golang-migrate version without a file", [.unknownLatest(table: table, version: 4)],
                "says version 4 is applied, but no migration file has that version"
            ),
            (
                "dbmate versions without files", [.noFiles(table: table, versions: [4, 7])],
                "lists versions 4, 7 as applied, but no migration file has them"
            ),
            (
                "dbmate version that is not a number", [.notAVersion(table: table, text: "2026-01-01")],
                "lists version '2026-01-01', which is not a version number (digits, 0 or more)"
            ),
            (
                "Flyway versions without files", [.noFiles(table: table, versions: [MigrationVersion(parsing: "2.0.1")!, 10])],
                "lists versions 2.0.1, 10 as applied, but no migration file has them"
            ),
            (
                "a failed Flyway migration", [.failed(table: table, scripts: ["1.1 (V1.1__index.sql)"])],
                "records 1.1 (V1.1__index.sql) as failed (success = false), and Flyway itself refuses to migrate until that is repaired"
            ),
            (
                "a file edited since Flyway applied it",
                [.editedSinceFlyway(table: table, file: "db/V1__init.sql", checksum: "-873187034", recorded: "1234")],
                "db/V1__init.sql was edited after Flyway applied it: its Flyway checksum is -873187034, public.schema_migrations records 1234"
            ),
        ]
        for c in cases {
            let lines = FailureText.message(.adoptionProblems(c.problems))
            XCTAssertEqual(lines.first, "validation failed:", c.name)
            XCTAssertTrue(lines.joined(separator: "\n").contains(c.message), "\(c.name): \(lines)")
            XCTAssertEqual(FailureText.status(.adoptionProblems(c.problems)), 3, c.name)
        }
        XCTAssertEqual(FailureText.message(.adoptionProblems([.noFiles(table: table, versions: [4])])).last, "  - nothing was recorded")
    }

    func testMigrationFailuresSayWhatTookEffectAndWhatToRun() {
        func failure(_ aftermath: MigrationFailure.Aftermath?, _ attempts: MigrationFailure.LockAttempts? = nil) -> [String] {
            FailureText.message(
                .migrationFailed(
                    MigrationFailure(
                        migration: "0007_idx", version: 7, file: "m/0007_idx.up.sql", line: 3, column: 1,
                        error: PostgresError(kind: .query, sqlState: "55P03", message: "lock timeout"), aftermath: aftermath,
                        lockAttempts: attempts)))
        }
        let head = ["migration 0007_idx failed at m/0007_idx.up.sql:3:1", "  ERROR 55P03: lock timeout"]
        let partial = MigrationFailure.StatementsRun(firstUncommittedLine: 4, rolledBackOpenTransaction: true)
        let cases: [(name: String, aftermath: MigrationFailure.Aftermath?, attempts: MigrationFailure.LockAttempts?, advice: String?)] = [
            ("in a transaction", nil, nil, nil),
            (
                "up undone, retries used up", .upUndone, .init(tried: 2, retries: 1, partTookEffect: false),
                "  Nothing of it took effect and the history is unchanged.\n  Tried 2 times (--lock-retries 1)."
            ),
            ("retries used up", nil, .init(tried: 3, retries: 2, partTookEffect: false), "  Tried 3 times (--lock-retries 2)."),
            (
                "part took effect", nil, .init(tried: 1, retries: 3, partTookEffect: true),
                "  Tried 1 time (--lock-retries 3); not retried, because part of it took effect."
            ),
            (
                "up partly", .upPartial(partial, invalidIndex: "CREATE INDEX CONCURRENTLY"), nil,
                "  It ran outside a transaction: statements before line 4 took effect. The transaction it had open was rolled back."
                    + " It stays recorded as running. A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind"
                    + " (SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid); drop it with DROP INDEX CONCURRENTLY."
                    + " Fix the database, then run `migrator repair --version 7 --mark applied` or `--mark pending`."
            ),
            (
                "up partly, no line", .upPartial(.init(firstUncommittedLine: nil, rolledBackOpenTransaction: true), invalidIndex: nil), nil,
                "  It ran outside a transaction. It stays recorded as running."
                    + " Fix the database, then run `migrator repair --version 7 --mark applied` or `--mark pending`."
            ),
            (
                "up left a transaction open", .upLeftTransactionOpen, nil,
                "  The open transaction was rolled back; statements before its BEGIN took effect. It stays recorded as running. "
                    + "Add the COMMIT, undo what took effect, then run `migrator repair --version 7 --mark pending`."
            ),
            ("down undone", .downUndone, nil, "  Nothing of the down migration took effect; the history still lists 0007_idx as applied."),
            (
                "down partly", .downPartial(.init(firstUncommittedLine: 9, rolledBackOpenTransaction: false)), nil,
                "  The down migration ran outside a transaction: statements before line 9 took effect. 0007_idx is recorded as running. "
                    + "Finish or undo the rollback by hand, then run "
                    + "`migrator repair --version 7 --mark pending` (rolled back) or `--mark applied` (in effect)."
            ),
            (
                "down left a transaction open", .downLeftTransactionOpen, nil,
                "  The open transaction was rolled back; statements before its BEGIN took effect. 0007_idx is recorded as running. "
                    + "Add the COMMIT, finish or undo the rollback by hand, then run "
                    + "`migrator repair --version 7 --mark pending` (rolled back) or `--mark applied` (in effect)."
            ),
        ]
        for c in cases {
            XCTAssertEqual(failure(c.aftermath, c.attempts), head + (c.advice.map { [$0] } ?? []), c.name)
        }
    }

    func testMissingPlaceholderValuesAndAMissingDirectory() {
        let error = MigrationFileError(
            problems: [.init(file: "dir/0002_a.sql:5", reason: "${owner} has no value", hint: .setPlaceholder("owner"))],
            what: "placeholders")
        XCTAssertEqual(
            FailureText.message(.files(error)),
            [
                "1 problem with placeholders; nothing was applied:",
                "  dir/0002_a.sql:5: ${owner} has no value; set --var owner=VALUE or MIGRATOR_VAR_OWNER",
            ])
        let missing = MigrationFileError(problems: [.init(file: "/migrations", reason: "no such directory", hint: .setDirectory)])
        XCTAssertEqual(
            FailureText.message(.files(missing)),
            ["1 problem with the migration files; nothing was applied:", "  /migrations: no such directory (set --dir or MIGRATIONS_DIR)"])
        XCTAssertEqual(FailureText.status(.files(missing)), 64)
    }

    func testProgressThatNamesACommandOrAFlag() {
        XCTAssertEqual(FailureText.progress(.note("applied 1_a (3 ms)")), "applied 1_a (3 ms)")
        XCTAssertEqual(
            FailureText.progress(.repeatablesNotRun(target: 20)),
            "repeatable migrations are not run with --to 20, which stops short of the newest migration")
        XCTAssertEqual(
            FailureText.progress(.adoptionCounted(recorded: 1, left: 2, dryRun: true)), "would record 1 migration; 2 left for `migrator up`"
        )
        XCTAssertEqual(
            FailureText.progress(.adopted(legacy: "public.schema_migrations", table: "schema_migrations", recorded: 3, left: 0)),
            "adopted public.schema_migrations: recorded 3 migrations; 0 left for `migrator up`; schema_migrations was left as it is")
    }
}

/// `--var` and `MIGRATOR_VAR_*` as the executable parses them.
final class PlaceholderOptionsTests: XCTestCase {
    func testParsingFlagsAndEnvironment() throws {
        let p = try PlaceholderOptions.parse(
            flags: ["env=prod", "empty=", "url=a=b"],
            environment: ["MIGRATOR_VAR_ENV": "dev", "MIGRATOR_VAR_APP_ROLE": "app", "OTHER": "x"])
        XCTAssertEqual(p.values, ["env": "prod", "empty": "", "url": "a=b", "app_role": "app"], "a flag wins over the environment")
        let bad: [(String, [String], [String: String], String)] = [
            ("no =", ["env"], [:], "--var 'env': expected NAME=VALUE"),
            ("bad name", ["9x=1"], [:], "--var: '9x' is not a placeholder name"),
            ("twice", ["env=a", "ENV=b"], [:], "--var ENV is given twice"),
            ("two lines", ["db_password=hunter2\nx"], [:], "--var db_password: the value spans several lines"),
            ("empty env name", [], ["MIGRATOR_VAR_": "x"], "MIGRATOR_VAR_: no placeholder name"),
        ]
        for (name, flags, env, message) in bad {
            XCTAssertThrowsError(try PlaceholderOptions.parse(flags: flags, environment: env), name) { error in
                XCTAssertTrue("\(error)".hasPrefix(message), "\(name): \(error)")
                XCTAssertFalse("\(error)".contains("hunter2"), name)
            }
        }
    }

    func testShowingASecretOnPurpose() throws {
        let p = try PlaceholderOptions.parse(
            flags: ["cache_key_prefix=orders-cache", "api_key=k-123456"], environment: ["MIGRATOR_VAR_ENV": "prod"],
            shown: ["CACHE_KEY_PREFIX"])
        XCTAssertEqual(p.summary, "api_key=***, cache_key_prefix=orders-cache, env=prod")
        XCTAssertThrowsError(try PlaceholderOptions.parse(flags: ["env=prod"], environment: [:], shown: ["api_key"])) { error in
            XCTAssertTrue("\(error)".hasPrefix("--var-show api_key: no placeholder of that name has a value"), "\(error)")
        }
    }
}
