import AWSClient
@testable import ECSRunEdge
@testable import ECSTasks
import XCTest

/// The `run` entry point end to end against scripted ECS and Logs.
final class TaskRunnerTests: XCTestCase {
    var ecs = FakeECS()
    var logs = FakeLogs()
    var clock = FakeClock()
    var output = CapturedOutput()

    override func setUp() {
        ecs = FakeECS(); logs = FakeLogs(); clock = FakeClock(); output = CapturedOutput()
        ecs.clock = clock
        ecs.definition = appDefinition()
        ecs.runAnswer = RunTaskResponse(tasks: [task("PROVISIONING", [container("app", "PENDING")])], failures: [])
    }

    let awslogs = LogConfiguration(logDriver: "awslogs", options: ["awslogs-group": "/ecs/app", "awslogs-stream-prefix": "ecs"])

    func runner(interrupted: @escaping () -> Bool = { false }) -> DrivenRunner {
        DrivenRunner(
            runner: TaskRunner(ecs: ecs, logs: { _ in self.logs }, clock: clock, region: "us-east-1", isInterrupted: interrupted),
            output: output, clock: clock)
    }

    func display(_ edit: (inout DisplayOptions) -> Void) -> DisplayOptions {
        var options = DisplayOptions()
        edit(&options)
        return options
    }

    func config(_ edit: (inout RunConfiguration) -> Void = { _ in }) -> RunConfiguration {
        var c = RunConfiguration()
        c.cluster = "c1"
        c.taskDefinition = "app"
        c.subnets = ["s1"]
        c.command = ["echo", "hi"]
        edit(&c)
        return c
    }

    func testDryRunPrintsExactlyTheRequestThatIsSent() throws {
        let edit: (inout RunConfiguration) -> Void = {
            $0.container = "app"; $0.environment = [KeyValuePair(name: "A", value: "1")]; $0.tags = [Tag(key: "t", value: "v")]
            $0.idempotencyKey = String(repeating: "x", count: 80); $0.launchType = "FARGATE"
        }
        XCTAssertEqual(
            runner().run(
                config {
                    edit(&$0); $0.dryRun = true
                }), 0)
        XCTAssertTrue(ecs.runCalls.isEmpty && ecs.definitionCalls.isEmpty && ecs.describeCalls.isEmpty, "calls nothing")
        let printed = try JSONDecoder().decode(RunTaskRequest.self, from: Data(output.out.utf8))

        ecs.describeAnswers = [.tasks([task("STOPPED", [container("app", "STOPPED", exit: 0)])])]
        XCTAssertEqual(runner().run(config(edit)), 0)
        XCTAssertEqual(ecs.runCalls, [printed])
        XCTAssertEqual(printed.clientToken?.count, 64)
    }

    /// The AWS client retries RunTask after a timeout or a 5xx; like the AWS SDKs, each run sends a token
    /// made once before the first attempt, so a retry whose first attempt did start a task starts no second one.
    func testWithoutAnIdempotencyKeyEachRunSendsItsOwnRandomClientToken() throws {
        ecs.describeAnswers = [.tasks([task("STOPPED", [container("app", "STOPPED", exit: 0)])])]
        XCTAssertEqual(runner().run(config()), 0)
        XCTAssertEqual(runner().run(config()), 0)
        let tokens = ecs.runCalls.compactMap(\.clientToken)
        XCTAssertEqual(tokens.count, 2, "\(ecs.runCalls)")
        for token in tokens {
            XCTAssertTrue((1...ClientToken.maxLength).contains(token.utf8.count), token)
            XCTAssertTrue(token.utf8.allSatisfy { (33...126).contains($0) }, token)
        }
        XCTAssertNotEqual(tokens.first, tokens.last)

        // --dry-run prints the token it would send.
        XCTAssertEqual(
            runner().run(
                config {
                    $0.dryRun = true; $0.container = "app"
                }), 0)
        let printed = try JSONDecoder().decode(RunTaskRequest.self, from: Data(output.out.utf8))
        XCTAssertNotNil(printed.clientToken)
    }

