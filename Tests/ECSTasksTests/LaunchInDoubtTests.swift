import AWSClient
@testable import ECSRunEdge
@testable import ECSTasks
import XCTest

/// A RunTask without an answer that says what it did: no new attempt after the run ends, the task looked
/// for by its startedBy, stopped when the run is ending, followed when it is not, and one line naming it.
final class LaunchInDoubtTests: XCTestCase {
    var ecs = FakeECS()
    var clock = FakeClock()
    var output = CapturedOutput()
    let startedTask = task("RUNNING", [container("app")])

    override func setUp() {
        ecs = FakeECS(); clock = FakeClock(); output = CapturedOutput()
        ecs.clock = clock
        var d = TaskDefinition(
            taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1",
            containerDefinitions: [ContainerDefinition(name: "app")])
        d.family = "app"; d.revision = 1
        ecs.definition = d
        ecs.describeAnswers = [.tasks([startedTask])]
    }

    func run(interrupted: @escaping () -> Bool = { false }, _ edit: (inout RunConfiguration) -> Void = { _ in }) -> Int32 {
        var config = RunConfiguration()
        config.cluster = "c1"
        config.taskDefinition = "app"
        config.subnets = ["s1"]
        edit(&config)
        let runner = TaskRunner(ecs: ecs, logs: { _ in FakeLogs() }, clock: clock, region: "us-east-1", isInterrupted: interrupted)
        return DrivenRunner(runner: runner, output: output, clock: clock).run(config)
    }

    /// Ctrl-C while RunTask is on its way (before it, nothing would be sent at all).
    var afterRunTask: () -> Bool { { [ecs] in !ecs.runCalls.isEmpty } }

    static let abandoned = AWSError(kind: .cancelled, code: "RequestAbandoned", message: "the request was abandoned")

    func testInterruptedWhileRunTaskHangsFindsTheTaskByItsStartedByAndStopsIt() throws {
        ecs.runError = Self.abandoned
        ecs.listAnswers = [ListTasksResponse(taskArns: [taskArn])]
        XCTAssertEqual(run(interrupted: afterRunTask), 130)
        XCTAssertEqual(ecs.runCalls.count, 1)
        let startedBy = try XCTUnwrap(ecs.runCalls.first?.startedBy)
        XCTAssertTrue(startedBy.hasPrefix("ecs-run/"), startedBy)
        XCTAssertEqual(ecs.listCalls.map(\.startedBy), [startedBy])
        XCTAssertEqual(ecs.listCalls.first?.cluster, "c1")
        XCTAssertEqual(ecs.stopCalls.map(\.task), [taskArn])
        XCTAssertTrue(
            output.err.contains(
                "interrupted after 0.0s, before RunTask's outcome was known; it had started a task, found by its startedBy \(startedBy); StopTask was sent: \(taskArn)"
            ),
            output.err)
    }

    /// After the interrupt or the deadline no new attempt may start; the attempt in flight gets a grace.
    func testRunTaskIsNotTriedAgainAfterTheRunEndsAndGetsAGraceForItsAnswer() throws {
        var interrupted = false
        ecs.runAnswer = RunTaskResponse(tasks: [task("PROVISIONING")], failures: [])
        ecs.describeAnswers = [.tasks([task("STOPPED", [container("app", "STOPPED", exit: 0)])])]
        XCTAssertEqual(
            run(interrupted: { interrupted }) {
                $0.watch.timeout = 60; $0.watch.runTaskGrace = 2
            }, 0)
        let (noNewAttempt, inFlight) = try XCTUnwrap(ecs.runCancellations.first)
        XCTAssertFalse(noNewAttempt.isCancelled)
        XCTAssertFalse(inFlight.isCancelled)
        interrupted = true
        XCTAssertTrue(noNewAttempt.isCancelled, "no retry once interrupted")
        XCTAssertFalse(inFlight.isCancelled, "the attempt in flight runs on")
        clock.time += 1.9
        XCTAssertFalse(inFlight.isCancelled)
        clock.time += 0.2
        XCTAssertTrue(inFlight.isCancelled, "abandoned once the grace is over")

        interrupted = false
        let deadline = try XCTUnwrap(ecs.runCancellations.first)
        clock.time += 60
        XCTAssertTrue(deadline.noNewAttempt.isCancelled, "the timeout ends retries too")
    }

    func testATimeoutWhileRunTaskHangsWithNoTaskFoundIs124AndSaysWhereToLook() throws {
        ecs.runError = Self.abandoned
        ecs.runErrorAfter = 7 // RunTask hangs past the timeout and its grace, then is abandoned
        XCTAssertEqual(run(interrupted: { false }) { $0.watch.timeout = 5 }, 124)
        XCTAssertTrue(ecs.stopCalls.isEmpty)
        XCTAssertGreaterThan(ecs.listCalls.count, 1, "asked again while the search lasts, as ListTasks may list a new task late")
        XCTAssertLessThanOrEqual(clock.time, 1000 + 7 + 3 + 0.01, "within the search budget")
        let startedBy = try XCTUnwrap(ecs.runCalls.first?.startedBy)
        XCTAssertTrue(output.err.contains("timeout of 5.0s reached after 7.0s, before RunTask's outcome was known"), output.err)
        XCTAssertTrue(
            output.err.contains("no task started by \(startedBy) was found within 3.0s, so none was started"), output.err)
        XCTAssertTrue(output.err.contains("aws ecs list-tasks --cluster c1 --started-by \(startedBy)"), output.err)
    }

