import Foundation
import TestSupport
import XCTest

/// How the migrator reaches its files: symbolic links (as Kubernetes ConfigMap volumes make them) only
/// inside the directory, permission problems named with the user it ran as, and large files sent in
/// pieces. Run as a process against the local PostgreSQL.
final class MigratorFileAccessTests: XCTestCase {
    var f: MigratorFixture!
    var outside: String!

    override func setUpWithError() throws {
        f = try MigratorFixture()
        outside = NSTemporaryDirectory() + "outside-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    }

    override func tearDown() {
        f?.tearDown()
        if let outside { try? FileManager.default.removeItem(atPath: outside) }
    }

    private func link(_ name: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: f.directory + "/" + name, withDestinationPath: target)
    }

    /// A ConfigMap volume: the files live in a timestamped directory, `..data` points at it, and each file
    /// name is a link through `..data`. All of it is inside the directory, so it works as plain files do.
    func testTheKubernetesConfigMapLayoutWorks() throws {
        let stamped = "..2026_12_05_10_00_00.123456789"
        try FileManager.default.createDirectory(atPath: f.directory + "/" + stamped, withIntermediateDirectories: true)
        let files = [
            "20261201090000_create_orders.up.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
            "20261201090000_create_orders.down.sql": "DROP TABLE orders;\n",
            "20261202090000_add_total.sql":
                "-- migrate:up\nALTER TABLE orders ADD COLUMN total numeric;\n-- migrate:down\nALTER TABLE orders DROP COLUMN total;\n",
            "R__order_count.sql": "CREATE OR REPLACE VIEW order_count AS SELECT count(*) AS n FROM orders;\n",
        ]
        for (name, text) in files {
            try text.write(toFile: f.directory + "/" + stamped + "/" + name, atomically: true, encoding: .utf8)
        }
        try link("..data", to: stamped)
        for name in files.keys { try link(name, to: "..data/" + name) }

        let up = try f.migrator(["up"])
        XCTAssertEqual(up.status, 0, up.output)
        XCTAssertTrue(up.stderr.contains("applied 3 migrations"), up.stderr)
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_views WHERE viewname = 'order_count'"), "1")
        let status = try f.migrator(["status"])
        XCTAssertEqual(status.status, 0, status.output)
        XCTAssertTrue(status.stdout.contains("20261202090000  add_total"), status.stdout)
        XCTAssertEqual(try f.migrator(["validate"]).status, 0)
        let down = try f.migrator(["down"])
        XCTAssertEqual(down.status, 0, down.output)
        XCTAssertEqual(try f.query("SELECT count(*) FROM information_schema.columns WHERE column_name = 'total'"), "0")
    }

    /// A link named like a migration that leads out of the directory (to /etc/passwd, another project's SQL,
    /// or nowhere) is a bad file naming where it leads; nothing is sent to the server.
    func testALinkLeadingOutOfTheDirectoryIsRefusedWithWhereItLeads() throws {
        try f.write("0001_fine.up.sql", "CREATE TABLE fine (id int);\n")
        try "CREATE TABLE stolen (id int);\n".write(toFile: outside + "/other.sql", atomically: true, encoding: .utf8)
        try link("0002_passwd.up.sql", to: "/etc/passwd")
        try link("0003_other.up.sql", to: outside + "/other.sql")
        try link("0004_sneaky.up.sql", to: "../" + URL(fileURLWithPath: outside).lastPathComponent + "/other.sql")
        try link("0005_dangling.up.sql", to: outside + "/none.sql")
        let realOutside = URL(fileURLWithPath: outside).resolvingSymlinksInPath().path
        for command in [["up"], ["up", "--dry-run"], ["status"]] {
            let r = try f.migrator(command)
            XCTAssertEqual(r.status, 64, r.output)
            XCTAssertTrue(r.stderr.contains("4 problems with the migration files; nothing was applied"), r.stderr)
            XCTAssertTrue(
                r.stderr.contains("0002_passwd.up.sql: is a symbolic link to /etc/passwd, outside the migrations directory: refused"),
                r.stderr)
            XCTAssertTrue(r.stderr.contains("0003_other.up.sql: is a symbolic link to \(realOutside)/other.sql, outside"), r.stderr)
            XCTAssertTrue(r.stderr.contains("0004_sneaky.up.sql: is a symbolic link to \(realOutside)/other.sql, outside"), r.stderr)
            XCTAssertTrue(
                r.stderr.contains("0005_dangling.up.sql: is a symbolic link to \(outside!)/none.sql, which does not exist"), r.stderr)
            XCTAssertFalse(r.output.contains("root:"), r.output)
        }
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE tablename IN ('fine', 'stolen', 'migrator_history')"), "0")
    }

