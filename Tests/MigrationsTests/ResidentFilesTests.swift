import Foundation
import Postgres
import TestSupport
import XCTest

@testable import Migrations

/// Files beyond the resident limit are let go after reading and read again, one at a time, to run: every
/// command gives the same results as with everything in memory, and a file changed in between is refused.
final class ResidentFilesTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "mig-resident-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func write(_ name: String, _ text: String) throws {
        try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    func testASectionLetGoIsReadAgainAndRefusedWhenTheFileChanged() throws {
        try write("1_a.sql", "-- migrate:up\r\nCREATE TABLE a (x int);\r\n-- migrate:down\r\nDROP TABLE a;\r\n")
        try write("2_b.up.sql", "\u{FEFF}CREATE TABLE b (x int);\n")
        let kept = try MigrationSource.load(directory: directory)
        let released = try MigrationSource.load(directory: directory, resident: ResidentFiles(limit: 0))
        XCTAssertTrue(kept.allSatisfy { $0.up.isLoaded })
        XCTAssertFalse(released.contains { $0.up.isLoaded || ($0.down?.isLoaded ?? false) })
        XCTAssertEqual(released.map(\.checksum), kept.map(\.checksum))
        XCTAssertEqual(released.map(\.exactChecksum), kept.map(\.exactChecksum))
        for (r, k) in zip(released, kept) {
            XCTAssertEqual(try r.up.loaded(), k.up)
            XCTAssertEqual(try r.down?.loaded(), k.down)
            XCTAssertEqual(try r.up.summary(), try k.up.summary())
        }
        // A limit keeps the first files that fit it, whole: the up and down of one file together.
        let some = try MigrationSource.load(directory: directory, resident: ResidentFiles(limit: 80))
        XCTAssertEqual(some.map(\.up.isLoaded), [true, false])
        XCTAssertEqual(some[0].down?.isLoaded, true)

        try write("2_b.up.sql", "\u{FEFF}CREATE TABLE c (x int);\n")
        XCTAssertThrowsError(try released[1].up.loaded()) { error in
            XCTAssertTrue("\(error)".contains("2_b.up.sql: changed since the migrator read it at the start of this run"), "\(error)")
        }
        try FileManager.default.removeItem(atPath: directory + "/1_a.sql")
        XCTAssertThrowsError(try released[0].down!.loaded()) { error in
            XCTAssertTrue("\(error)".contains("1_a.sql: cannot be read: No such file or directory"), "\(error)")
        }
    }

    /// The same files through every command, once with everything in memory and once with nothing kept.
    func testEveryCommandWorksWithNothingKeptInMemory() throws {
        let stack = try LocalStack.current()
        try write(
            "0001_accounts.sql", "-- migrate:up\nCREATE TABLE accounts_${env} (id int);\n-- migrate:down\nDROP TABLE accounts_${env};\n")
        try write("0002_index.up.sql", "-- migrator:no-transaction\nCREATE INDEX CONCURRENTLY accounts_id ON accounts_${env} (id);\n")
        try write("0002_index.down.sql", "DROP INDEX accounts_id;\n")
        try write("0003_wrapped.up.sql", "BEGIN;\nINSERT INTO accounts_${env} VALUES (1), (2);\nCOMMIT;\n")
        try write("0003_wrapped.down.sql", "DELETE FROM accounts_${env};\n")
        try write("R__count.sql", "CREATE OR REPLACE VIEW account_count AS SELECT count(*) AS n FROM accounts_${env};\n")
        for limit in [ResidentFiles.defaultLimit, 0] {
            let database = "resident_" + UUID().uuidString.prefix(8).lowercased()
            let admin = try Connection(stack.databaseURL, connectTimeout: 5)
            try admin.exec("CREATE DATABASE \(database)")
            defer { _ = try? admin.exec("DROP DATABASE IF EXISTS \(database) WITH (FORCE)") }
            var config = MigratorConfig(databaseURL: stack.databaseURL(database: database), directory: directory)
            config.placeholders = Placeholders(["env": "test"])
            config.residentBytes = limit
            var lines: [String] = []
            let migrator = Migrator(config: config, log: { if case .note(let line) = $0 { lines.append(line) } })
            try migrator.up(dryRun: true)
            XCTAssertTrue(lines.contains { $0 == "would apply 0002_index (outside a transaction)" }, "\(lines)")
            XCTAssertEqual(try migrator.up().map(\.version), [1, 2, 3])
            let db = try Connection(stack.databaseURL(database: database), connectTimeout: 5)
            XCTAssertEqual(try db.exec("SELECT n FROM account_count").value("n"), "2")
            let report = try migrator.report()
            XCTAssertEqual(report.versioned.map(\.state), [.applied, .applied, .applied])
            XCTAssertEqual(report.repeatable.map(\.state), [.applied])
            XCTAssertEqual(try report.versioned.map { try $0.up!.summary().wrapped }, [false, false, true], "limit \(limit)")
            XCTAssertEqual(try report.versioned.map { try $0.up!.summary().transactional }, [true, false, true], "limit \(limit)")
            try migrator.validate()
            XCTAssertEqual(try migrator.down(.steps(2)), [3, 2])
            XCTAssertEqual(try db.exec("SELECT count(*) AS n FROM pg_indexes WHERE indexname = 'accounts_id'").value("n"), "0")
        }
    }
}
