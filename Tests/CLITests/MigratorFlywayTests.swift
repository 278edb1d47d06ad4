import Foundation
import TestSupport
import XCTest

/// A Flyway project's directory applies unchanged in Flyway's version order, builds what `psql -f` of its
/// V files in that order builds, shows its versions as written, and rolls back through its U files.
final class MigratorFlywayTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    let environment = ["MIGRATOR_VAR_APP_ENV": "staging"]

    func testAFlywayProjectAppliesInFlywaysOrderBuildsWhatPsqlBuildsAndUndoesEverything() throws {
        let files = FlywayProjectSet.files
        XCTAssertGreaterThan(files.count, 36)
        for file in files {
            try f.write(file.name, file.up + "\n")
            try f.write(file.undoName, file.undo + "\n")
        }
        let first = try f.migrator(["up"], environment: environment, timeout: 300)
        XCTAssertEqual(first.status, 0, first.output)
        let applied = first.stderr.split(separator: "\n").filter { $0.hasPrefix("applied V") }.map {
            String($0.dropFirst("applied ".count).prefix { $0 != " " })
        }
        XCTAssertEqual(applied, files.map { String($0.name.dropLast(4)) }, "each file once, in Flyway's order, named as written")
        XCTAssertEqual(
            Array(try f.historyVersions().prefix(17)),
            ["1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1_12", "2", "2.0.1", "2.0.2", "2.1"])
        XCTAssertEqual(try f.historyVersions().last, "10")
        XCTAssertEqual(try f.query("SELECT count(*) FROM migrator_history WHERE state <> 'applied'"), "0")
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_index WHERE NOT indisvalid"), "0")
        XCTAssertEqual(try f.query("SELECT obj_description('invoices'::regclass)"), "invoices of staging")

        let second = try f.migrator(["up"], environment: environment)
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertTrue(second.stderr.contains("nothing to apply; the database is at version 10"), second.stderr)

        // The V files through psql, in the same order, with the placeholder's value written in.
        let reference = try SchemaDump.database(f.stack, named: f.database + "_psql")
        defer { reference.drop() }
        for (index, file) in files.enumerated() {
            let path = NSTemporaryDirectory() + "psql-\(f.database)-\(index).sql"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try file.up.replacingOccurrences(of: "${app_env}", with: "staging").write(toFile: path, atomically: true, encoding: .utf8)
            try reference.psqlFiles([path])
        }
        XCTAssertEqual(try SchemaDump.schema(of: f.url), try SchemaDump.schema(of: reference.url))

        // Versions as written, in text and JSON.
        let status = try f.migrator(["status"], environment: environment)
        XCTAssertEqual(status.status, 0, status.output)
        let versions = status.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != " " }) }
        XCTAssertEqual(Array(versions.prefix(4)), ["1", "1.1", "1.2", "1.3"])
        XCTAssertTrue(versions.contains("1_12") && versions.contains("2.0.1"), status.stdout)
        let json = try f.migrator(["status", "--output", "json"], environment: environment)
        let entries = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["migrations"] as? [[String: Any]])
        XCTAssertEqual(entries.prefix(3).map { $0["version"] as? Int }, [1, nil, nil], "one-number versions stay numbers")
        XCTAssertEqual(entries[14]["version"] as? String, "2.0.1")
        XCTAssertEqual(entries[12]["versionText"] as? String, "1_12")
        XCTAssertEqual(entries[12]["name"] as? String, "customers_phone")
        XCTAssertEqual((entries[12]["down"] as? [String: Any])?["file"] as? String, f.directory + "/U1_12__customers_phone.sql")

        let down = try f.migrator(["down", "--to", "2.1"], environment: environment, timeout: 300)
        XCTAssertEqual(down.status, 0, down.output)
        XCTAssertTrue(down.stderr.contains("rolled back V10__create_payments"), down.stderr)
        XCTAssertTrue(down.stderr.contains("rolled back V3.10__create_gift_cards"), down.stderr)
        XCTAssertEqual(try f.historyVersions().last, "2.1")
        let all = try f.migrator(["down", "--all"], environment: environment, timeout: 300)
        XCTAssertEqual(all.status, 0, all.output)
        XCTAssertEqual(try f.historyVersions(), [])
        let empty = try SchemaDump.database(f.stack, named: f.database + "_empty")
        defer { empty.drop() }
        XCTAssertEqual(try SchemaDump.schema(of: f.url), try SchemaDump.schema(of: empty.url), "every U file undid its V file")
    }

    func testDownRefusesAVersionWithoutItsUndoFileAndRollsNothingBack() throws {
        try f.write("V1__create_customers.sql", "CREATE TABLE customers (id bigserial PRIMARY KEY);\n")
        try f.write("U1__create_customers.sql", "DROP TABLE customers;\n")
        try f.write("V1.1__customers_email.sql", "ALTER TABLE customers ADD COLUMN email text;\n")
        try f.write("V1.2__customers_name.sql", "ALTER TABLE customers ADD COLUMN name text;\n")
        try f.write("U1.2__customers_name.sql", "ALTER TABLE customers DROP COLUMN name;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        let r = try f.migrator(["down", "--all"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(
            r.stderr.contains(
                "cannot roll back: no undo migration for V1.1__customers_email; nothing was rolled back (add a U<version>__NAME.sql file of the same version"
            ), r.stderr)
        XCTAssertEqual(try f.historyVersions(), ["1", "1.1", "1.2"])
        XCTAssertEqual(try f.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers'"), "3")
        let one = try f.migrator(["down"])
        XCTAssertEqual(one.status, 0, one.output)
        XCTAssertTrue(one.stderr.contains("rolled back V1.2__customers_name"), one.stderr)
        // A version whose files are gone is still named as Flyway names it.
        try f.remove("V1.1__customers_email.sql")
        let gone = try f.migrator(["down"])
        XCTAssertEqual(gone.status, 64, gone.output)
        XCTAssertTrue(gone.stderr.contains("no undo migration for V1.1__customers_email (its file is missing)"), gone.stderr)
    }

    func testAPlaceholderWithoutAValueStopsEverything() throws {
        try f.write("V1__grants.sql", "CREATE TABLE t (id int);\nCOMMENT ON TABLE t IS 'owned by ${team}';\n")
        // Beside V files an R__ file is Flyway's repeatable: its placeholders are substituted always too.
        try f.write("R__t_view.sql", "CREATE OR REPLACE VIEW t_view AS SELECT id, '${team}' AS team FROM t;\n")
        let r = try f.migrator(["up"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(r.stderr.contains("\(f.directory)/V1__grants.sql:2: ${team} has no value; set --var team=VALUE"), r.stderr)
        XCTAssertTrue(r.stderr.contains("\(f.directory)/R__t_view.sql:1: ${team} has no value"), r.stderr)
        XCTAssertEqual(try f.query("SELECT to_regclass('t') IS NULL AND to_regclass('migrator_history') IS NULL"), "t")

        let given = try f.migrator(["up", "--var", "team=payments"])
        XCTAssertEqual(given.status, 0, given.output)
        XCTAssertEqual(try f.query("SELECT obj_description('t'::regclass)"), "owned by payments")
        XCTAssertTrue(try f.query("SELECT pg_get_viewdef('t_view')").contains("'payments'::text"), "the repeatable's value was written in")
    }
}
