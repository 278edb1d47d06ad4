import Foundation
import TestSupport
import XCTest

/// The whole flow on one machine: ecs-run → local ECS → migrator (a real process) → PostgreSQL.
///
/// The local ECS runs an image whose repository ends in `migrator` as the built migrator
/// (`LOCAL_ECS_MIGRATOR`, set by scripts/test). Each test gets its own database and migrations
/// directory, passed to the task as environment overrides, as a deploy pipeline would.
final class EndToEndTests: XCTestCase {
    var ecs: ECSRunFixture!
    var db: MigratorFixture!
    var family = ""

    override func setUpWithError() throws {
        ecs = try ECSRunFixture.shared()
        db = try MigratorFixture()
        family = try ecs.registerTaskDefinition(
            family: "e2e-migrator", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-migrator:1.0",
            container: "migrator", command: ["up"])
    }

    override func tearDown() { db?.tearDown() }

    /// ecs-run for the migrator task, pointed at this test's database and directory.
    private func runOptions(family: String? = nil) -> [String] {
        ecs.launchOptions(family: family ?? self.family) + ["-e", "DATABASE_URL=\(db.url)", "-e", "MIGRATIONS_DIR=\(db.directory)"]
    }

    func testMigrationsRunInTheTaskAndTheLogsStreamInOrder() throws {
        try db.write("1_customers.up.sql", "CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);\n")
        try db.write(
            "2_orders.sql",
            "-- migrate:up\nCREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers);\n-- migrate:down\nDROP TABLE orders;\n"
        )
        try db.write(
            "3_orders_customer.up.sql", "-- migrator:no-transaction\nCREATE INDEX CONCURRENTLY orders_customer ON orders (customer_id);\n")
        let result = try ecs.ecsRun(runOptions() + ["--timeout", "2m"])
        XCTAssertEqual(result.status, 0, result.output)
        let logged = result.stdout.split(separator: "\n").filter { $0.hasPrefix("applied ") && $0.hasSuffix("ms)") }.map(String.init)
        XCTAssertEqual(
            logged.map { $0.components(separatedBy: "applied ")[1].components(separatedBy: " ")[0] },
            ["1_customers", "2_orders", "3_orders_customer"], "the task's log lines, streamed in order: \(result.output)")
        XCTAssertEqual(try db.query("SELECT count(*) FROM pg_class WHERE relname IN ('customers', 'orders', 'orders_customer')"), "3")
        XCTAssertEqual(try db.historyVersions(), ["1", "2", "3"])
        XCTAssertTrue(result.stderr.contains("exited with 0"), result.stderr)
    }

