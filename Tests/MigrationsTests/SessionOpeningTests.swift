import Foundation
@testable import Migrations
import Postgres
import TestSupport
import XCTest

/// The session's first attempt runs on another thread while the files are read.
final class SessionOpeningTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "mig-opening-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Two up files for one version: refused while loading.
    func writeAmbiguousFiles() throws {
        try "CREATE TABLE a (id int);".write(toFile: directory + "/1_a.up.sql", atomically: true, encoding: .utf8)
        try "CREATE TABLE b (id int);".write(toFile: directory + "/1_b.up.sql", atomically: true, encoding: .utf8)
    }

    func testStartingReturnsAtOnceWhileTheServerSaysNothing() throws {
        let server = try SilentServer()
        let started = Date()
        let opening = DatabaseSession.start(MigratorConfig(databaseURL: "postgresql://postgres@127.0.0.1:\(server.port)/postgres"))
        XCTAssertLessThan(Date().timeIntervalSince(started), 1, "the first attempt ran on the calling thread")
        opening.abandon()
    }

    func testBadFilesAreReportedWithoutWaitingForTheDatabase() throws {
        try writeAmbiguousFiles()
        let server = try SilentServer()
        // libpq would wait out its 10 s connect timeout against this server.
        let config = MigratorConfig(databaseURL: "postgresql://postgres@127.0.0.1:\(server.port)/postgres", directory: directory)
        for command in ["up", "status", "down", "adopt"] {
            let migrator = Migrator(config: config, log: { _ in })
            let started = Date()
            XCTAssertThrowsError(
                try {
                    switch command {
                    case "up": try migrator.up()
                    case "status": _ = try migrator.status()
                    case "down": try migrator.down(.steps(1))
                    default: try migrator.adopt(.dbmate)
                    }
                }()
            ) { error in
                guard case MigratorError.files(let files) = error else { return XCTFail("\(command): \(error)") }
                XCTAssertTrue(files.description.contains("1_a.up.sql") && files.description.contains("1_b.up.sql"), files.description)
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, "\(command) waited for the database before reporting the files")
        }
    }

    func testTheSessionOfBadFilesIsClosedUnused() throws {
        try writeAmbiguousFiles()
        let stack = try LocalStack.current()
        let name = "opening_" + UUID().uuidString.prefix(8).lowercased()
        let url = stack.databaseURL + "?application_name=\(name)"
        XCTAssertThrowsError(try Migrator(config: MigratorConfig(databaseURL: url, directory: directory), log: { _ in }).status())
        let observer = try Connection(stack.databaseURL)
        var open = "?"
        for _ in 0..<100 {
            open = try observer.exec("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = '\(name)'").value("n") ?? "?"
            if open == "0" { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertEqual(open, "0", "the abandoned session stayed open")
    }

    func testGoodFilesAndTheSessionMeet() throws {
        try "CREATE TABLE opening_t (id int);".write(toFile: directory + "/1_t.up.sql", atomically: true, encoding: .utf8)
        let stack = try LocalStack.current()
        let database = "opening_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try Connection(stack.databaseURL)
        try admin.exec("CREATE DATABASE \(database)")
        defer { _ = try? admin.exec("DROP DATABASE IF EXISTS \(database) WITH (FORCE)") }
        var lines: [String] = []
        let migrator = Migrator(config: MigratorConfig(databaseURL: stack.databaseURL(database: database), directory: directory)) {
            if case .note(let line) = $0 { lines.append(line) }
        }
        XCTAssertEqual(try migrator.up().map(\.version), [1])
        XCTAssertEqual(try migrator.status().map(\.state), [.applied])
        XCTAssertTrue(lines.contains { $0.hasPrefix("applied 1_t") }, "\(lines)")
    }
}
