import Foundation
import TestSupport
import XCTest

/// `--var` and `MIGRATOR_VAR_*` placeholders, run as a process against the local PostgreSQL.
final class MigratorPlaceholderTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    static let files: [(String, String)] = [
        (
            "0001_settings.sql",
            """
            -- migrate:up
            -- The table's suffix and owner differ per environment: ${not_substituted_in_a_comment}
            CREATE TABLE settings_${suffix} (key text PRIMARY KEY, value text NOT NULL);
            INSERT INTO settings_${suffix} VALUES ('env', '${env}'), ('literal', '$${env}'), ('region', '${region}');
            CREATE FUNCTION settings_env() RETURNS text LANGUAGE plpgsql AS $fn$
            BEGIN
                RETURN '${env}';  -- a dollar-quoted body is PostgreSQL's, never substituted
            END;
            $fn$;
            -- migrate:down
            DROP FUNCTION settings_env();
            DROP TABLE settings_${suffix};
            """
        )
    ]

    func testPlaceholdersAreSubstitutedOutsideCommentsAndDollarQuotes() throws {
        for (name, text) in Self.files { try f.write(name, text) }
        let r = try f.migrator(
            ["up", "--var", "suffix=eu", "--var", "env=staging"],
            environment: ["MIGRATOR_VAR_REGION": "eu-west-1", "MIGRATOR_VAR_ENV": "ignored"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stderr.contains("placeholders: env=staging, region=eu-west-1, suffix=eu"), r.stderr)
        XCTAssertEqual(
            try f.query("SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings_eu"),
            "env=staging,literal=${env},region=eu-west-1")
        XCTAssertEqual(try f.query("SELECT settings_env()"), "${env}")
        // The checksum is the file's as on disk, so another value is not drift and runs nothing again.
        let section = try String(contentsOfFile: f.directory + "/0001_settings.sql", encoding: .utf8)
            .components(separatedBy: "\n-- migrate:down")[0].components(separatedBy: "-- migrate:up\n")[1]
        let expected = try ProcessRunner.run("/bin/sh", ["-c", "printf '%s' \"$0\" | sha256sum", section], timeout: 10)
        XCTAssertEqual(try f.query("SELECT checksum FROM migrator_history WHERE version = '1'"), String(expected.stdout.prefix(64)))
        let again = try f.migrator(["up", "--var", "suffix=us", "--var", "env=prod", "--var", "region=us-east-1"])
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertTrue(again.stderr.contains("nothing to apply"), again.stderr)
        let validate = try f.migrator(["validate"])
        XCTAssertEqual(validate.status, 0, validate.output)

        // Down sections are substituted too.
        let down = try f.migrator(["down", "--var", "suffix=eu"])
        XCTAssertEqual(down.status, 0, down.output)
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE tablename = 'settings_eu'"), "0")
    }

    func testAMissingValueNamesFileAndLineAndNothingIsApplied() throws {
        try f.write("0001_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("0002_b.up.sql", "-- ${in_a_comment}\nCREATE TABLE b (id int);\nCOMMENT ON TABLE b IS '${owner} in ${env}';\n")
        for dryRun in [true, false] {
            let r = try f.migrator(["up", "--var", "env=prod"] + (dryRun ? ["--dry-run"] : []))
            XCTAssertEqual(r.status, 64, r.output)
            XCTAssertTrue(r.stderr.contains("1 problem with placeholders; nothing was applied"), r.stderr)
            XCTAssertTrue(
                r.stderr.contains("\(f.directory)/0002_b.up.sql:3: ${owner} has no value; set --var owner=VALUE or MIGRATOR_VAR_OWNER"),
                r.stderr)
            XCTAssertFalse(r.stderr.contains("in_a_comment"), r.stderr)
        }
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b', 'migrator_history')"), "0")
    }

    func testWithoutValuesTheSQLRunsAsOnDisk() throws {
        try f.write("0001_a.up.sql", "CREATE TABLE a (v text);\nINSERT INTO a VALUES ('${not_a_placeholder}');\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertFalse(r.stderr.contains("placeholders"), r.stderr)
        XCTAssertEqual(try f.query("SELECT v FROM a"), "${not_a_placeholder}")
    }

    func testSecretValuesAreNeverPrintedAndErrorsPointIntoTheFile() throws {
        try f.write("0001_a.up.sql", "CREATE TABLE a (n int);\n")
        try f.write("0002_b.up.sql", "-- the token is not a number\nINSERT INTO a VALUES (${scale}), ('${api_token}'::int);\n")
        let r = try f.migrator(["up", "--var", "scale=1000000"], environment: ["MIGRATOR_VAR_API_TOKEN": "tok-7f3a9c"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("placeholders: api_token=***, scale=1000000"), r.stderr)
        XCTAssertFalse(r.output.contains("tok-7f3a9c"), r.output)
        XCTAssertTrue(r.stderr.contains("invalid input syntax for type integer: \"${api_token}\""), r.stderr)
        // Column 35 is the file's, where '${api_token}' begins; the SQL sent was 4 characters longer before it.
        XCTAssertTrue(r.stderr.contains("migration 0002_b failed at \(f.directory)/0002_b.up.sql:2:35"), r.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1"])
    }

    /// A generated password with a quote in it ends the string literal early; the server then quotes the
    /// rest, lower-cased, as an unknown role option. No piece of it may reach the log.
    func testAPieceOfASecretThatTheServerQuotesIsNotPrinted() throws {
        try f.write("0001_role.up.sql", "CREATE ROLE ${app_role} LOGIN PASSWORD '${app_password}';\n")
        let r = try f.migrator(
            ["up", "--var", "app_role=audit_reader"], environment: ["MIGRATOR_VAR_APP_PASSWORD": "Kq8'Zr7TopSecretTail"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("unrecognized role option \"***\""), r.stderr)
        for piece in ["Zr7TopSecretTail", "zr7topsecrettail", "SecretTail", "secrettail"] {
            XCTAssertFalse(r.output.contains(piece), "\(piece) printed: \(r.output)")
        }
        XCTAssertEqual(try f.historyVersions(), [])
    }

    func testBadVarsAreUsageErrorsWithoutTheirValues() throws {
        try f.write("0001_a.up.sql", "CREATE TABLE a (n int);\n")
        for (arguments, message) in [
            (["--var", "db_password"], "--var 'db_password': expected NAME=VALUE"),
            (["--var", "a-b=hunter2"], "--var: 'a-b' is not a placeholder name"),
            (["--var", "x=1", "--var", "X=2"], "--var X is given twice"),
        ] {
            let r = try f.migrator(["up"] + arguments)
            XCTAssertEqual(r.status, 64, r.output)
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
            XCTAssertFalse(r.stderr.contains("hunter2"), r.stderr)
        }
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE tablename = 'a'"), "0")
        for command in ["up", "down"] {
            let help = try f.migrator([command, "--help"])
            XCTAssertTrue(help.stdout.contains("--var <name=value>"), help.stdout)
        }
        XCTAssertTrue(try f.migrator(["up", "--help"]).stdout.contains("$${NAME} writes a literal ${NAME}"))
    }
}
