import Foundation
import TestSupport
import XCTest

/// A fresh database and a migrations directory for one test, and a way to run the built `migrator`.
final class MigratorFixture {
    let stack: LocalStack
    let database: String
    let directory: String
    var url: String { stack.databaseURL(database: database) }

    init() throws {
        stack = try LocalStack.current()
        database = "mig_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        directory = NSTemporaryDirectory() + "migrations-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try psql(stack.databaseURL, "CREATE DATABASE \(database)")
    }

    func tearDown() {
        _ = try? psql(stack.databaseURL, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        try? FileManager.default.removeItem(atPath: directory)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    func remove(_ name: String) throws {
        try FileManager.default.removeItem(atPath: directory + "/" + name)
    }

    /// Runs migrator with DATABASE_URL and MIGRATIONS_DIR set for this fixture.
    @discardableResult
    func migrator(_ arguments: [String], environment extra: [String: String] = [:], timeout: TimeInterval = 60) throws -> ProcessResult {
        try ProcessRunner.run(
            Paths.executable("migrator"), arguments,
            extraEnvironment: ["DATABASE_URL": url, "MIGRATIONS_DIR": directory].merging(extra) { _, b in b },
            timeout: timeout)
    }

    func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> RunningProcess {
        try ProcessRunner.start(
            Paths.executable("migrator"), arguments,
            extraEnvironment: ["DATABASE_URL": url, "MIGRATIONS_DIR": directory].merging(extra) { _, b in b })
    }

    /// Asks `sql` every 50 ms until it answers `value`, for at most `seconds`; whether it did.
    func waitUntil(_ sql: String, is value: String, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? query(sql)) == value { return true }
            usleep(50_000)
        }
        return false
    }

    /// One query's output through psql, unaligned and tuples only.
    @discardableResult
    func query(_ sql: String) throws -> String {
        try psql(url, sql)
    }

    func historyVersions() throws -> [String] {
        try query("SELECT version FROM migrator_history ORDER BY version_order").split(separator: "\n").map(String.init)
    }
}

@discardableResult
func psql(_ url: String, _ sql: String) throws -> String {
    let result = try ProcessRunner.run("/usr/bin/psql", ["-X", "-qAt", "-v", "ON_ERROR_STOP=1", url, "-c", sql], timeout: 60)
    guard result.status == 0 else {
        throw NSError(domain: "psql", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
    }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}
