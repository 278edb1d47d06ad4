import AWSClient
@testable import ECSRunEdge
@testable import ECSTasks
import XCTest

final class TaskWatcherTests: XCTestCase {
    let oneEssential = TaskVerdict(deciding: ["app"], essentials: ["app"], waitFor: .exit)

    func makeWatcher(
        _ ecs: FakeECS, _ clock: FakeClock, timeout: Double? = nil, interrupted: @escaping () -> Bool = { false },
        configure: (inout WatchOptions) -> Void = { _ in }
    ) -> TaskWatcher {
        ecs.clock = clock
        var options = WatchOptions()
        options.timeout = timeout
        configure(&options)
        return TaskWatcher(ecs: ecs, clock: clock, options: options, isInterrupted: interrupted)
    }

    func testSuccessEndsAsSoonAsTheEssentialContainerHasAnExitCode() {
        let ecs = FakeECS()
        ecs.describeAnswers = [
            .tasks([task("PROVISIONING", [container("app", "PENDING")])]),
            .tasks([task("PENDING", [container("app", "PENDING")])]),
            .tasks([task("RUNNING", [container("app")])]),
            // Fargate: the container exited, the task is still deprovisioning.
            .tasks([task("DEPROVISIONING", [container("app", "STOPPED", exit: 0)])]),
        ]
        let clock = FakeClock()
        var statuses: [String] = []
        let outcome = makeWatcher(ecs, clock).watch(
            cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone,
            event: {
                if case .status(let t, _) = $0 { statuses.append(t.lastStatus ?? "") }
            })
        guard case .done(let tasks) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(oneEssential.decision(for: tasks[0]), .init(ending: .exited(0), container: "app"))
        XCTAssertEqual(statuses, ["PROVISIONING", "PENDING", "RUNNING", "DEPROVISIONING"])
        XCTAssertEqual(ecs.describeCalls.count, 4)
        XCTAssertEqual(ecs.stopCalls.count, 0)
        // About one DescribeTasks per second while young.
        let gaps = zip(ecs.describeCalls.dropFirst(), ecs.describeCalls).map { $0.time - $1.time }
        for gap in gaps { XCTAssertEqual(gap, 1.0, accuracy: 0.25) }
    }

    func testNonZeroExitPassesThrough() {
        let ecs = FakeECS()
        ecs.describeAnswers = [.tasks([task("STOPPED", [container("app", "STOPPED", exit: 3)], stopCode: "EssentialContainerExited")])]
        let outcome = makeWatcher(ecs, FakeClock()).watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        guard case .done(let tasks) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(oneEssential.decision(for: tasks[0]), .init(ending: .exited(3), container: "app"))
    }

    func testTwoEssentialContainersWaitForBothAndTheFirstNonZeroWins() {
        let verdict = TaskVerdict(deciding: ["web", "worker"], essentials: ["web", "worker"], waitFor: .exit)
        let ecs = FakeECS()
        ecs.describeAnswers = [
            .tasks([task("RUNNING", [container("web", "STOPPED", exit: 0), container("worker")])]),
            .tasks([task("RUNNING", [container("web", "STOPPED", exit: 0), container("worker", "STOPPED", exit: 2), container("sidecar")])]
            ),
        ]
        let outcome = makeWatcher(ecs, FakeClock()).watch(cluster: "c1", tasks: [taskArn], isDone: verdict.isDone)
        guard case .done(let tasks) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(ecs.describeCalls.count, 2, "one exit code is not enough")
        XCTAssertEqual(verdict.decision(for: tasks[0]), .init(ending: .exited(2), container: "worker"))
        let first = TaskVerdict(deciding: ["web", "worker"], essentials: ["web", "worker"], waitFor: .exit)
        XCTAssertEqual(
            first.decision(for: task("STOPPED", [container("web", exit: 7), container("worker", exit: 9)])),
            .init(ending: .exited(7), container: "web"))
    }

    /// When one essential container exits, ECS stops the others (SIGTERM, 143; SIGKILL, 137): their
    /// codes are ECS's doing, so the container whose exit stopped the task decides.
    func testContainersKilledByECSRankBelowTheOneThatStoppedTheTask() {
        let verdict = TaskVerdict(deciding: ["app", "side"], essentials: ["app", "side"], waitFor: .exit)
        let essentialExited = "EssentialContainerExited"
        let cases: [(app: Int, side: Int, stopCode: String?, expected: TaskVerdict.Decision)] = [
            (143, 7, essentialExited, .init(ending: .exited(7), container: "side")),
            (137, 7, essentialExited, .init(ending: .exited(7), container: "side")),
            (143, 137, essentialExited, .init(ending: .exited(143), container: "app")),
            (0, 143, essentialExited, .init(ending: .exited(143), container: "side")),
            (143, 7, "UserInitiated", .init(ending: .exited(143), container: "app")),
        ]
        for c in cases {
            let stopped = task(
                "STOPPED", [container("app", "STOPPED", exit: c.app), container("side", "STOPPED", exit: c.side)], stopCode: c.stopCode)
            XCTAssertEqual(verdict.decision(for: stopped), c.expected, "\(c)")
        }
    }