    func testAFailingMigrationsExitCodePassesThroughWithTheSQLErrorInTheLogs() throws {
        try db.write("1_ok.up.sql", "CREATE TABLE ok (id int);\n")
        try db.write("2_broken.up.sql", "CREATE TABLE broken (id int);\n\nALTER TABLE broken ADD COLUMN total numerc(10,2);\n")
        let result = try ecs.ecsRun(runOptions() + ["--timeout", "2m"])
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.output.contains("2_broken.up.sql:3:"), "file:line of the error in the task's logs: \(result.output)")
        XCTAssertTrue(result.output.contains("type \"numerc\" does not exist"), result.output)
        XCTAssertEqual(try db.historyVersions(), ["1"])
        XCTAssertEqual(try db.query("SELECT to_regclass('broken') IS NULL"), "t")
    }

    func testAnImageWithNoLocalProgramFailsToStartWith125() throws {
        let unknown = try ecs.registerTaskDefinition(
            family: "e2e-unpullable", image: "registry.example.com/team/nothing-here:3",
            container: "app", command: ["run"])
        let result = try ecs.ecsRun(runOptions(family: unknown) + ["--timeout", "1m"])
        XCTAssertEqual(result.status, 125, result.output)
        XCTAssertTrue(result.stderr.contains("CannotPullContainerError"), result.stderr)
        XCTAssertTrue(result.stderr.contains("TaskFailedToStart"), result.stderr)
    }

    func testTimeoutExits124AndStopsTheTaskWithSIGTERM() throws {
        try db.write("1_slow.up.sql", "CREATE TABLE slow (id int);\nSELECT pg_sleep(120);\n")
        let started = Date()
        let result = try ecs.ecsRun(runOptions() + ["--timeout", "4s"], timeout: 60)
        XCTAssertEqual(result.status, 124, result.output)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        let arn = try taskArn(in: result.stderr)
        let task = try waitForContainerExit(arn)
        XCTAssertEqual(task["stopCode"] as? String, "UserInitiated")
        let container = (task["containers"] as? [[String: Any]])?.first
        XCTAssertEqual(container?["exitCode"] as? Int, 128 + Int(SIGTERM), "the migrator was ended by SIGTERM: \(task)")
        XCTAssertEqual(try db.historyVersions(), [], "the interrupted transaction left nothing behind")
    }

    func testSIGINTExits130WithExactlyOneStopTask() throws {
        try db.write("1_slow.up.sql", "SELECT pg_sleep(120);\n")
        let process = try ProcessRunner.start(
            Paths.executable("ecs-run"), runOptions() + ["--timeout", "2m"], environment: ecs.awsEnvironment)
        let deadline = Date().addingTimeInterval(30)
        while !process.currentStderr.contains("RUNNING"), Date() < deadline { usleep(50_000) }
        let stopsBefore = try ecs.loggedOperations().filter { $0 == "StopTask" }.count
        process.signal(SIGINT)
        let result = process.wait(timeout: 30)
        XCTAssertEqual(result.status, 130, result.output)
        XCTAssertEqual(try ecs.loggedOperations().filter { $0 == "StopTask" }.count - stopsBefore, 1, "exactly one StopTask")
        let task = try waitForContainerExit(try taskArn(in: result.stderr))
        XCTAssertTrue((task["stoppedReason"] as? String)?.contains("ecs-run") ?? false, "\(task["stoppedReason"] ?? "")")
    }

    /// Terraform cancels an interrupted local-exec by SIGKILL to its shell; ecs-run, orphaned, stops the task.
    func testTheTaskIsStoppedWhenTheShellThatStartedEcsRunIsKilled() throws {
        try db.write("1_slow.up.sql", "SELECT pg_sleep(120);\n")
        let words = ([Paths.executable("ecs-run")] + runOptions() + ["--timeout", "2m"]).map { "'" + $0 + "'" }
        let shell = try ProcessRunner.start("/bin/sh", ["-c", words.joined(separator: " ") + "; exit $?"], environment: ecs.awsEnvironment)
        let deadline = Date().addingTimeInterval(30)
        while !shell.currentStderr.contains("RUNNING"), Date() < deadline { usleep(50_000) }
        let arn = try taskArn(in: shell.currentStderr)
        let stopsBefore = try ecs.loggedOperations().filter { $0 == "StopTask" }.count
        shell.signal(SIGKILL)
        _ = shell.wait(timeout: 10)
        let task = try waitForContainerExit(arn)
        XCTAssertEqual(task["stopCode"] as? String, "UserInitiated", "\(task)")
        XCTAssertTrue((task["stoppedReason"] as? String)?.contains("ecs-run") ?? false, "\(task["stoppedReason"] ?? "")")
        XCTAssertEqual(try ecs.loggedOperations().filter { $0 == "StopTask" }.count - stopsBefore, 1, "exactly one StopTask")
    }

    func testWaitForExitReturnsBeforeASlowDeprovisioningEnds() throws {
        try ecs.setDeprovisionSeconds(15)
        defer { try? ecs.setDeprovisionSeconds(2) }
        try db.write("1_a.up.sql", "CREATE TABLE a (id int);\n")
        let started = Date()
        let result = try ecs.ecsRun(runOptions() + ["--wait-for", "exit", "--timeout", "2m"])
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertLessThan(elapsed, 12, "ecs-run waited for the 15 s deprovisioning")
        let task = try ecs.describeTask(try taskArn(in: result.stderr))
        XCTAssertNotEqual(task["lastStatus"] as? String, "STOPPED", "ecs-run returned before the task was STOPPED")
    }

    /// The task ARN or id from ecs-run's summary or status lines.
    private func taskArn(in stderr: String) throws -> String {
        let pattern = try NSRegularExpression(pattern: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        guard let match = pattern.firstMatch(in: stderr, range: NSRange(stderr.startIndex..., in: stderr)),
            let range = Range(match.range, in: stderr)
        else {
            throw ECSRunFixture.Failure(description: "no task id in: \(stderr)")
        }
        return String(stderr[range])
    }

    /// Polls DescribeTasks (bounded) until the first container has an exit code.
    private func waitForContainerExit(_ task: String) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(45)
        while true {
            let described = try ecs.describeTask(task)
            let container = (described["containers"] as? [[String: Any]])?.first
            if container?["exitCode"] != nil || Date() > deadline { return described }
            usleep(250_000)
        }
    }
}