    func testSuccessStreamsLogsAndPrintsASummary() {
        logs.append("ecs/app/0123456789abcdef", ["hello", "world"])
        ecs.describeAnswers = [
            .tasks([task("RUNNING", [container("app")])]),
            .tasks([task("DEPROVISIONING", [container("app", "STOPPED", exit: 0)])]),
        ]
        XCTAssertEqual(runner().run(config()), 0)
        XCTAssertEqual(output.out, "hello\nworld\n", "logs on stdout, without prefix for one container")
        XCTAssertTrue(output.err.contains("PROVISIONING → RUNNING"), output.err)
        XCTAssertTrue(output.err.contains("task 0123456789abcdef exited with 0"), output.err)
        XCTAssertTrue(output.err.contains("console.aws.amazon.com/cloudwatch"), output.err)
        XCTAssertFalse(output.err.contains("\u{1B}"), "no colour or cursor control when not a terminal")
    }

    func testExitCodePassesThroughAndJSONIsTheOnlyStdout() throws {
        logs.append("ecs/app/0123456789abcdef", ["boom"])
        var stopped = task(
            "STOPPED", [container("app", "STOPPED", exit: 3)], stopCode: "EssentialContainerExited",
            reason: "Essential container in task exited")
        stopped.clusterArn = "arn:aws:ecs:us-east-1:123456789012:cluster/c1"
        stopped.startedAt = Date(timeIntervalSince1970: 1_700_000_000)
        stopped.stoppedAt = Date(timeIntervalSince1970: 1_700_000_012.5)
        ecs.describeAnswers = [.tasks([stopped])]
        XCTAssertEqual(runner().run(config(), display: display { $0.format = .json }), 3)
        let object = try JSONSerialization.jsonObject(with: Data(output.out.utf8)) as! [String: Any]
        XCTAssertEqual(object["taskArn"] as? String, taskArn)
        XCTAssertEqual(object["cluster"] as? String, "arn:aws:ecs:us-east-1:123456789012:cluster/c1")
        XCTAssertEqual(object["taskDefinitionArn"] as? String, "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1")
        XCTAssertEqual(object["lastStatus"] as? String, "STOPPED")
        XCTAssertEqual(object["stopCode"] as? String, "EssentialContainerExited")
        XCTAssertEqual(object["stoppedReason"] as? String, "Essential container in task exited")
        XCTAssertEqual(object["startedAt"] as? String, "2023-11-14T22:13:20.000Z")
        XCTAssertEqual(object["stoppedAt"] as? String, "2023-11-14T22:13:32.500Z")
        XCTAssertEqual(object["exitCode"] as? Int, 3)
        let containers = object["containers"] as! [[String: Any]]
        XCTAssertEqual(containers.count, 1)
        XCTAssertEqual(containers[0]["name"] as? String, "app")
        XCTAssertEqual(containers[0]["exitCode"] as? Int, 3)
        XCTAssertEqual(containers[0]["lastStatus"] as? String, "STOPPED")
        XCTAssertTrue(containers[0].keys.contains("reason"))
        XCTAssertEqual(object["logGroup"] as? String, "/ecs/app")
        XCTAssertEqual(object["logStreams"] as? [String], ["ecs/app/0123456789abcdef"])
        XCTAssertTrue(output.err.contains("boom"), "log lines go to stderr with --output json")
    }

    func testRunTaskFailuresEndWith125AndSayWhy() {
        ecs.runAnswer = RunTaskResponse(
            tasks: [],
            failures: [Failure(arn: "arn:aws:ecs:...:container-instance/x", reason: "RESOURCE:MEMORY", detail: "not enough memory")])
        XCTAssertEqual(runner().run(config()), 125)
        XCTAssertTrue(output.err.contains("RESOURCE:MEMORY"), output.err)
        XCTAssertTrue(output.err.contains("not enough memory"), output.err)
        XCTAssertTrue(ecs.describeCalls.isEmpty)
    }

    func testAWSErrorsEndWith125AndNameTheError() {
        ecs.definition = nil
        XCTAssertEqual(runner().run(config()), 125)
        XCTAssertTrue(output.err.contains("ClientException"), output.err)
        XCTAssertTrue(ecs.runCalls.isEmpty)
    }

    func testStoppedWithoutExitCodeExplains() {
        ecs.describeAnswers = [
            .tasks([
                task(
                    "STOPPED", [container("app", "STOPPED", reason: "ResourceInitializationError: unable to pull secrets")],
                    stopCode: "TaskFailedToStart", reason: "ResourceInitializationError: unable to pull secrets or registry auth")
            ])
        ]
        XCTAssertEqual(runner().run(config()), 125)
        for text in [
            "stopCode: TaskFailedToStart", "stoppedReason: ResourceInitializationError",
            "container app: STOPPED, reason: ResourceInitializationError", "hint:",
        ] {
            XCTAssertTrue(output.err.contains(text), "\(text) in \(output.err)")
        }
        XCTAssertFalse(output.err.contains("logs:"), "a task that never started names no log stream: \(output.err)")
    }

