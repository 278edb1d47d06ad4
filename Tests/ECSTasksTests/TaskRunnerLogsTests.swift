import AWSClient
@testable import ECSRunEdge
@testable import ECSTasks
import XCTest

/// `logs`, and the log reads of `run`, against scripted ECS and Logs.
extension TaskRunnerTests {
    /// Each read on the way is given up on at Ctrl-C, even while AWS does not answer: the launch's reads
    /// before RunTask, DescribeTasks and the log reads while following, and the look-up and log reads of
    /// `logs`. (RunTask and StopTask are given theirs by their own rules: LaunchInDoubtTests.)
    func testEveryReadIsCancelledByAnInterrupt() {
        logs.append("ecs/app/0123456789abcdef", ["hello"])
        ecs.describeAnswers = [
            .tasks([task("RUNNING", [container("app")])]),
            .tasks([task("STOPPED", [container("app", "STOPPED", exit: 0)])]),
        ]
        var interrupted = false
        XCTAssertEqual(runner(interrupted: { interrupted }).run(config()), 0)
        XCTAssertEqual(Set(ecs.cancellations.map(\.operation)), ["DescribeTaskDefinition", "DescribeTasks"])
        XCTAssertFalse(logs.cancellations.isEmpty)
        var given = ecs.cancellations.map(\.cancellation) + logs.cancellations
        XCTAssertFalse(given.contains { $0.isCancelled })
        interrupted = true
        XCTAssertTrue(given.allSatisfy { $0.isCancelled })

        interrupted = false
        ecs.cancellations = []
        logs.cancellations = []
        XCTAssertEqual(runner(interrupted: { interrupted }).logs(cluster: "c1", task: taskArn, follow: false, display: DisplayOptions()), 0)
        XCTAssertEqual(Set(ecs.cancellations.map(\.operation)), ["DescribeTaskDefinition", "DescribeTasks"])
        XCTAssertFalse(logs.cancellations.isEmpty)
        given = ecs.cancellations.map(\.cancellation) + logs.cancellations
        XCTAssertFalse(given.contains { $0.isCancelled })
        interrupted = true
        XCTAssertTrue(given.allSatisfy { $0.isCancelled })
    }

    func testLogsOfAStreamWithNoEventsSaySoOnStderr() {
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        XCTAssertEqual(runner().logs(cluster: "c1", task: taskArn, follow: false, display: DisplayOptions()), 0)
        XCTAssertEqual(output.out, "")
        XCTAssertTrue(output.err.contains("no log events yet"), output.err)

        output = CapturedOutput()
        logs.append("ecs/app/0123456789abcdef", ["hello"])
        XCTAssertEqual(runner().logs(cluster: "c1", task: taskArn, follow: false, display: DisplayOptions()), 0)
        XCTAssertEqual(output.out, "hello\n")
        XCTAssertFalse(output.err.contains("no log events yet"), output.err)
    }

    func testLogsWithoutFollowStopWhenInterrupted() {
        ecs.describeAnswers = [.tasks([task("RUNNING", [container("app")])])]
        logs.append("ecs/app/0123456789abcdef", (0..<1000).map { "line \($0)" })
        let interrupted = { !self.logs.calls.isEmpty }
        XCTAssertEqual(runner(interrupted: interrupted).logs(cluster: "c1", task: taskArn, follow: false, display: DisplayOptions()), 130)
        XCTAssertLessThan(logs.calls.count, 500 / logs.pageSize, "stopped reading at the interrupt")
    }

    func testLogsEndWhenStdoutCloses() {
        output.outClosesAfter = 1
        logs.append("ecs/app/0123456789abcdef", (0..<1000).map { "line \($0)" })
        ecs.describeAnswers =
            Array(repeating: .tasks([task("RUNNING", [container("app")])]), count: 30)
            + [.tasks([task("STOPPED", [container("app", "STOPPED", exit: 0)])])]
        for follow in [false, true] {
            output = CapturedOutput()
            output.outClosesAfter = 1
            logs.calls = []
            ecs.describeCalls = []
            XCTAssertEqual(runner().logs(cluster: "c1", task: taskArn, follow: follow, display: DisplayOptions()), 0)
            XCTAssertEqual(output.out, "line 0\n")
            XCTAssertLessThanOrEqual(logs.calls.count, 20, "one read (of at most 20 pages), follow: \(follow)")
            XCTAssertEqual(ecs.describeCalls.count, 1, "only the look-up, follow: \(follow)")
        }
    }
}

/// The runner as ecs-run's commands drive it: a display on the captured output, and the outcome
/// turned into the exit status (and the JSON result) by the edge.
struct DrivenRunner {
    let runner: TaskRunner
    let output: CapturedOutput
    let clock: FakeClock

    func run(_ config: RunConfiguration, display options: DisplayOptions = DisplayOptions()) -> Int32 {
        let display = ProgressDisplay(sink: output, options: options)
        return CommandEnding.finish(runner.run(config, observer: display), display: display, failureCluster: config.cluster)
    }

    func logs(cluster: String, task: String, follow: Bool, display options: DisplayOptions) -> Int32 {
        let display = ProgressDisplay(sink: output, options: options)
        return CommandEnding.finish(
            runner.logs(cluster: cluster, task: task, follow: follow, observer: display),
            display: display, failureCluster: nil)
    }
}
