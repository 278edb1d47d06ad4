@testable import ECSRunEdge
@testable import ECSTasks
import System
import XCTest

/// The one place where outcomes become exit statuses and the JSON result.
final class CommandEndingTests: XCTestCase {
    final class Captured: OutputSink {
        var out = ""
        var err = ""
        var isOutClosed: Bool { false }
        func writeOut(_ text: String) { out += text }
        func writeErr(_ text: String) { err += text }
    }

    let arn = "arn:aws:ecs:eu-west-1:123456789012:task/prod/5f3c2a1b9d8e4f70"

    func end(_ outcome: TaskOutcome, json: Bool = false, failureCluster: String? = "prod") -> (status: Int32, out: String, err: String) {
        let sink = Captured()
        var options = DisplayOptions()
        options.format = json ? .json : .text
        let display = ProgressDisplay(sink: sink, options: options)
        let status = CommandEnding.finish(outcome, display: display, failureCluster: failureCluster)
        return (status, sink.out, sink.err)
    }

    func followed(_ ending: TaskEnding) -> TaskOutcome {
        .followed(FollowResult(ending: ending, task: ECSTask(taskArn: arn, lastStatus: "STOPPED"), cluster: "prod", streams: []))
    }

    func testEachOutcomeEndsWithItsDocumentedExitStatus() {
        let cases: [(name: String, outcome: TaskOutcome, status: Int32)] = [
            ("dry run", .planned(RunTaskRequest(taskDefinition: "orders-migrator")), 0),
            ("no wait", .launched(ECSTask(taskArn: arn), cluster: "prod"), 0),
            ("stop", .stopRequested(ECSTask(taskArn: arn), cluster: "prod"), 0),
            ("logs", .printed, 0),
            ("container exited 0", followed(.exited(0)), 0),
            ("container exited 3", followed(.exited(3)), 3),
            ("container exited 255", followed(.exited(255)), 255),
            ("stopped without an exit code", followed(.noExitCode), 125),
            ("timeout", followed(.timedOut), 124),
            ("interrupted while following", followed(.interrupted), 130),
            ("task lost", followed(.lost), 125),
            ("usage", .failed(RunFailure(.unknownLaunchType("ECS", known: ["FARGATE", "EC2"]))), 64),
            ("launch", .failed(RunFailure(.runTaskFailures([Failure(reason: "RESOURCE:MEMORY")]))), 125),
            ("interrupted before RunTask", .failed(RunFailure(.interruptedBeforeRunTask)), 130),
            (
                "timeout before RunTask",
                .failed(RunFailure(.timeoutBeforeRunTask(timeout: 5, waitingFor: AWSCall("DescribeTaskDefinition")))), 124
            ),
        ]
        for c in cases {
            XCTAssertEqual(end(c.outcome).status, c.status, c.name)
            XCTAssertEqual(end(c.outcome, json: true).status, c.status, "\(c.name), json")
        }
    }

    func testAFailureIsPrintedAndWithJSONAlsoDescribedOnStdout() throws {
        let failure = TaskOutcome.failed(RunFailure(.runTaskAnsweredNothing))
        let text = end(failure)
        XCTAssertEqual(text.out, "")
        XCTAssertEqual(text.err, "ecs-run: error: RunTask answered without a task and without failures\n")

        let json = end(failure, json: true)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        XCTAssertEqual(object["cluster"] as? String, "prod")
        XCTAssertEqual(object["exitCode"] as? Int, 125)
        XCTAssertTrue(object["taskArn"] is NSNull, "no task: \(json.out)")
        XCTAssertEqual(json.err, "ecs-run: error: RunTask answered without a task and without failures\n")
        XCTAssertEqual(object["error"] as? String, "RunTask answered without a task and without failures")

        XCTAssertEqual(end(.failed(RunFailure(.noTaskDefinition)), json: true).out, "", "usage errors print no JSON")
        XCTAssertEqual(end(failure, json: true, failureCluster: nil).out, "", "stop and logs print no JSON for a failure")
    }

    func testResultsOnStdout() throws {
        XCTAssertEqual(end(.launched(ECSTask(taskArn: arn), cluster: "prod")).out, arn + "\n")
        XCTAssertEqual(end(.stopRequested(ECSTask(taskArn: arn), cluster: "prod")).out, arn + "\n")
        XCTAssertEqual(end(followed(.exited(3))).out, "", "text: the summary is progress, on stderr")
        XCTAssertEqual(end(.printed, json: true).out, "")

        let json = end(followed(.exited(3)), json: true)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        XCTAssertEqual(object["taskArn"] as? String, arn)
        XCTAssertEqual(object["exitCode"] as? Int, 3, "the exit status the process ends with")

        let planned = end(.planned(RunTaskRequest(taskDefinition: "orders-migrator")))
        let request = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(planned.out.utf8)) as? [String: Any])
        XCTAssertEqual(request["taskDefinition"] as? String, "orders-migrator")
    }
}
