import Foundation
import Migrations
import XCTest

/// golang-migrate's and dbmate's rules as their code states them: version 0 is a version, and an empty
/// or comment-only down is a down that does nothing, while a missing one stays missing.
final class GolangMigrateDbmateRulesTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "migrules-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }

    /// golang-migrate parses the leading digits as an unsigned integer (`strconv.ParseUint`); dbmate keeps
    /// them as text and applies `0_…` first.
    func testVersionZeroIsAVersionInBothLayouts() throws {
        try write("0_initial.up.sql", "CREATE TABLE a (id int);\n")
        try write("0_initial.down.sql", "DROP TABLE a;\n")
        try write("1_second.sql", "-- migrate:up\nCREATE TABLE b (id int);\n")
        let migrations = try MigrationSource.load(directory: dir)
        XCTAssertEqual(migrations.map(\.version), [0, 1])
        XCTAssertEqual(migrations.map(\.label), ["0_initial", "1_second"])
        XCTAssertEqual(migrations[0].down?.text, "DROP TABLE a;\n")

        try FileManager.default.removeItem(atPath: dir + "/1_second.sql")
        try write("0000_also_zero.sql", "-- migrate:up\nSELECT 1;\n")
        XCTAssertThrowsError(try MigrationSource.load(directory: dir)) { error in
            XCTAssertTrue("\(error)".contains("0_initial.up.sql: version 0 is also used by \(self.dir!)/0000_also_zero.sql"), "\(error)")
        }
    }

    struct DownCase {
        let name: String
        let files: [(String, String)]
        /// nil: no down at all, so `down` refuses.
        let empty: Bool?
        var downText: String? = nil
    }

    func testEmptyAndCommentOnlyDownsAreDownsThatDoNothing() throws {
        let up = "CREATE EXTENSION IF NOT EXISTS pgcrypto;\n"
        let cases: [DownCase] = [
            DownCase(name: "a 0-byte down file", files: [("7_ext.up.sql", up), ("7_ext.down.sql", "")], empty: true, downText: ""),
            DownCase(
                name: "a down file with only -- no-op", files: [("7_ext.up.sql", up), ("7_ext.down.sql", "-- no-op\n")], empty: true,
                downText: "-- no-op\n"),
            DownCase(
                name: "a down file with blank lines and a block comment",
                files: [("7_ext.up.sql", up), ("7_ext.down.sql", "\n/* the extension stays */\n\n")], empty: true),
            DownCase(
                name: "the split template of `migrator new`", files: [("7_ext.up.sql", up), ("7_ext.down.sql", "\n")], empty: true),
            DownCase(
                name: "dbmate: an empty -- migrate:down section", files: [("7_ext.sql", "-- migrate:up\n\(up)-- migrate:down\n")],
                empty: true),
            DownCase(
                name: "dbmate: a comment-only section",
                files: [("7_ext.sql", "-- migrate:up\n\(up)\n-- migrate:down\n-- nothing to undo: other schemas use pgcrypto\n")],
                empty: true),
            DownCase(name: "dbmate: no -- migrate:down line", files: [("7_ext.sql", "-- migrate:up\n\(up)")], empty: nil),
            DownCase(name: "golang-migrate: no down file", files: [("7_ext.up.sql", up)], empty: nil),
            DownCase(
                name: "a down that does something", files: [("7_ext.up.sql", up), ("7_ext.down.sql", "DROP EXTENSION pgcrypto;\n")],
                empty: false, downText: "DROP EXTENSION pgcrypto;\n"),
        ]
        for c in cases {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
                try FileManager.default.removeItem(atPath: dir + "/" + name)
            }
            for (name, text) in c.files { try write(name, text) }
            let m = try XCTUnwrap(try MigrationSource.load(directory: dir).first, c.name)
            if let empty = c.empty {
                XCTAssertNotNil(m.down, c.name)
                XCTAssertEqual(m.downIsEmpty, empty, c.name)
                if let text = c.downText { XCTAssertEqual(m.down?.text, text, c.name) }
            } else {
                XCTAssertNil(m.down, c.name)
                XCTAssertFalse(m.downIsEmpty, c.name)
            }
        }
    }
}
