import System
import XCTest

@testable import Migrations

/// goose's SQL files read by goose's rules: sections, statement blocks, NO TRANSACTION and ENVSUB regions,
/// and every malformed file refused with the line and the fix.
final class GooseFileTests: XCTestCase {
    func parse(_ text: String) -> GooseFile.Result {
        let buffer = TextBuffer(text)
        return GooseFile.parse(FileText(buffer: buffer, range: buffer.all), file: "00001_a.sql")
    }

    func file(_ text: String, line: UInt = #line) throws -> GooseFile {
        switch parse(text) {
        case .success(let file): return file
        case .failure(let reason):
            XCTFail(reason, line: line)
            // Ends the test as failed; a skip here would read as "not run".
            throw Unparsed(reason: reason)
        }
    }

    func testSectionsAndTheirLines() throws {
        let f = try file("-- A comment first.\n\n-- +goose Up\nCREATE TABLE a (id int);\n\n-- +goose Down\nDROP TABLE a;\n")
        XCTAssertEqual(f.up.text, "CREATE TABLE a (id int);\n\n")
        XCTAssertEqual(f.up.firstLine, 4)
        XCTAssertEqual(f.down.text, "DROP TABLE a;\n")
        XCTAssertEqual(f.down.firstLine, 7)
        XCTAssertTrue(f.up.transactional && f.down.transactional)
        XCTAssertFalse(f.downIsEmpty)
        XCTAssertEqual(f.up.substitutionRegions, [], "no ENVSUB: never substituted, as goose never does")
    }

    func testAnnotationWordsIgnoreCaseAndAMissingDownIsAnEmptyOne() throws {
        let f = try file("-- +goose no transaction\n-- +goose up\nCREATE INDEX CONCURRENTLY i ON t (x);\n")
        XCTAssertFalse(f.up.transactional)
        XCTAssertTrue(f.downIsEmpty, "goose rolls back a file without Down running nothing")
        XCTAssertEqual(f.down.text, "")
        let crlf = try file("-- +goose Up\r\nSELECT 1;\r\n-- +goose Down\r\nSELECT 2;\r\n")
        XCTAssertEqual(crlf.down.text, "SELECT 2;\r\n")
    }

    func testAStatementBlockIsOneStatementWhateverItHolds() throws {
        let sql = """
            -- +goose NO TRANSACTION
            -- +goose Up
            CREATE TABLE t (id int);
            -- +goose StatementBegin
            SELECT 'up SQL query';
            CREATE RULE t_log AS ON INSERT TO t DO ALSO NOTIFY t;
            -- +goose StatementEnd
            CREATE INDEX CONCURRENTLY t_id ON t (id);
            -- +goose Down
            -- +goose StatementBegin
            DROP TABLE t;
            -- +goose StatementEnd

            """
        let f = try file(sql)
        let statements = Array(SQLStatements(f.up)).map(\.text)
        XCTAssertEqual(
            statements,
            [
                "CREATE TABLE t (id int)",
                "-- +goose StatementBegin\nSELECT 'up SQL query';\nCREATE RULE t_log AS ON INSERT TO t DO ALSO NOTIFY t;",
                "-- +goose StatementEnd\nCREATE INDEX CONCURRENTLY t_id ON t (id)",
            ])
        XCTAssertEqual(Array(SQLStatements(f.up)).map(\.line), [1, 3, 6])
        XCTAssertEqual(Array(SQLStatements(f.down)).map(\.text), ["-- +goose StatementBegin\nDROP TABLE t;"])
    }

    func testSQLBeforeABlockWithoutASemicolonJoinsIt() throws {
        let f = try file("-- +goose Up\nSELECT\n-- +goose StatementBegin\n1;\n-- +goose StatementEnd\nSELECT 2;\n")
        XCTAssertEqual(
            Array(SQLStatements(f.up)).map(\.text), ["SELECT\n-- +goose StatementBegin\n1;", "-- +goose StatementEnd\nSELECT 2"])
    }