    func testTaskFailedToStartHasNoExitCode() {
        let ecs = FakeECS()
        let failed = task(
            "STOPPED", [container("app", "STOPPED", reason: "CannotPullContainerError: pull image manifest has been retried 5 time(s)")],
            stopCode: "TaskFailedToStart", reason: "CannotPullContainerError: ref pull has been retried")
        ecs.describeAnswers = [.tasks([task("PENDING", [container("app", "PENDING")])]), .tasks([failed])]
        let outcome = makeWatcher(ecs, FakeClock()).watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        guard case .done(let tasks) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(oneEssential.decision(for: tasks[0]), .init(ending: .noExitCode))
        XCTAssertTrue(Messages.hint(for: tasks[0])?.contains("image could not be pulled") ?? false)
    }

    func testThrottlingMidWaitBacksOffAndRetries() {
        let ecs = FakeECS()
        ecs.describeAnswers = [
            .tasks([task("RUNNING", [container("app")])]),
            .error(throttling()), .error(throttling()),
            .error(AWSError(kind: .transport, code: "NetworkError", message: "connection reset", isRetryable: true)),
            .tasks([task("STOPPED", [container("app", "STOPPED", exit: 0)])]),
        ]
        let clock = FakeClock()
        var retries: [Double] = []
        let outcome = makeWatcher(ecs, clock, timeout: 600).watch(
            cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone,
            event: {
                if case .retrying(_, let after) = $0 { retries.append(after) }
            })
        guard case .done = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(retries, [2, 4, 8], "exponential backoff")
        XCTAssertEqual(ecs.describeCalls.count, 5)
    }

    func testNonRetryableErrorEndsTheWait() {
        let ecs = FakeECS()
        ecs.describeAnswers = [.error(AWSError(kind: .service, code: "AccessDeniedException", message: "no", status: 400))]
        let outcome = makeWatcher(ecs, FakeClock()).watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        guard case .lost(.describeTasksFailed(let error), let stopped) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(error.code, "AccessDeniedException")
        // The wait is over, so the task must not run on unwatched.
        XCTAssertTrue(stopped)
        XCTAssertEqual(ecs.stopCalls.map(\.task), [taskArn])
    }