    func testALostAnswerWithoutAnInterruptIsFollowedToTheTasksExitCode() {
        ecs.runError = AWSError(kind: .service, code: "ServiceUnavailable", message: "down", status: 503, isRetryable: true)
        ecs.listAnswers = [ListTasksResponse(taskArns: []), ListTasksResponse(taskArns: [taskArn])]
        ecs.describeAnswers = [.tasks([task("STOPPED", [container("app", "STOPPED", exit: 3)])])]
        XCTAssertEqual(run(), 3)
        XCTAssertEqual(ecs.runCalls.count, 1)
        XCTAssertTrue(ecs.stopCalls.isEmpty)
        XCTAssertTrue(output.err.contains("RunTask's answer was lost (ServiceUnavailable); its task was found"), output.err)
        XCTAssertTrue(output.err.contains("exited with 3"), output.err)
    }

    func testAnErrorAnswerBelow500MeansNoTaskAndNoSearch() {
        ecs.runError = AWSError(kind: .service, code: "InvalidParameterException", message: "bad subnet", status: 400)
        XCTAssertEqual(run(interrupted: { false }), 125)
        XCTAssertTrue(ecs.listCalls.isEmpty)
        XCTAssertTrue(output.err.contains("RunTask failed: InvalidParameterException: bad subnet"), output.err)
    }

    /// A startedBy the user chose may be shared with other runs: with two running tasks of the same task
    /// definition, ecs-run cannot tell which is its own, so it stops neither and names both.
    func testASharedStartedByWithSeveralTasksStopsNone() {
        let other = "arn:aws:ecs:us-east-1:123456789012:task/c1/fedcba9876543210"
        var second = startedTask
        second.taskArn = other
        ecs.runError = Self.abandoned
        ecs.listAnswers = [ListTasksResponse(taskArns: [taskArn, other])]
        ecs.describeAnswers = [.tasks([startedTask, second])]
        XCTAssertEqual(run(interrupted: afterRunTask) { $0.startedBy = "nightly" }, 130)
        XCTAssertEqual(ecs.listCalls.map(\.startedBy), ["nightly"])
        XCTAssertTrue(ecs.stopCalls.isEmpty)
        XCTAssertTrue(output.err.contains("2 tasks started by nightly run from this task definition"), output.err)
        XCTAssertTrue(output.err.contains(taskArn) && output.err.contains(other), output.err)
    }

    func testATaskThatCannotBeStoppedIsNamed() {
        ecs.runError = Self.abandoned
        ecs.listAnswers = [ListTasksResponse(taskArns: [taskArn])]
        ecs.stopError = AWSError(kind: .cancelled, code: "RequestAbandoned", message: "abandoned")
        XCTAssertEqual(run(interrupted: afterRunTask), 130)
        XCTAssertEqual(ecs.stopCalls.count, 1)
        XCTAssertTrue(output.err.contains("it could not be stopped"), output.err)
        XCTAssertTrue(output.err.contains("StopTask may take once the wait is over): \(taskArn)"), output.err)
    }

    func testLeaveLeavesTheFoundTaskRunningAndSaysSo() {
        ecs.runError = Self.abandoned
        ecs.listAnswers = [ListTasksResponse(taskArns: [taskArn])]
        XCTAssertEqual(run(interrupted: afterRunTask) { $0.watch.onInterrupt = .leave }, 130)
        XCTAssertTrue(ecs.stopCalls.isEmpty)
        XCTAssertTrue(output.err.contains("it is left running (--on-interrupt leave): \(taskArn)"), output.err)
    }

    func testWhenListTasksFailsItSaysHowToLook() throws {
        ecs.runError = Self.abandoned
        ecs.listError = AWSError(kind: .service, code: "AccessDeniedException", message: "no ecs:ListTasks", status: 400)
        XCTAssertEqual(run(interrupted: afterRunTask), 130)
        let startedBy = try XCTUnwrap(ecs.runCalls.first?.startedBy)
        XCTAssertTrue(output.err.contains("could not check whether it started a task (ListTasks: AccessDeniedException"), output.err)
        XCTAssertTrue(output.err.contains("look with: aws ecs list-tasks --cluster c1 --started-by \(startedBy)"), output.err)
    }

    /// StopTask after an interrupt has seconds, not the AWS client's three 60 s attempts.
    func testStopTaskAfterAnInterruptGetsItsOwnShortBudget() throws {
        ecs.describeAnswers = [.tasks([startedTask])]
        ecs.runAnswer = RunTaskResponse(tasks: [startedTask], failures: [])
        XCTAssertEqual(run(interrupted: afterRunTask) { $0.watch.stopBudget = 5 }, 130)
        let budget = try XCTUnwrap(ecs.stopCancellations.first)
        XCTAssertFalse(budget.isCancelled)
        clock.time += 5.1
        XCTAssertTrue(budget.isCancelled)
    }
}