    func testSeveralContainersPrefixTheirLines() {
        ecs.definition?.containerDefinitions = [
            ContainerDefinition(name: "app", logConfiguration: awslogs),
            ContainerDefinition(name: "proxy", essential: false, logConfiguration: awslogs),
        ]
        logs.events["ecs/app/0123456789abcdef"] = [OutputLogEvent(timestamp: 2, message: "from app")]
        logs.events["ecs/proxy/0123456789abcdef"] = [OutputLogEvent(timestamp: 1, message: "from proxy")]
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app", "STOPPED", exit: 0), container("proxy")])])]
        XCTAssertEqual(runner().run(config { $0.container = "app" }), 0)
        XCTAssertEqual(output.out, "proxy | from proxy\napp | from app\n")
    }

    func testTimeoutIs124AndStopsOnce() {
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        XCTAssertEqual(runner().run(config { $0.watch.timeout = 5 }), 124)
        XCTAssertEqual(ecs.stopCalls.count, 1)
        XCTAssertTrue(output.err.contains("timeout of 5.0s reached"), output.err)
    }

    func testInterruptIs130AndStopsOnce() {
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        var polls = 0
        let status = runner(interrupted: {
            polls += 1; return polls > 20
        }).run(config())
        XCTAssertEqual(status, 130)
        XCTAssertEqual(ecs.stopCalls.count, 1)
        XCTAssertTrue(ecs.stopCalls[0].reason?.contains("ecs-run") ?? false)
    }

    func testAfterStdoutClosesTheLogsAreNoLongerReadButTheTaskIsFollowedToItsExitCode() {
        output.outClosesAfter = 1
        logs.append("ecs/app/0123456789abcdef", ["one"])
        ecs.describeAnswers =
            Array(repeating: .tasks([task("RUNNING", [container("app")])]), count: 10)
            + [.tasks([task("STOPPED", [container("app", "STOPPED", exit: 3)], stopCode: "EssentialContainerExited")])]
        var n = 0
        clock.onSleep = { _ in
            n += 1; self.logs.append("ecs/app/0123456789abcdef", ["more \(n)"], at: Int64(n))
        }
        XCTAssertEqual(runner().run(config()), 3)
        XCTAssertEqual(output.out, "one\n")
        XCTAssertTrue(output.err.contains("stdout is closed"), output.err)
        XCTAssertTrue(output.err.contains("exited with 3"), output.err)
        XCTAssertLessThanOrEqual(logs.calls.count, 2, "no more reads once nobody reads the lines")
    }

    func testNoWaitPrintsTheArn() {
        XCTAssertEqual(runner().run(config { $0.wait = false }), 0)
        XCTAssertEqual(output.out, taskArn + "\n")
        XCTAssertTrue(ecs.describeCalls.isEmpty)
    }

    func testQuietPrintsOnlyLogs() {
        logs.append("ecs/app/0123456789abcdef", ["only this"])
        ecs.describeAnswers = [.tasks([task("STOPPED", [container("app", "STOPPED", exit: 0)])])]
        XCTAssertEqual(runner().run(config(), display: display { $0.quiet = true }), 0)
        XCTAssertEqual(output.out, "only this\n")
        XCTAssertEqual(output.err, "")
    }

    func testTerminalGetsOneStatusLineAndColourOnlyWhenAllowed() {
        ecs.describeAnswers = [
            .tasks([task("RUNNING", [container("app")])]), .tasks([task("STOPPED", [container("app", "STOPPED", exit: 0)])]),
        ]
        XCTAssertEqual(
            runner().run(
                config(),
                display: display {
                    $0.interactive = true; $0.color = false
                }), 0)
        XCTAssertTrue(output.err.contains("\r\u{1B}[K"), "status line redrawn in place")
        XCTAssertFalse(output.err.contains("\u{1B}[3"), "no colour")
        XCTAssertTrue(output.err.contains("PROVISIONING → RUNNING"), output.err)
        XCTAssertEqual(
            output.err.filter { $0 == "\n" }.count, 2,
            "only the start note and the summary end lines: \(output.err.debugDescription)")
    }
}
