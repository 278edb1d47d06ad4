import Foundation
import TestSupport
import XCTest

final class MigratorConnectionTests: XCTestCase {
    func testWrongPasswordNeverAppearsInTheOutput() throws {
        let stack = try LocalStack.current()
        let secret = "Wr0ng-Pa55word-zq"
        let dir = NSTemporaryDirectory() + "mig-empty-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "SELECT 1;".write(toFile: dir + "/1_a.up.sql", atomically: true, encoding: .utf8)
        let url = "postgresql://postgres:\(secret)@127.0.0.1:\(stack.environment["LOCAL_STACK_PG_PORT"]!)/postgres"
        for args in [["up"], ["up", "--wait", "2s"], ["status", "--output", "json"], ["up", "--database-url", url]] {
            let r = try ProcessRunner.run(
                Paths.executable("migrator"), args + ["--dir", dir],
                extraEnvironment: ["DATABASE_URL": url], timeout: 30)
            XCTAssertEqual(r.status, 5, "\(args): \(r.output)")
            XCTAssertTrue(r.stderr.contains("password authentication failed"), r.stderr)
            XCTAssertFalse(r.output.contains(secret), "\(args) printed the password")
        }
        // PGPASSWORD is read by libpq itself; it never shows either.
        let r = try ProcessRunner.run(
            Paths.executable("migrator"), ["up", "--dir", dir],
            extraEnvironment: [
                "DATABASE_URL": "", "PGHOST": "127.0.0.1", "PGPORT": stack.environment["LOCAL_STACK_PG_PORT"]!,
                "PGUSER": "postgres", "PGPASSWORD": secret, "PGDATABASE": "postgres",
            ])
        XCTAssertEqual(r.status, 5)
        XCTAssertFalse(r.output.contains(secret))
    }

    /// A database that starts accepting connections 5 s after the migrator starts: --wait rides it out.
    func testWaitForADatabaseThatStartsLater() throws {
        let server = try LateServer()
        defer { server.stop() }
        let dir = NSTemporaryDirectory() + "mig-wait-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "CREATE TABLE waited (id int);".write(toFile: dir + "/1_a.up.sql", atomically: true, encoding: .utf8)
        let url = "postgresql://postgres@127.0.0.1:\(server.port)/postgres"

        // It tries until the wait is up, not until the next backoff step would pass it (0.25 + 0.5 + 1 s here).
        let tried = Date()
        let quick = try ProcessRunner.run(Paths.executable("migrator"), ["up", "--dir", dir, "--database-url", url, "--wait", "3s"])
        XCTAssertEqual(quick.status, 5, quick.output)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(tried), 3, quick.output)
        XCTAssertTrue(quick.stderr.contains("attempts in 3 s"), quick.stderr)

        let started = Date()
        let migrator = try ProcessRunner.start(Paths.executable("migrator"), ["up", "--dir", dir, "--database-url", url, "--wait", "60s"])
        Thread.sleep(forTimeInterval: 5)
        XCTAssertTrue(migrator.process.isRunning, "the migrator gave up before the server started")
        try server.start()
        let r = migrator.wait(timeout: 60)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 5)
        XCTAssertTrue(r.stderr.contains("waiting for the database"), r.stderr)
        XCTAssertEqual(try psql(url, "SELECT to_regclass('waited') IS NOT NULL"), "t")
    }
}

/// A throwaway PostgreSQL cluster, initialised now and started on demand, as the postgres user.
final class LateServer {
    let directory: String
    let port: Int
    private let bin = "/usr/lib/postgresql/15/bin"

    init() throws {
        directory = "/tmp/late-pg-" + UUID().uuidString.prefix(8)
        port = HostResources.unusedPort()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try asPostgres(["chown", "postgres", directory], root: true)
        try asPostgres(["\(bin)/initdb", "-D", directory + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        let conf = "listen_addresses = '127.0.0.1'\nport = \(port)\nunix_socket_directories = '\(directory)'\nfsync = off\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/data/postgresql.conf"))
        handle.seekToEndOfFile()
        handle.write(Data(conf.utf8))
        try handle.close()
    }

    /// Starts the server. This runs while a migrator child is alive, and Foundation's `Process`
    /// was seen never to notice this second child's exit then, so it is spawned and reaped here.
    func start() throws {
        let ctl = "\(bin)/pg_ctl -D \(directory)/data -l \(directory)/log -w -t 30 start </dev/null >/dev/null 2>&1"
        let argv = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", "/bin/sh", "-c", ctl] : ["/bin/sh", "-c", ctl]
        var pid: pid_t = 0
        let cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        guard posix_spawn(&pid, argv[0], nil, nil, cargs, environ) == 0 else {
            throw NSError(domain: "LateServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot spawn pg_ctl"])
        }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(60)
        while waitpid(pid, &status, WNOHANG) == 0 {
            guard Date() < deadline else { kill(pid, SIGKILL); break }
            usleep(20_000)
        }
    }

    func stop() {
        _ = try? asPostgres(["\(bin)/pg_ctl", "-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func asPostgres(_ argv: [String], root: Bool = false) throws {
        let isRoot = getuid() == 0
        let command = root ? (isRoot ? argv : ["true"]) : (isRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv : argv)
        let r = try ProcessRunner.run(
            command[0].hasPrefix("/") ? command[0] : "/usr/bin/env", command[0].hasPrefix("/") ? Array(command.dropFirst()) : command,
            timeout: 60)
        guard r.status == 0 else {
            throw NSError(domain: "LateServer", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.output])
        }
    }
}
