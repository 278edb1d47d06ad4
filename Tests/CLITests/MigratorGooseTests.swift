import Foundation
import TestSupport
import XCTest

/// A goose project's directory applies unchanged, builds what `psql -f` of its up sections builds, rolls
/// all the way back, and every malformed goose file stops everything with the file and the fix.
final class MigratorGooseTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    let environment = ["MIGRATOR_VAR_APP_ENV": "staging"]

    func testAGooseProjectAppliesBuildsWhatPsqlBuildsAndRollsBack() throws {
        let files = GooseProjectSet.files
        XCTAssertGreaterThan(files.count, 36)
        for file in files { try f.write(file.name, file.text) }
        let first = try f.migrator(["up"], environment: environment, timeout: 300)
        XCTAssertEqual(first.status, 0, first.output)
        for file in files {
            XCTAssertTrue(first.stderr.contains("applied \(file.name.dropLast(4)) ("), "\(file.name)\n\(first.stderr)")
        }
        XCTAssertEqual(
            try f.query("SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%user_id_idx' OR indexname LIKE 'users_email%'"), "15",
            "every CREATE INDEX CONCURRENTLY of the NO TRANSACTION files ran")
        XCTAssertEqual(try f.historyVersions().count, files.count)
        XCTAssertEqual(try f.query("SELECT count(*) FROM migrator_history WHERE state <> 'applied'"), "0")
        XCTAssertEqual(try f.query("SELECT deployment_env() || ' ' || obj_description('orders'::regclass)"), "staging orders of staging")
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_index WHERE NOT indisvalid"), "0")

        let second = try f.migrator(["up"], environment: environment)
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertTrue(second.stderr.contains("nothing to apply"), second.stderr)

        // The up sections through psql, in the same order, with the ENVSUB value written in.
        let reference = try SchemaDump.database(f.stack, named: f.database + "_psql")
        defer { reference.drop() }
        for (index, file) in files.enumerated() {
            let path = NSTemporaryDirectory() + "psql-\(f.database)-\(index).sql"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try file.up.replacingOccurrences(of: "${APP_ENV}", with: "staging").write(toFile: path, atomically: true, encoding: .utf8)
            try reference.psqlFiles([path])
        }
        XCTAssertEqual(try SchemaDump.schema(of: f.url), try SchemaDump.schema(of: reference.url))

        let down = try f.migrator(["down", "--all"], environment: environment, timeout: 300)
        XCTAssertEqual(down.status, 0, down.output)
        XCTAssertTrue(down.stderr.contains("rolled back 00010_seed_admin (its down is empty: nothing to run)"), down.stderr)
        XCTAssertEqual(try f.historyVersions(), [])
        let empty = try SchemaDump.database(f.stack, named: f.database + "_empty")
        defer { empty.drop() }
        XCTAssertEqual(try SchemaDump.schema(of: f.url), try SchemaDump.schema(of: empty.url), "every Down undid its Up")
    }

    func testAnEnvsubValueIsNeededAndASecretOneIsMasked() throws {
        try f.write(
            "00001_app_role.sql",
            "-- +goose Up\n-- +goose ENVSUB ON\nCREATE ROLE ${APP_ROLE} LOGIN PASSWORD '${APP_ROLE_PASSWORD}';\n\n-- +goose Down\nDROP ROLE ${APP_ROLE};\n"
        )
        let missing = try f.migrator(["up"])
        XCTAssertEqual(missing.status, 64, missing.output)
        XCTAssertTrue(
            missing.stderr.contains(
                "\(f.directory)/00001_app_role.sql:3: ${APP_ROLE} has no value; set --var APP_ROLE=VALUE or MIGRATOR_VAR_APP_ROLE"),
            missing.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('migrator_history') IS NULL"), "t", "nothing was applied")

        let role = "goose_role_" + f.database.suffix(8)
        defer { _ = try? f.query("DROP ROLE IF EXISTS \(role)") }
        let secret = "Zq7-secret-Vw9"
        let applied = try f.migrator(["up"], environment: ["MIGRATOR_VAR_APP_ROLE": role, "MIGRATOR_VAR_APP_ROLE_PASSWORD": secret])
        XCTAssertEqual(applied.status, 0, applied.output)
        XCTAssertFalse(applied.output.contains(secret), applied.output)
        XCTAssertTrue(applied.stderr.contains("app_role_password=***"), applied.stderr)
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_roles WHERE rolname = '\(role)'"), "1")
    }

    /// Each malformed goose file: exit 64, the file and what to do named, nothing applied.
    func testBadGooseFilesAreRefusedWithTheFileAndTheFix() throws {
        let good = (
            "00001_create_users.sql", "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n\n-- +goose Down\nDROP TABLE users;\n"
        )
        let cases: [(String, String, String)] = [
            (
                "00002_add_email.sql", "ALTER TABLE users ADD COLUMN email text;\n\n-- +goose Down\nALTER TABLE users DROP COLUMN email;\n",
                "00002_add_email.sql: line 1: SQL before -- +goose Up belongs to no section and would never run; move it below that line"
            ),
            (
                "00002_add_email.sql", "ALTER TABLE users ADD COLUMN email text;\n",
                "00002_add_email.sql: no -- +goose Up line: a goose file starts its up section with one"
            ),
            (
                "00002_touch.sql",
                "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION touch() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;\n\n-- +goose Down\nDROP FUNCTION touch();\n",
                "00002_touch.sql: line 5: -- +goose Down inside the StatementBegin block of line 2: close that block with -- +goose StatementEnd first"
            ),
            (
                "00002_backfill.go", "package migrations\n",
                "00002_backfill.go: looks like a goose migration written in Go (VERSION_NAME.go)"
            ),
        ]
        for (name, text, expected) in cases {
            try f.write(good.0, good.1)
            try f.write(name, text)
            defer { try? f.remove(name) }
            for command in [["up"], ["status"], ["down"]] {
                let r = try f.migrator(command)
                XCTAssertEqual(r.status, 64, "\(name) \(command): \(r.output)")
                XCTAssertTrue(r.stderr.contains("\(f.directory)/\(expected)"), "\(name) \(command): expected \(expected) in\n\(r.stderr)")
            }
            XCTAssertEqual(try f.query("SELECT to_regclass('users') IS NULL"), "t", "\(name): nothing was applied")
        }
        try f.write("00002_backfill.go", "package migrations\n")
        let go = try f.migrator(["up"])
        XCTAssertTrue(
            go.stderr.contains(
                "  goose: goose's migrations written in Go run only inside a program built with goose; rewrite it as a SQL file (VERSION_NAME.sql with -- +goose Up, -- +goose Down), or move it out"
            ), go.stderr)
    }
}
