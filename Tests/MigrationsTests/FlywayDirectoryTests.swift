import Foundation
import XCTest

@testable import Migrations

/// Flyway directories read as migrations: V files in Flyway's version order, U files as their downs,
/// placeholders always substituted; what the migrator does not run is named, never passed over.
final class FlywayDirectoryTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "flyway-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ name: String, _ text: String = "SELECT 1;\n") throws {
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }

    func problems(line: UInt = #line) -> [String] {
        do {
            let loaded = try MigrationSource.load(directory: dir)
            XCTFail("loaded \(loaded.map(\.label))", line: line)
        } catch let error as MigrationFileError {
            return error.problems.map { $0.description.replacingOccurrences(of: dir, with: "DIR") }
        } catch {
            XCTFail("\(error)", line: line)
        }
        return []
    }

    func testNamesTakenApart() {
        let cases: [(file: String, kind: FlywayFile.Kind?, version: String?, description: String?)] = [
            ("V1__init.sql", .versioned, "1", "init"),
            ("V1.1__add_index.sql", .versioned, "1.1", "add_index"),
            ("V2.0.1__fix.sql", .versioned, "2.0.1", "fix"),
            ("V1_1__underscored.sql", .versioned, "1_1", "underscored"),
            ("U2.0.1__fix.sql", .undo, "2.0.1", "fix"),
            ("V3__two__separators.sql", .versioned, "3", "two__separators"),
            ("V010__padded.sql", .versioned, "010", "padded"),
        ]
        for c in cases {
            guard case .name(let name) = FlywayFile.parse(c.file) else {
                XCTFail("\(c.file) did not parse")
                continue
            }
            XCTAssertEqual(name.kind, c.kind, c.file)
            XCTAssertEqual(name.version.text, c.version, c.file)
            XCTAssertEqual(name.description, c.description, c.file)
        }
        if case .name(let underscored) = FlywayFile.parse("V1_1__x.sql") {
            XCTAssertEqual(underscored.version, MigrationVersion(parsing: "1.1"), "1_1 is 1.1")
        }
        for notFlyway in ["R__views.sql", "Vacuum__x.sql", "V__x.sql", "v1__lower.sql", "B1__base.sql", "V1__x.java", "0001_a.up.sql"] {
            XCTAssertNil(FlywayFile.parse(notFlyway), notFlyway)
        }
    }

    func testFlywaysChecksumIsCRC32OfTheLinesWithoutBreaks() {
        func checksum(_ text: String) -> Int32 { Array(text.utf8).withUnsafeBufferPointer { FlywayChecksum.of($0) } }
        XCTAssertEqual(checksum("123456789"), Int32(bitPattern: 0xCBF4_3926), "the CRC-32 check value")
        XCTAssertEqual(checksum("1234\n56789\n"), checksum("123456789"))
        XCTAssertEqual(checksum("\u{FEFF}1234\r\n5678\r9"), checksum("123456789"), "byte order mark and CR too")
        XCTAssertEqual(checksum(""), 0)
    }

    func testVersionsInFlywaysOrderWithTheirUndoFiles() throws {
        // As strings these sort 1, 1.1, 1.10, 1.9, 10, 2, 2.0.1.
        for name in [
            "V1__init.sql", "V1.1__accounts.sql", "V1.9__orders.sql", "V1.10__order_lines.sql", "V2__invoices.sql",
            "V2.0.1__invoice_index.sql", "V10__payments.sql",
        ] {
            try write(name)
        }
        try write("U1.10__order_lines.sql", "DROP TABLE order_lines;\n")
        try write("U2.0.1__undo_index.sql", "-- nothing to undo\n")
        try write("R__views.sql")
        let loaded = try MigrationSource.load(directory: dir)
        XCTAssertEqual(
            loaded.map(\.label),
            ["V1__init", "V1.1__accounts", "V1.9__orders", "V1.10__order_lines", "V2__invoices", "V2.0.1__invoice_index", "V10__payments"])
        XCTAssertEqual(loaded.map(\.layout), Array(repeating: .flyway, count: 7))
        XCTAssertEqual(loaded.map { $0.down != nil }, [false, false, false, true, false, true, false])
        XCTAssertEqual(loaded[3].down?.text, "DROP TABLE order_lines;\n")
        XCTAssertEqual(loaded.map(\.downIsEmpty), [false, false, false, false, false, true, false])
        XCTAssertNil(loaded[5].note, "Flyway pairs U with V by version alone, whatever their descriptions")
    }

    func testBadFlywayFilesAreNamedWithTheFix() throws {
        try write("V1__init.sql")
        try write("V1.0__same_version.sql")
        try write("U7__no_versioned_file.sql")
        try write("V2__empty.sql", "-- nothing yet\n")
        try write("V3__one.sql")
        try write("U3__undo.sql")
        try write("U3.0__undo_again.sql")
        try write("V4.x__bad_version.sql")
        try write("beforeMigrate.sql")
        try write("V5__backfill.java", "class V5__backfill {}\n")
        XCTAssertEqual(
            problems(),
            [
                "DIR/U3__undo.sql: version 3 has another undo migration, DIR/U3.0__undo_again.sql",
                "DIR/U7__no_versioned_file.sql: an undo migration without its versioned migration (V7__….sql)",
                "DIR/V1__init.sql: version 1 is also used by DIR/V1.0__same_version.sql",
                "DIR/V2__empty.sql: the migration is empty",
                "DIR/V4.x__bad_version.sql: looks like a Flyway migration, but 4.x is not a version: digits, in parts separated by . or _ (1, 1.1, 2.0.1, 1_1)",
                "DIR/V5__backfill.java: is a Flyway migration written in Java or Kotlin",
                "DIR/beforeMigrate.sql: is a Flyway callback (beforeMigrate.sql, afterMigrate.sql, …)",
            ])
    }

    func testOneDirectoryHoldsOneToolsLayout() throws {
        try write("V1__init.sql")
        try write("0002_accounts.up.sql")
        XCTAssertEqual(
            problems(),
            [
                "DIR: mixes migration layouts: golang-migrate (0002_accounts.up.sql), Flyway (V1__init.sql); one directory holds one tool's migrations: move the others to a directory of their own"
            ])
    }

    func testPlaceholdersAreAlwaysSubstitutedAsFlywayDoes() throws {
        try write(
            "V1__grants.sql",
            "GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${reader};\nCREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT '${schema}' $$;\n-- ${not_in_comments}\n"
        )
        try write("V2__owner.sql", "ALTER TABLE t OWNER TO ${flyway:user};\n")
        let loaded = try MigrationSource.load(directory: dir)
        let sections = loaded.map(\.up)
        XCTAssertTrue(sections.allSatisfy(\.substitutesAlways), "with no value given, they are still placeholders")
        let none = Placeholders()
        XCTAssertEqual(
            sections.flatMap { none.missingValues(in: $0) }.map { $0.description.replacingOccurrences(of: dir, with: "DIR") },
            [
                "DIR/V1__grants.sql:1: ${schema} has no value", "DIR/V1__grants.sql:1: ${reader} has no value",
                "DIR/V1__grants.sql:2: ${schema} has no value",
                "DIR/V2__owner.sql:1: ${flyway:user} is one of Flyway's built-in placeholders, which the migrator does not fill: write its value, or use a ${name} of your own",
            ])
        let given = Placeholders(["schema": "app", "reader": "reporting"])
        let substituted = try given.substitute([sections[0]])[0]
        XCTAssertEqual(
            substituted.text,
            "GRANT SELECT ON ALL TABLES IN SCHEMA app TO reporting;\nCREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT 'app' $$;\n-- ${not_in_comments}\n",
            "function bodies too, as Flyway replaces them")
    }
}
