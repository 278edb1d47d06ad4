import Foundation
import TestSupport
import XCTest

/// How ecs-run ends when the task does not end first: the timeout, an interrupt, an endpoint that hangs, a
/// closed stdout. As a process against the local stack.
extension ECSRunTests {
    func testInterruptStopsTheTaskOnceAndExits130() throws {
        let launched = try fx.ecsRun(fx.launchOptions + ["--no-wait", "--", "sleep", "60"])
        let arn = launched.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let process = try ProcessRunner.start(
            Paths.executable("ecs-run"), ["wait", "--cluster", fx.cluster, "--wait-for", "stopped", arn],
            environment: fx.awsEnvironment)
        let deadline = Date().addingTimeInterval(20)
        while !process.currentStderr.contains("RUNNING"), Date() < deadline { usleep(50_000) }
        let stopsBefore = try fx.loggedOperations().filter { $0 == "StopTask" }.count
        // As a process group receives it: Ctrl-C from the terminal, then the same interrupt passed on by
        // `timeout` or a CI runner. The repeats are one interrupt, not a second Ctrl-C that ends ecs-run
        // before its StopTask (which left the task running).
        process.signal(SIGINT)
        process.signal(SIGINT)
        process.signal(SIGTERM)
        let result = process.wait(timeout: 20)
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertFalse(result.timedOut)
        XCTAssertTrue(result.stderr.contains("interrupted"), result.stderr)
        XCTAssertEqual(try fx.loggedOperations().filter { $0 == "StopTask" }.count - stopsBefore, 1, "exactly one StopTask")
        let task = try fx.describeTask(arn)
        XCTAssertEqual(task["desiredStatus"] as? String, "STOPPED")
        XCTAssertTrue((task["stoppedReason"] as? String)?.contains("ecs-run") ?? false)
    }

    /// CloudWatch Logs that accepts connections and never answers (a missing VPC endpoint, a stuck proxy)
    /// must not hide the task's end: each read while the task runs, and the drain after it, is cut short
    /// at its own limit, so the exit code comes seconds after the container's exit instead of after the
    /// AWS client's three 60 s attempts at every read.
    func testAHangingLogsEndpointDelaysTheExitCodeBySecondsOnly() throws {
        let silent = try SilentServer()
        let started = Date()
        let result = try fx.ecsRun(
            fx.launchOptions + ["--", "sh", "-c", "echo hi; sleep 1; exit 3"],
            environment: ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": "http://127.0.0.1:\(silent.port)"], timeout: 90)
        let took = Date().timeIntervalSince(started)
        XCTAssertEqual(result.status, 3, result.output)
        XCTAssertFalse(result.timedOut)
        XCTAssertLessThan(took, 30, result.output)
        XCTAssertTrue(result.stderr.contains("the last log lines may be missing"), result.stderr)
    }

    /// --timeout bounds the calls before RunTask too: an ECS endpoint that never answers ends the run at
    /// the timeout (124, nothing started), not after the AWS client's three 60 s attempts (125).
    func testTheTimeoutAlsoBoundsTheCallsBeforeRunTask() throws {
        let silent = try SilentServer()
        let started = Date()
        let result = try fx.ecsRun(
            fx.launchOptions + ["--timeout", "3s", "--", "true"],
            environment: ["AWS_ENDPOINT_URL_ECS": "http://127.0.0.1:\(silent.port)"], timeout: 90)
        XCTAssertEqual(result.status, 124, result.output)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, result.output)
        XCTAssertTrue(
            result.stderr.contains(
                "passed while DescribeTaskDefinition \(fx.family) had not answered; no task was started"),
            result.stderr)
    }

    /// `ecs-run ... | head -1`: once stdout is gone, ecs-run still follows the task to its end and exits
    /// with the container's code, instead of dying of SIGPIPE (141) and leaving the task running.
    func testAClosedStdoutStopsTheLogLinesButNotTheWait() throws {
        let script = #"echo one; sleep 2; echo two; sleep 2; echo three; exit 3"#
        let pipeline = #""$0" "$@" | head -n 1; exit "${PIPESTATUS[0]}""#
        let result = try ProcessRunner.run(
            "/bin/bash",
            ["-c", pipeline, Paths.executable("ecs-run")]
                + fx.launchOptions + ["--timeout", "60s", "--", "sh", "-c", script],
            environment: fx.awsEnvironment, timeout: 90)
        XCTAssertEqual(result.status, 3, result.output)
        XCTAssertEqual(result.stdout, "one\n")
        XCTAssertTrue(result.stderr.contains("stdout is closed"), result.stderr)
        XCTAssertTrue(result.stderr.contains("exited with 3"), result.stderr)
    }

    func testWaitTimeoutStopsTheTaskAndExits124() throws {
        let launched = try fx.ecsRun(fx.launchOptions + ["--no-wait", "--", "sleep", "60"])
        let arn = launched.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let started = Date()
        let result = try fx.ecsRun(["wait", "--cluster", fx.cluster, "--wait-for", "stopped", "--timeout", "2s", arn])
        XCTAssertEqual(result.status, 124, result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertTrue(result.stderr.contains("timeout of 2.0s reached"), result.stderr)
        let task = try fx.describeTask(arn)
        XCTAssertEqual(task["desiredStatus"] as? String, "STOPPED")
        XCTAssertEqual(task["stopCode"] as? String, "UserInitiated")
        XCTAssertTrue((task["stoppedReason"] as? String)?.contains("ecs-run") ?? false, "\(task["stoppedReason"] ?? "")")
    }
}