    func testVanishingTask() {
        let ecs = FakeECS()
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])]), .missing(taskArn)]
        let outcome = makeWatcher(ecs, FakeClock()).watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        guard case .lost(.vanished(let failures), _) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(failures.first?.reason, "MISSING")
        XCTAssertEqual(
            ecs.describeCalls.count, 1 + WatchOptions().missingLimit, "a few MISSING answers are tolerated (eventual consistency)")
    }

    func testBrieflyMissingRightAfterLaunchIsTolerated() {
        let ecs = FakeECS()
        ecs.describeAnswers = [.missing(taskArn), .missing(taskArn), .tasks([task("STOPPED", [container("app", exit: 0)])])]
        let outcome = makeWatcher(ecs, FakeClock()).watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        guard case .done = outcome else { return XCTFail("\(outcome)") }
    }

    func testTimeoutStopsTheTaskOnce() {
        let ecs = FakeECS()
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        let clock = FakeClock()
        let start = clock.time
        let outcome = makeWatcher(ecs, clock, timeout: 10).watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        guard case .cut(.timedOut, _, let stopped) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(stopped)
        XCTAssertEqual(clock.time - start, 10, accuracy: 0.01, "ends at the deadline, not a poll later")
        XCTAssertEqual(ecs.stopCalls.count, 1)
        XCTAssertTrue(ecs.stopCalls[0].reason?.contains("ecs-run") ?? false)
        XCTAssertEqual(ecs.stopCalls[0].cluster, "c1")
        XCTAssertEqual(ecs.stopCalls[0].task, taskArn)
    }

    func testTimeoutWithLeaveSendsNoStopTask() {
        let ecs = FakeECS()
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        let outcome = makeWatcher(ecs, FakeClock(), timeout: 3, configure: { $0.onTimeout = .leave })
            .watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        guard case .cut(.timedOut, _, let stopped) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(stopped)
        XCTAssertEqual(ecs.stopCalls.count, 0)
    }

    func testInterruptSendsExactlyOneStopTask() {
        let ecs = FakeECS()
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        let clock = FakeClock()
        var interrupted = false
        let start = clock.time
        clock.onSleep = { now in if now - start >= 3 { interrupted = true } }
        let outcome = makeWatcher(ecs, clock, interrupted: { interrupted }).watch(
            cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        guard case .cut(.interrupted, _, let stopped) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(stopped)
        XCTAssertEqual(ecs.stopCalls.count, 1)
        XCTAssertTrue(ecs.stopCalls[0].reason?.contains("ecs-run") ?? false)
        XCTAssertLessThanOrEqual(clock.time - start, 3.25, "seen within one sleep slice")
    }

    /// A DescribeTasks that hangs must not hold the wait: each one is given a cancellation that turns
    /// true at the deadline and on Ctrl-C.
    func testDescribeTasksIsCancelledAtTheDeadlineAndOnInterrupt() throws {
        let ecs = FakeECS()
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        let clock = FakeClock()
        var interrupted = false
        let start = clock.time
        _ = makeWatcher(ecs, clock, timeout: 10, interrupted: { interrupted }, configure: { $0.onTimeout = .leave })
            .watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        XCTAssertFalse(ecs.cancellations.isEmpty)
        XCTAssertEqual(Set(ecs.cancellations.map(\.operation)), ["DescribeTasks"])
        for (_, cancellation) in ecs.cancellations {
            clock.time = start + 9.9
            XCTAssertFalse(cancellation.isCancelled, "before the deadline")
            interrupted = true
            XCTAssertTrue(cancellation.isCancelled, "interrupted")
            interrupted = false
            clock.time = start + 10
            XCTAssertTrue(cancellation.isCancelled, "at the deadline")
        }
    }

    /// Without a timeout only Ctrl-C cancels.
    func testWithoutATimeoutDescribeTasksIsCancelledOnlyOnInterrupt() throws {
        let ecs = FakeECS()
        ecs.describeAnswers = [.tasks([task("STOPPED", [container("app", "STOPPED", exit: 0)])])]
        let clock = FakeClock()
        var interrupted = false
        _ = makeWatcher(ecs, clock, interrupted: { interrupted }).watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        let cancellation = try XCTUnwrap(ecs.cancellations.first?.cancellation)
        clock.time += 365 * 86400
        XCTAssertFalse(cancellation.isCancelled)
        interrupted = true
        XCTAssertTrue(cancellation.isCancelled)
    }

    /// A DescribeTasks cut short by Ctrl-C is no AWS failure: no retry is announced and the watch ends
    /// as interrupted.
    func testACancelledDescribeTasksEndsAsTheInterruptWithoutARetry() {
        let ecs = FakeECS()
        ecs.describeAnswers = [.error(AWSError(kind: .cancelled, code: "RequestAbandoned", message: "the request was abandoned"))]
        var events: [TaskWatcher.Event] = []
        // Ctrl-C came while the first DescribeTasks was in flight.
        let outcome = makeWatcher(ecs, FakeClock(), interrupted: { !ecs.describeCalls.isEmpty }, configure: { $0.onInterrupt = .leave })
            .watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone, event: { events.append($0) })
        guard case .cut(.interrupted, _, let stopped) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(stopped)
        XCTAssertEqual(ecs.describeCalls.count, 1)
        XCTAssertTrue(events.isEmpty, "\(events)")
    }

    func testInterruptWithLeaveSendsNothing() {
        let ecs = FakeECS()
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        let outcome = makeWatcher(ecs, FakeClock(), interrupted: { true }, configure: { $0.onInterrupt = .leave })
            .watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        guard case .cut(.interrupted, _, let stopped) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(stopped)
        XCTAssertEqual(ecs.stopCalls.count, 0)
    }

    func testPollingSlowsDownAfterFiveMinutes() {
        let ecs = FakeECS()
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        let clock = FakeClock()
        _ = makeWatcher(ecs, clock, timeout: 600, configure: { $0.onTimeout = .leave })
            .watch(cluster: "c1", tasks: [taskArn], isDone: oneEssential.isDone)
        let start = ecs.describeCalls[0].time
        let early = ecs.describeCalls.filter { $0.time - start < 300 }.count
        let late = ecs.describeCalls.filter { $0.time - start >= 300 }.count
        XCTAssertEqual(Double(early), 300, accuracy: 3)
        XCTAssertEqual(Double(late), 60, accuracy: 2)
    }

    func testWaitForStoppedIgnoresExitCodes() {
        let verdict = TaskVerdict(deciding: ["app"], essentials: ["app"], waitFor: .stopped)
        let ecs = FakeECS()
        ecs.describeAnswers = [
            .tasks([task("DEPROVISIONING", [container("app", "STOPPED", exit: 0)])]),
            .tasks([task("DEPROVISIONING", [container("app", "STOPPED", exit: 0)])]),
            .tasks([task("STOPPED", [container("app", "STOPPED", exit: 0)])]),
        ]
        let outcome = makeWatcher(ecs, FakeClock()).watch(cluster: "c1", tasks: [taskArn], isDone: verdict.isDone)
        guard case .done(let tasks) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(tasks[0].lastStatus, "STOPPED")
        XCTAssertEqual(ecs.describeCalls.count, 3)
    }

    func testManyTasksAreDescribedInBatchesOfAHundred() {
        let arns = (0..<250).map { "arn:aws:ecs:us-east-1:123456789012:task/c1/\($0)" }
        let ecs = FakeECS()
        ecs.describeAnswers = [
            .tasks(
                arns.map { arn in
                    ECSTask(taskArn: arn, lastStatus: "STOPPED", containers: [container("app", exit: 0)])
                })
        ]
        let outcome = makeWatcher(ecs, FakeClock()).watch(cluster: "c1", tasks: arns, isDone: oneEssential.isDone)
        guard case .done(let tasks) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(tasks.count, 250)
        XCTAssertEqual(ecs.describeCalls.map(\.request.tasks.count), [100, 100, 50])
    }
}
