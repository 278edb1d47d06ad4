import Foundation
import TestSupport
import XCTest

/// `migrator new` writes the next migration in the layout of the files already in the directory, so that
/// the next `up` reads it as one of them instead of refusing a mixed layout.
final class MigratorNewTests: XCTestCase {
    var f: MigratorFixture!

    override func setUpWithError() throws { f = try MigratorFixture() }
    override func tearDown() { f?.tearDown() }

    private func created(_ arguments: [String]) throws -> [String] {
        let r = try f.migrator(["new"] + arguments)
        XCTAssertEqual(r.status, 0, r.output)
        return r.stdout.split(separator: "\n").map { String($0.dropFirst(f.directory.count + 1)) }
    }

    func testFlywayGetsTheNextWholeVersionAndItsUndoFile() throws {
        try f.write("V1__create_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n")
        try f.write("V2.0.1__add_total.sql", "ALTER TABLE orders ADD COLUMN total numeric;\n")
        XCTAssertEqual(try created(["Add orders index"]), ["V3__add_orders_index.sql"])
        XCTAssertEqual(try created(["drop total", "--layout", "split"]), ["V4__drop_total.sql", "U4__drop_total.sql"])
        try f.write("V3__add_orders_index.sql", "CREATE INDEX orders_total ON orders (total);\n")
        try f.write("V4__drop_total.sql", "ALTER TABLE orders DROP COLUMN total;\n")
        try f.write("U4__drop_total.sql", "ALTER TABLE orders ADD COLUMN total numeric;\n")
        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertEqual(try f.historyVersions(), ["1", "2.0.1", "3", "4"])
        XCTAssertEqual(try f.migrator(["down"]).status, 0)
    }

    func testGooseGetsATimestampedFileWithItsAnnotations() throws {
        try f.write("00001_create_orders.sql", "-- +goose Up\nCREATE TABLE orders (id bigint);\n-- +goose Down\nDROP TABLE orders;\n")
        let names = try created(["add_status"])
        XCTAssertEqual(names.count, 1)
        XCTAssertTrue(names[0].hasSuffix("_add_status.sql") && names[0].count == "20261205111834_add_status.sql".count, names[0])
        let text = try String(contentsOfFile: f.directory + "/" + names[0], encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("-- +goose Up\n") && text.contains("-- +goose Down\n"), text)
        // Left empty, it is refused as an empty goose file, not as a file of another layout.
        let empty = try f.migrator(["up"])
        XCTAssertEqual(empty.status, 64, empty.output)
        XCTAssertTrue(empty.stderr.contains("the -- +goose Up section is empty"), empty.stderr)
        try f.write(
            names[0], "-- +goose Up\nALTER TABLE orders ADD COLUMN status text;\n-- +goose Down\nALTER TABLE orders DROP COLUMN status;\n")
        XCTAssertEqual(try f.migrator(["up"]).status, 0)
        XCTAssertEqual(try f.migrator(["down"]).status, 0)
        let split = try f.migrator(["new", "x", "--layout", "split"])
        XCTAssertEqual(split.status, 64, split.output)
        XCTAssertTrue(split.stderr.contains("goose keeps a migration's up and down in one file"), split.stderr)
    }

    func testPrismaGetsAMigrationFolder() throws {
        try f.write("migration_lock.toml", "provider = \"postgresql\"\n")
        try FileManager.default.createDirectory(atPath: f.directory + "/20240101000000_init", withIntermediateDirectories: true)
        try f.write("20240101000000_init/migration.sql", "CREATE TABLE \"User\" (id serial PRIMARY KEY);\n")
        let names = try created(["add posts"])
        XCTAssertEqual(names.count, 1)
        XCTAssertTrue(names[0].hasSuffix("_add_posts/migration.sql"), names[0])
        try f.write(names[0], "CREATE TABLE \"Post\" (id serial PRIMARY KEY);\n")
        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertEqual(try f.historyVersions().count, 2)
        let split = try f.migrator(["new", "x", "--layout", "split"])
        XCTAssertEqual(split.status, 64, split.output)
        XCTAssertTrue(split.stderr.contains("Prisma migrations have no down files"), split.stderr)
    }
}
