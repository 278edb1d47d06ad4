import Foundation
import TestSupport
import XCTest

/// `status --pending --output json` and the CI step built on it, scripts/lint-pending-migrations,
/// running the pinned squawk on exactly the up sections that `up` would apply.
final class MigratorLintTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws {
        f = try MigratorFixture()
        try f.write("1_accounts.up.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n")
        // Applied already, so no longer linted, though squawk would want CONCURRENTLY.
        try f.write("2_index_email.up.sql", "CREATE INDEX accounts_email ON accounts (email);\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        // A table that is being written to needs its new NOT NULL column in steps (expand/contract);
        // the down section drops a column, which squawk flags but `up` never runs.
        try f.write(
            "3_account_status.sql",
            """
            -- Which accounts may sign in.
            -- migrate:up
            ALTER TABLE accounts ADD COLUMN status text NOT NULL;

            -- migrate:down
            ALTER TABLE accounts DROP COLUMN status;
            """)
        try f.write("4_account_note.up.sql", "-- migrator:no-transaction\nALTER TABLE accounts ADD COLUMN IF NOT EXISTS note text;\n")
    }

    override func tearDown() { f?.tearDown() }

    func testStatusPendingListsTheUpSectionsFilesAndLines() throws {
        let json = try f.migrator(["status", "--pending", "--output", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let entries =
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])["migrations"]
            as! [[String: Any]]
        XCTAssertEqual(entries.map { $0["version"] as! Int }, [3, 4])
        XCTAssertEqual(entries.map { $0["state"] as! String }, ["pending", "pending"])
        let ups = entries.map { $0["up"] as! [String: Any] }
        XCTAssertEqual(ups[0]["file"] as? String, f.directory + "/3_account_status.sql")
        XCTAssertEqual(ups.map { $0["firstLine"] as! Int }, [3, 1])
        XCTAssertEqual(ups.map { $0["lastLine"] as! Int }, [3, 2], "a section's trailing blank line is not part of it")
        XCTAssertEqual(ups.map { $0["transactional"] as! Bool }, [true, false])

        let all =
            try JSONSerialization.jsonObject(with: Data(try f.migrator(["status", "--output", "json"]).stdout.utf8)) as! [String: Any]
        XCTAssertEqual((all["migrations"] as! [[String: Any]]).map { $0["version"] as! Int }, [1, 2, 3, 4])

        let text = try f.migrator(["status", "--pending"])
        XCTAssertEqual(text.stdout.split(separator: "\n").count, 3, text.stdout)
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        XCTAssertEqual(try f.migrator(["status", "--pending"]).stdout, "no pending migrations\n")
        XCTAssertEqual(try f.migrator(["status", "--pending", "--output", "json"]).stdout, "{\"migrations\":[]}\n")
    }

    func testTheCIStepLintsOnlyThePendingUpSections() throws {
        try "excluded_rules = [\"require-lock-timeout\", \"require-statement-timeout\"]\n"
            .write(toFile: f.directory + "/.squawk.toml", atomically: true, encoding: .utf8)
        let r = try lint()
        XCTAssertEqual(r.status, 1, r.output)
        let output = plain(r.output)
        XCTAssertTrue(output.contains("adding-required-field"), output)
        XCTAssertTrue(output.contains("3_account_status.sql:3:"), "the file's own line numbers: \(output)")
        XCTAssertFalse(output.contains("ban-drop-column"), "the down section is not linted: \(output)")
        XCTAssertFalse(output.contains("require-concurrent-index-creation"), "applied migrations are not linted: \(output)")
        XCTAssertFalse(output.contains("require-lock-timeout"), "the .squawk.toml beside the files is used: \(output)")
        XCTAssertTrue(output.contains("linted the up sections of 2 pending migrations; problems in 3_account_status"), output)

        // The expand step done right: nullable first, NOT NULL in a later migration once every row has a value.
        try f.write(
            "3_account_status.sql",
            "-- migrate:up\nALTER TABLE accounts ADD COLUMN status text;\n-- migrate:down\nALTER TABLE accounts DROP COLUMN status;\n")
        let fixed = try lint()
        XCTAssertEqual(fixed.status, 0, plain(fixed.output))
        XCTAssertTrue(fixed.stderr.contains("; no problems"), fixed.stderr)

        // A pending repeatable migration is linted whole, as in a transaction.
        try f.write("R__account_emails.sql", "CREATE INDEX IF NOT EXISTS accounts_email ON accounts (email);\n")
        let repeatable = try lint()
        XCTAssertEqual(repeatable.status, 1, plain(repeatable.output))
        XCTAssertTrue(plain(repeatable.output).contains("require-concurrent-index-creation"), plain(repeatable.output))
        XCTAssertTrue(
            repeatable.stderr.contains("linted the up sections of 3 pending migrations; problems in R__account_emails"), repeatable.stderr)
        try f.remove("R__account_emails.sql")

        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        let none = try lint()
        XCTAssertEqual(none.status, 0, none.output)
        XCTAssertTrue(none.stderr.contains("nothing pending to lint"), none.stderr)
    }