    /// The migrator as another user than the files' owner: root reads everything, so as root the test runs
    /// it as nobody. The message names the path and that user.
    func testPermissionDeniedNamesThePathAndTheUser() throws {
        try f.write("0001_a.up.sql", "CREATE TABLE a (id int);\n")
        try f.write("0002_locked.up.sql", "CREATE TABLE locked (id int);\n")
        chmod(f.directory + "/0002_locked.up.sql", 0o600)
        let asRoot = getuid() == 0
        // nobody must reach the directory, whose parent is the system's temporary directory.
        chmod(f.directory, 0o755)
        func run(_ arguments: [String]) throws -> ProcessResult {
            guard asRoot else { return try f.migrator(arguments) }
            return try ProcessRunner.run(
                "/usr/bin/setpriv",
                ["--reuid=65534", "--regid=65534", "--clear-groups", Paths.executable("migrator")] + arguments,
                extraEnvironment: ["DATABASE_URL": f.url, "MIGRATIONS_DIR": f.directory], directory: "/", timeout: 60)
        }
        let who = asRoot ? "user nobody (uid 65534)" : "(uid \(getuid()))"
        var r = try run(["up"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(
            r.stderr.contains("\(f.directory)/0002_locked.up.sql: cannot be read: permission denied (the migrator runs as "), r.stderr)
        XCTAssertTrue(r.stderr.contains(who), r.stderr)

        chmod(f.directory, 0o311)
        r = try run(["status"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(
            r.stderr.contains("\(f.directory): cannot list the directory: permission denied (the migrator runs as "), r.stderr)
        XCTAssertTrue(r.stderr.contains(who), r.stderr)
        XCTAssertFalse(r.output.contains("CocoaError"), r.output)

        // A directory inside one that may not be searched: not "no such directory".
        try FileManager.default.createDirectory(atPath: f.directory + "/inner", withIntermediateDirectories: true)
        chmod(f.directory, 0o600)
        r = try run(["status", "--dir", f.directory + "/inner"])
        XCTAssertEqual(r.status, 64, r.output)
        XCTAssertTrue(
            r.stderr.contains("\(f.directory)/inner: cannot list the directory: permission denied (the migrator runs as "), r.stderr)
        chmod(f.directory, 0o755)
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'locked')"), "0")
    }

    /// Above 256 KiB a section goes to the server in pieces of whole statements, all in the migration's one
    /// transaction: everything applies, and an error in a later piece rolls back the earlier ones and still
    /// names the file's own line and column.
    func testALargeDataMigrationRunsInOneTransactionAndErrorsPointIntoIt() throws {
        var text = "-- migrate:up\nCREATE TABLE cities (id int PRIMARY KEY, name text NOT NULL);\n"
        let rows = 40_000
        for i in 1...rows { text += "INSERT INTO cities VALUES (\(i), 'city number \(i), é');\n" }
        text += "-- migrate:down\nDROP TABLE cities;\n"
        XCTAssertGreaterThan(text.utf8.count, 2 << 20)
        try f.write("0001_cities.sql", text)
        var r = try f.migrator(["up"], timeout: 300)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(try f.query("SELECT count(*) FROM cities"), "\(rows)")
        XCTAssertEqual(try f.migrator(["down"]).status, 0)

        // Row 30,000 (file line 30,002) fails, in the second or third piece.
        let broken = text.replacingOccurrences(
            of: "INSERT INTO cities VALUES (30000, 'city number 30000, é');", with: "INSERT INTO cities VALUES (29999, 'twice');")
        try f.write("0001_cities.sql", broken)
        r = try f.migrator(["up"], timeout: 300)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("migration 0001_cities failed at \(f.directory)/0001_cities.sql:30002"), r.stderr)
        XCTAssertTrue(r.stderr.contains("ERROR 23505"), r.stderr)
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE tablename = 'cities'"), "0")
        XCTAssertEqual(try f.historyVersions(), [])

        // A position the server gives (a syntax error) is mapped through the pieces before it.
        let bad = "INSERT INTO cities VALUES (35000, 'é', );"
        let column = bad.unicodeScalars.distance(from: bad.unicodeScalars.startIndex, to: bad.unicodeScalars.firstIndex(of: ")")!) + 1
        try f.write(
            "0001_cities.sql", text.replacingOccurrences(of: "INSERT INTO cities VALUES (35000, 'city number 35000, é');", with: bad))
        r = try f.migrator(["up"], timeout: 300)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("0001_cities.sql:35002:\(column)"), r.stderr)
        XCTAssertEqual(try f.historyVersions(), [])
    }
}