    func testEnvsubRegionsAreWhereValuesGoAndEveryOneIsNeeded() throws {
        let f = try file(
            """
            -- +goose Up
            SELECT '${kept}';
            -- +goose ENVSUB ON
            CREATE ROLE ${app_user};
            -- +goose StatementBegin
            DO $$ BEGIN EXECUTE 'GRANT USAGE ON SCHEMA app TO ${app_user}'; END $$;
            -- +goose StatementEnd
            -- +goose ENVSUB OFF
            SELECT '${also_kept}';
            -- +goose Down
            DROP ROLE ${app_user};

            """)
        XCTAssertTrue(f.up.substitutesAlways)
        XCTAssertFalse(f.down.substitutesAlways, "the region ended before Down")
        XCTAssertThrowsError(try Placeholders().substitute([f.up])) { error in
            XCTAssertEqual(
                (error as? MigrationFileError)?.problems.map(\.description),
                ["00001_a.sql:4: ${app_user} has no value", "00001_a.sql:6: ${app_user} has no value"])
            // The executable words the fix (--var, MIGRATOR_VAR_…) from this hint: FailureTextTests.
            XCTAssertEqual(
                (error as? MigrationFileError)?.problems.map(\.hint), [.setPlaceholder("app_user"), .setPlaceholder("app_user")])
        }
        let done = try Placeholders(["APP_USER": "orders_service_long_name"]).substitute([f.up])[0]
        XCTAssertEqual(
            done.text,
            """
            SELECT '${kept}';
            -- +goose ENVSUB ON
            CREATE ROLE orders_service_long_name;
            -- +goose StatementBegin
            DO $$ BEGIN EXECUTE 'GRANT USAGE ON SCHEMA app TO orders_service_long_name'; END $$;
            -- +goose StatementEnd
            -- +goose ENVSUB OFF
            SELECT '${also_kept}';

            """)
        XCTAssertEqual(
            Array(SQLStatements(done)).map(\.text),
            [
                "SELECT '${kept}'", "-- +goose ENVSUB ON\nCREATE ROLE orders_service_long_name",
                "-- +goose StatementBegin\nDO $$ BEGIN EXECUTE 'GRANT USAGE ON SCHEMA app TO orders_service_long_name'; END $$;",
                "-- +goose StatementEnd\n-- +goose ENVSUB OFF\nSELECT '${also_kept}'",
            ], "the block moved with the longer value")
        XCTAssertEqual(try Placeholders().substitute([f.down]), [f.down])
    }

    func testShellStyleModifiersAreRefused() throws {
        let f = try file("-- +goose ENVSUB ON\n-- +goose Up\nCREATE ROLE ${app_user:-app};\n")
        XCTAssertEqual(
            Placeholders().missingValues(in: f.up).map(\.description),
            [
                "00001_a.sql:3: ${app_user:-app} uses a shell-style modifier, which placeholders do not have: write ${app_user} and give it a value"
            ]
        )
    }

    func testMalformedFilesSayTheLineAndTheFix() {
        let cases: [(String, String, String)] = [
            ("no Up", "CREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n", "line 1: SQL before -- +goose Up belongs to no section"),
            ("only Down", "-- +goose Down\nDROP TABLE a;\n", "line 1: -- +goose Down, but no -- +goose Up before it"),
            ("a lone StatementEnd", "-- +goose StatementEnd\n", "line 1: -- +goose StatementEnd without a -- +goose StatementBegin"),
            ("two Ups", "-- +goose Up\nSELECT 1;\n-- +goose Up\n", "line 3: a second -- +goose Up (the first is on line 1)"),
            (
                "unbalanced StatementBegin", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose Down\nSELECT 2;\n",
                "line 4: -- +goose Down inside the StatementBegin block of line 2"
            ),
            (
                "StatementBegin never ended", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n",
                "line 2: -- +goose StatementBegin has no -- +goose StatementEnd"
            ),
            ("indented", "-- +goose Up\n  -- +goose StatementBegin\n", "line 2: `-- +goose StatementBegin` is indented"),
            ("upper-case marker", "-- +GOOSE Up\nSELECT 1;\n", "line 1: `-- +GOOSE Up`: goose reads its annotations only as `-- +goose`"),
            ("unknown annotation", "-- +goose Up\n-- +goose ENVSUBST ON\n", "line 2: `-- +goose ENVSUBST ON` is not a goose annotation"),
        ]
        for (name, text, expected) in cases {
            guard case .failure(let reason) = parse(text) else {
                XCTFail("\(name): parsed")
                continue
            }
            XCTAssertTrue(reason.hasPrefix(expected), "\(name): \(reason)")
        }
        guard case .failure(let reason) = parse("-- nothing here\n") else { return XCTFail("parsed") }
        XCTAssertEqual(reason, GooseFile.noUpAnnotation)
    }
}

/// A goose file the test expected to parse did not: the parser's reason, as the test's failure.
private struct Unparsed: Error, CustomStringConvertible {
    var reason: String
    var description: String { "expected the file to parse: \(reason)" }
}