    /// golang-migrate files as their authors wrote them: `transactional` says what `up` will do with each, and
    /// a file's own BEGIN … COMMIT is not linted as a transaction nested in the migrator's.
    func testGolangMigrateFilesAreReportedAndLintedAsUpRunsThem() throws {
        try f.remove("3_account_status.sql")
        try f.remove("4_account_note.up.sql")
        try f.write("0003_notes.up.sql", "BEGIN;\nALTER TABLE accounts ADD COLUMN note text;\nCOMMIT;\n")
        try f.write("0004_email_lower.up.sql", "CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_email_lower ON accounts (lower(email));\n")
        try f.write(
            "0005_two_steps.up.sql",
            "BEGIN;\nALTER TABLE accounts ADD COLUMN a text;\nCOMMIT;\nBEGIN;\nALTER TABLE accounts ADD COLUMN b text;\nCOMMIT;\n")
        let json = try f.migrator(["status", "--pending", "--output", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertTrue(json.stdout.contains("\"file\":\"\(f.directory)/0003_notes.up.sql\""), "paths are not escaped: \(json.stdout)")
        let ups =
            (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any])["migrations"] as! [[String: Any]]
        XCTAssertEqual(ups.map { ($0["up"] as! [String: Any])["transactional"] as! Bool }, [true, false, false])
        XCTAssertEqual(ups.map { ($0["up"] as! [String: Any])["wrapped"] as! Bool }, [true, false, false])

        try "excluded_rules = [\"require-lock-timeout\", \"require-statement-timeout\"]\n"
            .write(toFile: f.directory + "/.squawk.toml", atomically: true, encoding: .utf8)
        let r = try lint()
        XCTAssertFalse(plain(r.output).contains("transaction-nesting"), plain(r.output))
        XCTAssertFalse(plain(r.output).contains("ban-concurrent-index-creation-in-transaction"), plain(r.output))
        XCTAssertEqual(r.status, 0, plain(r.output))
    }

    func testTheCIStepStopsWhenThePendingMigrationsCannotBeListed() throws {
        let r = try lint(["--table", ""])
        XCTAssertEqual(r.status, 2, r.output)
        XCTAssertTrue(r.stderr.contains("--table must not be empty"), r.stderr)
    }

    private func lint(_ arguments: [String] = []) throws -> ProcessResult {
        try ProcessRunner.run(
            Paths.packageRoot + "/scripts/lint-pending-migrations", arguments,
            extraEnvironment: [
                "DATABASE_URL": f.url, "MIGRATIONS_DIR": f.directory,
                "MIGRATOR": Paths.executable("migrator"), "SQUAWK": Paths.packageRoot + "/.venv/bin/squawk",
            ],
            timeout: 120)
    }

    /// squawk colours its report even into a pipe.
    private func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m|\u{1B}\\]8;;[^\u{1B}]*\u{1B}\\\\", with: "", options: .regularExpression)
    }
}
