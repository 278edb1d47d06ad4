import AWSClient
@testable import ECSTasks
import XCTest

/// ECSTasks reports what happens as values, to an observer; it writes nothing itself.
final class TaskEventTests: XCTestCase {
    final class Recorder: TaskObserver {
        var events: [TaskEvent] = []
        var logReaderGone = false
        func observe(_ event: TaskEvent) { events.append(event) }
    }

    var ecs = FakeECS()
    var logs = FakeLogs()
    var clock = FakeClock()
    var recorder = Recorder()

    override func setUp() {
        ecs = FakeECS(); logs = FakeLogs(); clock = FakeClock(); recorder = Recorder()
        ecs.clock = clock
        ecs.definition = appDefinition()
        ecs.runAnswer = RunTaskResponse(tasks: [task("PROVISIONING", [container("app", "PENDING")])], failures: [])
    }

    func run(_ edit: (inout RunConfiguration) -> Void = { _ in }, interrupted: @escaping () -> Bool = { false }) -> TaskOutcome {
        var config = RunConfiguration()
        config.cluster = "c1"
        config.taskDefinition = "app"
        config.subnets = ["s1"]
        edit(&config)
        let runner = TaskRunner(
            ecs: ecs, logs: { _ in self.logs }, clock: clock, region: "us-east-1", linksToConsole: false, isInterrupted: interrupted)
        return runner.run(config, observer: recorder)
    }

    func testARunReportsItsStartStatusesLinesAndSummary() throws {
        logs.append("ecs/app/0123456789abcdef", ["hello"])
        ecs.describeAnswers = [
            .tasks([task("RUNNING", [container("app")])]),
            .tasks([task("STOPPED", [container("app", "STOPPED", exit: 3)], stopCode: "EssentialContainerExited")]),
        ]
        guard case .followed(let result) = run() else { return XCTFail("not followed") }
        XCTAssertEqual(result.ending, .exited(3))

        guard case .started(let started, "app:1", "c1") = recorder.events.first else { return XCTFail("\(recorder.events)") }
        XCTAssertEqual(started.taskArn, taskArn)
        let statuses = recorder.events.compactMap { event -> String? in
            guard case .status(let task, _, _) = event else { return nil }
            return task.lastStatus
        }
        XCTAssertEqual(statuses, ["PROVISIONING", "RUNNING", "STOPPED"])
        let lines = recorder.events.compactMap { event -> String? in
            guard case .logLine(let line) = event else { return nil }
            return line.message
        }
        XCTAssertEqual(lines, ["hello"])
        guard case .summary(let summary) = recorder.events.last else { return XCTFail("\(recorder.events)") }
        XCTAssertEqual(summary.tasks.map(\.id), ["0123456789abcdef"])
        XCTAssertEqual(summary.tasks.first?.ending, .exited(3))
        XCTAssertEqual(summary.tasks.first?.container, "app")
        XCTAssertEqual(summary.logs, [.stream(group: "/ecs/app", stream: "ecs/app/0123456789abcdef")], "an emulator's logs by name")
    }

    func testATimeoutReportsTheStopAndWhatBecameOfTheTask() throws {
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        guard case .followed(let result) = run({ $0.watch.timeout = 5 }) else { return XCTFail("not followed") }
        XCTAssertEqual(result.ending, .timedOut)
        XCTAssertTrue(
            recorder.events.contains {
                if case .stopping(.timeout(5), tasks: 1) = $0 { return true }
                return false
            }, "\(recorder.events)")
        guard case .endedEarly(let end) = recorder.events.last else { return XCTFail("\(recorder.events)") }
        XCTAssertEqual(end.ending, .timedOut)
        XCTAssertEqual(end.timeout, 5)
        XCTAssertEqual(end.tasks, [taskArn])
        guard case .stopSent = end.fate else { return XCTFail("\(end.fate)") }
        XCTAssertEqual(ecs.stopCalls.map(\.reason), ["stopped by ecs-run: timeout of 5.0s reached"])
    }

    func testFailuresAreValuesWithTheirEnding() throws {
        ecs.runAnswer = RunTaskResponse(
            tasks: [], failures: [Failure(arn: "arn:x", reason: "RESOURCE:MEMORY", detail: "not enough memory")])
        guard case .failed(let failure) = run() else { return XCTFail("not failed") }
        guard case .runTaskFailures(let failures) = failure.reason else { return XCTFail("\(failure.reason)") }
        XCTAssertEqual(failures, [Failure(arn: "arn:x", reason: "RESOURCE:MEMORY", detail: "not enough memory")])
        XCTAssertEqual(failure.ending, .launchFailed)

        guard case .failed(let usage) = run({ $0.launchType = "ECS" }) else { return XCTFail("not failed") }
        guard case .unknownLaunchType("ECS", let known) = usage.reason else { return XCTFail("\(usage.reason)") }
        XCTAssertEqual(known, ["FARGATE", "EC2", "EXTERNAL", "MANAGED_INSTANCES"])
        XCTAssertEqual(usage.ending, .usageError)
        XCTAssertTrue(recorder.events.isEmpty, "a failure before the launch reports nothing: \(recorder.events)")
    }
}
