import Foundation
import TestSupport
import XCTest

/// Migration sets written the way golang-migrate and dbmate projects write them apply unchanged, build
/// the schema that `psql -f` of the same files builds, and keep each file's guarantee.
final class MigratorDropInTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    /// A golang-migrate project: zero-padded versions, dotted names, files that wrap themselves in
    /// BEGIN/COMMIT, a down file named unlike its up file, a lone CREATE INDEX CONCURRENTLY, a file with two
    /// transaction blocks, and up files without downs.
    static let golangMigrateSet: [(String, String)] = [
        (
            "0001_initial.up.sql",
            """
            BEGIN;
            CREATE TABLE accounts (
                id bigserial PRIMARY KEY,
                email text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            COMMIT;
            """
        ),
        ("0001_initial.down.sql", "BEGIN;\nDROP TABLE accounts;\nCOMMIT;\n"),
        (
            "0002_1.7.0_schema.up.sql",
            """
            -- Schema of release 1.7.0. The word COMMIT in this comment is not a statement.
            BEGIN TRANSACTION;
            CREATE TABLE releases (tag text PRIMARY KEY, notes text DEFAULT 'BEGIN; COMMIT;');
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                NEW.created_at := now();
                RETURN NEW;
            END;
            $fn$;
            END;
            """
        ),
        ("0003_accounts_email_lower.up.sql", "CREATE INDEX CONCURRENTLY accounts_email_lower ON accounts (lower(email));\n"),
        ("0003_accounts_email_lower.down.sql", "DROP INDEX CONCURRENTLY IF EXISTS accounts_email_lower;\n"),
        ("0004_collection_pub_magic_metadata.up.sql", "ALTER TABLE accounts ADD COLUMN pub_magic_metadata jsonb;\n"),
        ("0004_collection_drop_pub_magic_metadata.down.sql", "ALTER TABLE accounts DROP COLUMN pub_magic_metadata;\n"),
        (
            "0005_backfill.and.flags.up.sql",
            """
            BEGIN;
            CREATE TABLE flags (name text PRIMARY KEY);
            COMMIT;
            BEGIN;
            INSERT INTO flags VALUES ('dark-mode'), ('beta');
            COMMIT;
            """
        ),
        (
            "0006_v2.0_audit.up.sql",
            """
            START TRANSACTION ISOLATION LEVEL SERIALIZABLE;
            CREATE TABLE audit (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts (id), at timestamptz);
            CREATE TRIGGER audit_touch BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION touch();
            COMMIT;
            """
        ),
        (
            "0007_audit_by_account.up.sql",
            "-- no transaction here: the index is built without blocking writes\nCREATE UNIQUE INDEX CONCURRENTLY audit_by_account ON audit (account_id, id);\n"
        ),
    ]

    func testAGolangMigrateSetAppliesUnchangedAndBuildsWhatPsqlBuilds() throws {
        for (name, text) in Self.golangMigrateSet { try f.write(name, text) }
        let first = try f.migrator(["up"])
        XCTAssertEqual(first.status, 0, first.output)
        for label in [
            "0001_initial", "0002_1.7.0_schema", "0003_accounts_email_lower", "0004_collection_pub_magic_metadata",
            "0005_backfill.and.flags", "0006_v2.0_audit", "0007_audit_by_account",
        ] {
            XCTAssertTrue(first.stderr.contains("applied \(label) ("), "named as on disk: \(label)\n\(first.stderr)")
        }
        XCTAssertTrue(
            first.stderr.contains(
                "0003_accounts_email_lower runs outside a transaction, statement by statement: CREATE INDEX CONCURRENTLY ("), first.stderr)
        XCTAssertTrue(
            first.stderr.contains(
                "0005_backfill.and.flags runs outside a transaction, statement by statement: it controls its own transactions ("),
            first.stderr)
        XCTAssertFalse(
            first.stderr.contains("0001_initial runs outside"), "a wrapped file runs in the migrator's transaction: \(first.stderr)")
        XCTAssertEqual(try f.historyVersions(), ["1", "2", "3", "4", "5", "6", "7"])
        XCTAssertEqual(try f.query("SELECT count(*) FROM migrator_history WHERE state <> 'applied'"), "0")
        XCTAssertEqual(try f.query("SELECT name FROM migrator_history WHERE version = '2'"), "1.7.0_schema")

        let second = try f.migrator(["up"])
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertTrue(second.stderr.contains("nothing to apply"), second.stderr)

        let status = try f.migrator(["status"])
        XCTAssertEqual(status.status, 0, status.output)
        XCTAssertTrue(status.stdout.contains("0002     1.7.0_schema"), status.stdout)
        XCTAssertTrue(
            status.stdout.contains(
                "note: 0004_collection_pub_magic_metadata: its down file 0004_collection_drop_pub_magic_metadata.down.sql has another name; paired by version"
            ), status.stdout)

        // The same files through psql, in order, on a database of their own.
        let reference = try SchemaDump.database(f.stack, named: f.database + "_psql")
        defer { reference.drop() }
        let ups = Self.golangMigrateSet.filter { $0.0.hasSuffix(".up.sql") }.map { f.directory + "/" + $0.0 }
        try reference.psqlFiles(ups)
        XCTAssertEqual(try SchemaDump.schema(of: f.url), try SchemaDump.schema(of: reference.url))

        let down = try f.migrator(["down", "--all"])
        XCTAssertEqual(down.status, 64, "0002, 0005–0007 have no down files: \(down.output)")
        XCTAssertTrue(down.stderr.contains("no down migration for 0007_audit_by_account"), down.stderr)
        let steps = try f.migrator(["down", "--to", "2"])
        XCTAssertEqual(steps.status, 64, steps.output)
        XCTAssertEqual(try f.historyVersions().count, 7, "nothing was rolled back")
    }

    /// A dbmate project: timestamps, dotted names, a section that wraps itself, and a lone CONCURRENTLY
    /// statement without transaction:false.
    func testADbmateSetAppliesUnchangedAndBuildsWhatPsqlBuilds() throws {
        let files: [(String, String, String)] = [ // name, up, down
            ("20260301090000_create_users.sql", "CREATE TABLE users (id serial PRIMARY KEY, name text);", "DROP TABLE users;"),
            (
                "20260301090500_users.v2.sql", "BEGIN;\nALTER TABLE users ADD COLUMN email text;\nCOMMIT;",
                "BEGIN;\nALTER TABLE users DROP COLUMN email;\nCOMMIT;"
            ),
            (
                "20260302100000_users_by_email.sql", "CREATE INDEX CONCURRENTLY users_by_email ON users (email);",
                "DROP INDEX CONCURRENTLY users_by_email;"
            ),
        ]
        for (name, up, down) in files { try f.write(name, "-- migrate:up\n\(up)\n\n-- migrate:down\n\(down)\n") }
        let first = try f.migrator(["up"])
        XCTAssertEqual(first.status, 0, first.output)
        XCTAssertTrue(first.stderr.contains("applied 20260301090500_users.v2 ("), first.stderr)
        XCTAssertTrue(first.stderr.contains("20260302100000_users_by_email runs outside a transaction"), first.stderr)
        XCTAssertTrue(try f.migrator(["up"]).stderr.contains("nothing to apply"))

        let reference = try SchemaDump.database(f.stack, named: f.database + "_psql")
        defer { reference.drop() }
        for (index, (_, up, _)) in files.enumerated() {
            let path = NSTemporaryDirectory() + "psql-\(f.database)-\(index).sql"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try up.write(toFile: path, atomically: true, encoding: .utf8)
            try reference.psqlFiles([path])
        }
        XCTAssertEqual(try SchemaDump.schema(of: f.url), try SchemaDump.schema(of: reference.url))

        let down = try f.migrator(["down", "--all"])
        XCTAssertEqual(down.status, 0, down.output)
        XCTAssertTrue(down.stderr.contains("20260302100000_users_by_email (down) runs outside a transaction"), down.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('users') IS NULL"), "t")
        XCTAssertEqual(try f.historyVersions(), [])
    }

    func testAWrappedFileThatFailsHalfwayLeavesNothingAndNoHistoryRow() throws {
        try f.write("0001_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write(
            "0002_b.up.sql", "BEGIN;\nCREATE TABLE b (id int);\nINSERT INTO b VALUES (1);\nINSERT INTO no_such_table VALUES (1);\nCOMMIT;\n"
        )
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(
            r.stderr.contains("migration 0002_b failed at \(f.directory)/0002_b.up.sql:4:13"),
            "the position maps into the file as written: \(r.stderr)")
        XCTAssertEqual(
            try f.query("SELECT to_regclass('b') IS NULL"), "t", "CREATE TABLE b ran inside the migrator's transaction and was rolled back")
        XCTAssertEqual(try f.historyVersions(), ["1"])

        try f.write("0002_b.up.sql", "BEGIN;\nCREATE TABLE b (id int);\nINSERT INTO b VALUES (1);\nCOMMIT;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        XCTAssertEqual(try f.query("SELECT count(*) FROM b"), "1")
    }

    func testAFileWithTwoBlocksThatFailsInTheSecondKeepsTheFirstAndSaysSo() throws {
        try f.write(
            "1_two.up.sql", "BEGIN;\nCREATE TABLE one (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE two (id int);\nSELECT 1/0;\nCOMMIT;\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(
            r.stderr.contains(
                "statements before line 4 took effect. The transaction it had open was rolled back. It stays recorded as running."),
            r.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('one') IS NOT NULL, to_regclass('two') IS NULL"), "t|t")
        XCTAssertEqual(try f.query("SELECT state FROM migrator_history"), "running")

        XCTAssertEqual(try f.migrator(["repair", "--version", "1", "--mark", "pending"]).status, 0)
        try f.query("DROP TABLE one")
        // The first block failing: nothing committed, so nothing took effect and no row stays.
        try f.write("1_two.up.sql", "BEGIN;\nSELECT 1/0;\nCOMMIT;\nBEGIN;\nCREATE TABLE two (id int);\nCOMMIT;\n")
        let again = try f.migrator(["up"])
        XCTAssertEqual(again.status, 1, again.output)
        XCTAssertTrue(again.stderr.contains("Nothing of it took effect and the history is unchanged"), again.stderr)
        XCTAssertEqual(try f.historyVersions(), [])
    }

    func testTwoUpFilesForOneVersionAreRefusedWithBothNames() throws {
        try f.write("0003_a.up.sql", "SELECT 1;")
        try f.write("3_b.up.sql", "SELECT 1;")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(r.stderr.contains("3_b.up.sql: version 3 is also used by \(f.directory)/0003_a.up.sql"), r.stderr)
    }
}

/// `pg_dump --schema-only` of a database, with the migrator's history table and the dump's
/// version-dependent header left out, for comparing what two ways of migrating built.
struct SchemaDump {
    let url: String
    let admin: String
    let name: String

    static func database(_ stack: LocalStack, named name: String) throws -> SchemaDump {
        try psql(stack.databaseURL, "CREATE DATABASE \(name)")
        return SchemaDump(url: stack.databaseURL(database: name), admin: stack.databaseURL, name: name)
    }

    func drop() { _ = try? psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

    /// Each file by itself, as `psql -f` runs it: a lone statement outside a transaction block.
    func psqlFiles(_ files: [String]) throws {
        for file in files {
            let r = try ProcessRunner.run("/usr/bin/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-f", file], timeout: 60)
            guard r.status == 0 else { throw NSError(domain: "psql", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        }
    }

    static func schema(of url: String) throws -> String {
        let r = try ProcessRunner.run(
            "/usr/bin/pg_dump", ["--schema-only", "--no-owner", "--exclude-table=migrator_history", url], timeout: 60)
        guard r.status == 0 else { throw NSError(domain: "pg_dump", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        return r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("-- Dumped") && !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }
            .joined(separator: "\n")
    }
}
