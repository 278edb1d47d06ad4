import Foundation
import TestSupport
import XCTest

/// golang-migrate's and dbmate's rules, checked against the real dbmate where it runs here: version 0 is
/// a version, an empty or comment-only down is a rollback that runs nothing, and a missing down refuses.
final class MigratorNoOpDownTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    /// A golang-migrate project that starts at 0 and ships the empty downs real ones do: an extension other
    /// schemas need, a backfill that cannot be undone.
    static let golangMigrateSet: [(String, String)] = [
        ("0_initial.up.sql", "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);\n"),
        ("0_initial.down.sql", "DROP TABLE accounts;\n"),
        ("1_pgcrypto.up.sql", "CREATE EXTENSION IF NOT EXISTS pgcrypto;\n"),
        ("1_pgcrypto.down.sql", ""),
        ("2_account_tokens.up.sql", "ALTER TABLE accounts ADD COLUMN token text NOT NULL DEFAULT encode(gen_random_bytes(16), 'hex');\n"),
        ("2_account_tokens.down.sql", "ALTER TABLE accounts DROP COLUMN token;\n"),
        ("3_backfill_lower_email.up.sql", "UPDATE accounts SET email = lower(email);\n"),
        ("3_backfill_lower_email.down.sql", "-- no-op\n"),
        ("4_audit.up.sql", "CREATE TABLE audit (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts (id));\n"),
        ("4_audit.down.sql", "DROP TABLE audit;\n"),
    ]

    func testAGolangMigrateSetFromVersionZeroRollsBackThroughItsEmptyDowns() throws {
        for (name, text) in Self.golangMigrateSet { try f.write(name, text) }
        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertTrue(up.stderr.contains("applied 0_initial ("), up.stderr)
        XCTAssertEqual(try f.historyVersions(), ["0", "1", "2", "3", "4"])

        let status = try f.migrator(["status"])
        XCTAssertEqual(status.status, 0, status.output)
        let rows = status.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        XCTAssertEqual(rows.first, ["VERSION", "NAME", "STATE", "DOWN", "APPLIED", "AT", "DURATION"])
        XCTAssertEqual(
            rows.dropFirst().map { [$0[0], $0[1], $0[2], $0[3]] },
            [
                ["0", "initial", "applied", "yes"], ["1", "pgcrypto", "applied", "empty"], ["2", "account_tokens", "applied", "yes"],
                ["3", "backfill_lower_email", "applied", "empty"], ["4", "audit", "applied", "yes"],
            ])
        let json = try f.migrator(["status", "--output", "json"])
        let entries = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["migrations"] as? [[String: Any]])
        let downs = entries.map { $0["down"] as? [String: Any] }
        XCTAssertEqual(downs.map { $0?["empty"] as? Bool }, [false, true, false, true, false])
        XCTAssertEqual(downs[1]?["file"] as? String, f.directory + "/1_pgcrypto.down.sql")
        XCTAssertEqual(entries.map { $0["version"] as? Int }, [0, 1, 2, 3, 4])

        let dry = try f.migrator(["down", "--to", "2", "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.output)
        XCTAssertTrue(dry.stderr.contains("would roll back 3_backfill_lower_email (its down is empty: nothing to run)"), dry.stderr)
        XCTAssertEqual(try f.historyVersions().count, 5)

        // --to 0 is version 0 here: everything above it is rolled back, 0 stays.
        let down = try f.migrator(["down", "--to", "0"])
        XCTAssertEqual(down.status, 0, down.output)
        XCTAssertTrue(down.stderr.contains("rolled back 4_audit ("), down.stderr)
        XCTAssertTrue(down.stderr.contains("rolled back 3_backfill_lower_email (its down is empty: nothing to run)"), down.stderr)
        XCTAssertTrue(down.stderr.contains("rolled back 1_pgcrypto (its down is empty: nothing to run)"), down.stderr)
        XCTAssertEqual(try f.historyVersions(), ["0"])
        XCTAssertEqual(
            try f.query("SELECT to_regclass('audit') IS NULL, (SELECT count(*) FROM pg_extension WHERE extname = 'pgcrypto')"), "t|1",
            "the empty down left the extension, as golang-migrate would")
        XCTAssertEqual(try f.migrator(["down"]).status, 0)
        XCTAssertEqual(try f.historyVersions(), [])
        XCTAssertEqual(try f.query("SELECT to_regclass('accounts') IS NULL"), "t")

        // Everything again: the extension's IF NOT EXISTS rides over what the empty down left.
        let again = try f.migrator(["up"])
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertEqual(try f.historyVersions(), ["0", "1", "2", "3", "4"])
    }

    func testAMissingDownStillRefusesAndSaysHowToWriteOneThatDoesNothing() throws {
        try f.write("0_initial.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("0_initial.down.sql", "")
        try f.write("1_b.up.sql", "CREATE TABLE b (id int);\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        XCTAssertTrue(try f.migrator(["status"]).stdout.contains("1        b        applied  none"))
        let r = try f.migrator(["down", "--all"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(
            r.stderr.contains(
                "cannot roll back: no down migration for 1_b; nothing was rolled back (a down that should do nothing is an empty down file or -- migrate:down section)"
            ), r.stderr)
        XCTAssertEqual(try f.historyVersions(), ["0", "1"])
    }

    func testTheHelpTeachesTheRules() throws {
        let root = try f.migrator(["--help"]).stdout
        XCTAssertTrue(root.contains("VERSION is a number, 0 or more"), root)
        XCTAssertTrue(root.contains("An empty\nor comment-only down is a rollback that runs nothing."), root)
        let down = try f.migrator(["down", "--help"]).stdout
        XCTAssertTrue(down.contains("empty `-- migrate:down` section) runs nothing: its history row is removed"), down)
        XCTAssertTrue(down.contains("(0\n                          without a version-0 migration: all of them)"), down)
        let status = try f.migrator(["status", "--help"]).stdout
        XCTAssertTrue(status.contains("DOWN says what `down` does with each migration: yes (runs its down SQL),"), status)
        XCTAssertTrue(status.contains("\"down\": its file, first\nand last line, and \"empty\" (true: rolling back runs nothing)"), status)
    }

    // MARK: - against the real dbmate

    /// The real dbmate, pinned in scripts/setup, on a database of its own.
    func dbmate(_ arguments: [String], url: String) throws -> ProcessResult {
        let path = Paths.packageRoot + "/.venv/bin/dbmate"
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: path), "dbmate is missing: run scripts/setup")
        return try ProcessRunner.run(
            path, ["--url", url + "?sslmode=disable", "--migrations-dir", f.directory, "--no-dump-schema"] + arguments, timeout: 60)
    }

    /// A dbmate project starting at 0, with an empty and a comment-only down section.
    static let dbmateSet: [(String, String)] = [
        (
            "0_create_tags.sql",
            "-- migrate:up\nCREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);\n\n-- migrate:down\nDROP TABLE tags;\n"
        ),
        ("1_citext.sql", "-- migrate:up\nCREATE EXTENSION IF NOT EXISTS citext;\n\n-- migrate:down\n"),
        (
            "2_tag_labels_citext.sql",
            "-- migrate:up\nALTER TABLE tags ALTER COLUMN label TYPE citext;\n\n-- migrate:down\nALTER TABLE tags ALTER COLUMN label TYPE text;\n"
        ),
        (
            "3_seed_tags.sql",
            "-- migrate:up\nINSERT INTO tags (label) VALUES ('urgent'), ('later');\n\n-- migrate:down\n-- the rows may be in use: keep them\n"
        ),
        (
            "4_tag_colour.sql",
            "-- migrate:up\nALTER TABLE tags ADD COLUMN colour text;\n\n-- migrate:down\nALTER TABLE tags DROP COLUMN colour;\n"
        ),
    ]

    /// What each tool leaves: the schema without either history table, and the tags' rows.
    func state(_ url: String) throws -> String {
        let dump = try ProcessRunner.run(
            "/usr/bin/pg_dump",
            ["--no-owner", "--exclude-table=migrator_history", "--exclude-table=schema_migrations", url], timeout: 60)
        XCTAssertEqual(dump.status, 0, dump.stderr)
        return dump.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("-- Dumped") && !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }
            .joined(separator: "\n")
    }

    func testVersionZeroAndEmptyDownsDoWhatDbmateDoesStepByStep() throws {
        for (name, text) in Self.dbmateSet { try f.write(name, text) }
        let reference = try SchemaDump.database(f.stack, named: f.database + "_dbmate")
        defer { reference.drop() }
        let dbmateUp = try dbmate(["up"], url: reference.url)
        XCTAssertEqual(dbmateUp.status, 0, dbmateUp.output)
        XCTAssertTrue(dbmateUp.stdout.contains("Applied: 0_create_tags.sql"), dbmateUp.output)
        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertEqual(try psql(reference.url, "SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations"), "0,1,2,3,4")
        XCTAssertEqual(try f.historyVersions(), ["0", "1", "2", "3", "4"])
        XCTAssertEqual(try state(f.url), try state(reference.url))

        // One step at a time, newest first; after each, both databases hold the same, and the same versions.
        for remaining in ["0,1,2,3", "0,1,2", "0,1", "0", ""] {
            let rollback = try dbmate(["rollback"], url: reference.url)
            XCTAssertEqual(rollback.status, 0, rollback.output)
            let down = try f.migrator(["down"])
            XCTAssertEqual(down.status, 0, down.output)
            XCTAssertEqual(
                try psql(reference.url, "SELECT coalesce(string_agg(version, ',' ORDER BY version), '') FROM schema_migrations"), remaining)
            XCTAssertEqual(try f.historyVersions().joined(separator: ","), remaining)
            XCTAssertEqual(try state(f.url), try state(reference.url), "after rolling back to [\(remaining)]")
        }
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_extension WHERE extname = 'citext'"), "1", "the empty down kept the extension")
    }

    /// The one rule kept apart from dbmate's (README): dbmate refuses a file without `-- migrate:down`
    /// before applying it; the migrator applies it, and refuses only to roll it back.
    func testAFileWithoutAMigrateDownLineIsWhereTheMigratorDiffersFromDbmate() throws {
        try f.write("0_create_tags.sql", Self.dbmateSet[0].1)
        try f.write("1_tag_index.sql", "-- migrate:up\nCREATE INDEX tags_label ON tags (label);\n")
        let reference = try SchemaDump.database(f.stack, named: f.database + "_dbmate")
        defer { reference.drop() }
        let dbmateUp = try dbmate(["up"], url: reference.url)
        XCTAssertNotEqual(dbmateUp.status, 0, dbmateUp.output)
        XCTAssertTrue(
            dbmateUp.stderr.contains("dbmate requires each migration to define a down block with '-- migrate:down'"), dbmateUp.stderr)

        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        let down = try f.migrator(["down"])
        XCTAssertEqual(down.status, 64, down.output)
        XCTAssertTrue(down.stderr.contains("no down migration for 1_tag_index"), down.stderr)
        XCTAssertEqual(try f.historyVersions(), ["0", "1"])
    }

    /// A database dbmate migrated from version 0 is adopted with its version 0.
    func testADbmateDatabaseWithVersionZeroIsAdopted() throws {
        for (name, text) in Self.dbmateSet.prefix(3) { try f.write(name, text) }
        XCTAssertEqual(try dbmate(["up"], url: f.url).status, 0)
        for (name, text) in Self.dbmateSet.dropFirst(3) { try f.write(name, text) }
        let adopt = try f.migrator(["adopt", "dbmate"])
        XCTAssertEqual(adopt.status, 0, adopt.output)
        XCTAssertEqual(try f.historyVersions(), ["0", "1", "2"])
        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertFalse(up.stderr.contains("applied 0_create_tags"), up.stderr)
        XCTAssertEqual(try f.historyVersions(), ["0", "1", "2", "3", "4"])
        XCTAssertEqual(try f.migrator(["down", "--all"]).status, 0)
        XCTAssertEqual(try f.query("SELECT to_regclass('tags') IS NULL"), "t")
    }
}
