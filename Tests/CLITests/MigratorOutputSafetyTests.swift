import Foundation
import TestSupport
import XCTest

/// What the migrator prints cannot be forged by file names, file contents or the server, and placeholder
/// values that may be secret stay out of it. Run as a process against the local PostgreSQL.
final class MigratorOutputSafetyTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    /// Lines the migrator wrote that start with `prefix`, on stdout or stderr.
    private func lines(_ r: ProcessResult, startingWith prefix: String) -> [Substring] {
        r.output.split(separator: "\n").filter { $0.hasPrefix(prefix) }
    }

    /// A file whose name holds a newline would print `applied 0004_forged` on a line of its own; it is a bad
    /// file instead, named with its control characters escaped, and nothing runs.
    func testAFileNameWithAControlCharacterIsRefusedAndPrintedEscaped() throws {
        try f.write("0001_fine.up.sql", "CREATE TABLE fine (id int);\n")
        let forged = "0003_backdoor\napplied 0004_forged (1 ms)\n0005_x.up.sql"
        try f.write(forged, "CREATE TABLE backdoor (id int);\n")
        try f.write("0006_\u{1B}[2Jclear.sql", "-- migrate:up\nCREATE TABLE clear (id int);\n")
        try f.write("R__view\rs.sql", "CREATE VIEW v AS SELECT 1;\n")
        for command in [["up"], ["up", "--dry-run"], ["status"], ["validate"]] {
            let r = try f.migrator(command)
            XCTAssertEqual(r.status, 64, "\(command): \(r.output)")
            XCTAssertTrue(r.stderr.contains("3 problems with the migration files; nothing was applied"), r.stderr)
            XCTAssertTrue(
                r.stderr.contains(
                    "/0003_backdoor\\napplied 0004_forged (1 ms)\\n0005_x.up.sql: the file name holds a control character (shown escaped)"),
                r.stderr)
            XCTAssertTrue(r.stderr.contains("/0006_\\x1b[2Jclear.sql: the file name holds a control character"), r.stderr)
            XCTAssertTrue(r.stderr.contains("/R__view\\rs.sql: the file name holds a control character"), r.stderr)
            XCTAssertEqual(lines(r, startingWith: "applied"), [], "\(command): \(r.output)")
            XCTAssertFalse(r.output.contains("\u{1B}"), r.output)
            XCTAssertFalse(r.output.contains("\r"), r.output)
        }
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE tablename IN ('fine', 'backdoor', 'clear')"), "0")
    }

    /// Text from a file (an unknown directive) and from the server (an error message, a history row) is
    /// printed with its control characters escaped, so it cannot start a line of its own either.
    func testTextFromFilesAndTheServerIsPrintedEscaped() throws {
        try f.write("0001_directive.sql", "-- migrate:up\nSELECT 1;\n-- migrate:\u{1B}]0;pwned\u{07}down\n")
        var r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(r.stderr.contains("unknown directive on line 3: -- migrate:\\x1b]0;pwned\\x07down"), r.stderr)
        XCTAssertFalse(r.output.contains("\u{1B}"), r.output)

        try f.remove("0001_directive.sql")
        try f.write(
            "0001_raise.up.sql",
            "DO $$ BEGIN RAISE EXCEPTION E'boom\\napplied 0002_forged (1 ms)' USING DETAIL = E'a\\rb', HINT = E'\\u202Eevil'; END $$;\n")
        r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("ERROR P0001: boom\\napplied 0002_forged (1 ms)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("DETAIL: a\\rb"), r.stderr)
        XCTAssertTrue(r.stderr.contains("HINT: \\u202eevil"), r.stderr)
        XCTAssertEqual(lines(r, startingWith: "applied"), [], r.output)

        // A history row whose file is gone: its name comes from the server.
        try f.remove("0001_raise.up.sql")
        try f.write("0001_a.up.sql", "CREATE TABLE a (id int);\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        try f.query(
            "INSERT INTO migrator_history (version, version_order, name, checksum, state, applied_by) VALUES ('2', '{2}', E'gone\\napplied 0003_forged', 'x', 'applied', 'me')"
        )
        r = try f.migrator(["status"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("gone\\napplied 0003_forged"), r.stdout)
        XCTAssertEqual(lines(r, startingWith: "applied"), [], r.output)
        r = try f.migrator(["up"])
        XCTAssertTrue(r.stderr.contains("2_gone\\napplied 0003_forged; left as they are"), r.stderr)
        XCTAssertEqual(lines(r, startingWith: "applied"), [], r.output)
        // JSON is escaped by its encoder, as before.
        r = try f.migrator(["status", "--output", "json"])
        XCTAssertTrue(r.stdout.contains(#""name":"gone\napplied 0003_forged""#), r.stdout)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 1, r.stdout)
    }

    /// Every value whose name holds pass, pwd, secret, token, key, credential, private, dsn or auth, in any
    /// case, is masked in the run's line and in server errors; `--var-show` prints one on purpose.
    func testValuesThatMayBeSecretAreMaskedUnlessShownOnPurpose() throws {
        try f.write("0001_a.up.sql", "CREATE TABLE a (n int);\n")
        try f.write("0002_b.up.sql", "INSERT INTO a VALUES ('${sentry_dsn}'::int);\n")
        let secrets = [
            "db_pass": "v-pass-0001", "ADMIN_PWD": "v-pwd-0002", "api_key": "v-key-0003", "aws_credentials": "v-cred-0004",
            "private_cert": "v-priv-0005", "sentry_dsn": "https://k3y@sentry.example/1", "oauth_header": "v-auth-0007",
            "cache_key_prefix": "orders-cache",
        ]
        var environment: [String: String] = [:]
        for (name, value) in secrets { environment["MIGRATOR_VAR_" + name.uppercased()] = value }
        let r = try f.migrator(["up", "--var", "env=prod", "--var-show", "cache_key_prefix"], environment: environment)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(
            r.stderr.contains(
                "placeholders: admin_pwd=***, api_key=***, aws_credentials=***, cache_key_prefix=orders-cache, db_pass=***, env=prod,"
                    + " oauth_header=***, private_cert=***, sentry_dsn=***"),
            r.stderr)
        XCTAssertTrue(r.stderr.contains("invalid input syntax for type integer: \"${sentry_dsn}\""), r.stderr)
        for (name, value) in secrets where name != "cache_key_prefix" {
            XCTAssertFalse(r.output.contains(value), "\(name)'s value printed: \(r.output)")
        }

        let unknown = try f.migrator(["up", "--var", "env=prod", "--var-show", "api_key"])
        XCTAssertEqual(unknown.status, 64, unknown.output)
        XCTAssertTrue(unknown.stderr.contains("--var-show api_key: no placeholder of that name has a value"), unknown.stderr)
        XCTAssertTrue(
            try f.migrator(["up", "--help"]).stdout.contains("credential, private, dsn or auth. --var-show NAME prints one anyway."))
    }
}
