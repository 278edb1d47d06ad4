@testable import AWSClient
import Foundation
import Synchronization
import XCTest

/// A 200 whose body cannot be read (a proxy's page, a body cut short) is transient for a call that is
/// safe to repeat, retried under the same budget as a 5xx, and an error at once for one that is not.
/// And how a call ends once its caller gives up: during a backoff, and with no new attempt.
final class MalformedAnswerTests: MotoTestCase {
    var proxy: LoopbackServer?
    var sleeps: [Double] = []

    override func tearDown() {
        proxy?.stop()
        proxy = nil
    }

    struct ListClustersOutput: Decodable { var clusterArns: [String] }

    /// Request n gets `plan[n]`; past the plan, or at nil, the request goes on to moto.
    private func server(_ plan: [LoopbackServer.Reply?]) throws -> LoopbackServer {
        let server = try LoopbackServer.planned(plan, otherwise: moto.url)
        proxy = server
        return server
    }

    private func client(through server: LoopbackServer, extra: [String: String] = [:], sleep: ((Double) -> Void)? = nil) throws -> AWSClient
    {
        var env = moto.environment(key: moto.adminKey, secret: moto.adminSecret, home: NSTemporaryDirectory() + "aws-tests-empty-home")
        env["AWS_ENDPOINT_URL"] = server.url
        env.merge(extra) { _, new in new }
        var configuration = try AWSConfiguration.resolve(environment: env)
        configuration.retry.sleep = sleep ?? { [unowned self] in sleeps.append($0) }
        configuration.retry.random = { 0.5 }
        return try AWSClient(configuration: configuration)
    }

    static let cutShort = LoopbackServer.Reply.json(200, #"{"clusterArns": ["arn:aws:ecs:us-east-1:1"#)
    static let portal = LoopbackServer.Reply.text(200, "<html><body>Sign in to continue</body></html>", contentType: "text/html")
    static let unavailable = LoopbackServer.Reply.text(503, "<html><body>503</body></html>", contentType: "text/html")

    func testAMalformedAnswerToASafeCallIsRetriedLikeA5xx() throws {
        let server = try server([Self.cutShort, Self.portal])
        let output = try client(through: server).call(
            .ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self, idempotent: true)
        XCTAssertNotNil(output.clusterArns)
        XCTAssertEqual(server.requests.count, 3)
        XCTAssertEqual(sleeps, [0.5, 1.0], "the same backoff as a 5xx")
    }

    func testAPersistentlyMalformedAnswerFailsAfterTheAttemptsAsRetryable() throws {
        let server = try server(Array(repeating: Self.portal, count: 5))
        XCTAssertThrowsError(
            try client(through: server).call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self, idempotent: true)
        ) { error in
            let error = error as? AWSError
            XCTAssertEqual(error?.code, AWSError.invalidResponseCode)
            XCTAssertEqual(error?.status, 200)
            XCTAssertEqual(error?.isRetryable, true, "a caller that waits on (DescribeTasks) keeps retrying it as it would a 5xx")
        }
        XCTAssertEqual(server.requests.count, 3, "the default 3 attempts")
    }

    /// RunTask may have started a task even though its answer was unreadable: it is not sent again.
    func testAMalformedAnswerToACallThatIsNotSafeToRepeatIsNotRetried() throws {
        let server = try server([Self.portal])
        XCTAssertThrowsError(try client(through: server).call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) {
            error in
            XCTAssertEqual((error as? AWSError)?.code, AWSError.invalidResponseCode)
            XCTAssertEqual((error as? AWSError)?.isRetryable, false)
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    /// A backoff of up to 20 s must not hold a caller that has given up: it ends within a slice.
    func testACancellationEndsTheBackoffBeforeTheRetry() throws {
        let server = try server(Array(repeating: Self.unavailable, count: 10))
        let started = Date()
        var slept = 0.0
        let client = try client(through: server, extra: ["AWS_MAX_ATTEMPTS": "10"]) { seconds in
            slept += seconds
            Thread.sleep(forTimeInterval: seconds)
        }
        let cancellation = Cancellation(when: { Date().timeIntervalSince(started) > 0.3 })
        XCTAssertThrowsError(
            try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self, cancellation: cancellation)
        ) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .cancelled, "\(error)")
        }
        XCTAssertEqual(server.requests.count, 1, "no retry after the cancellation")
        XCTAssertLessThan(slept, 0.5, "the 0.5 s backoff was cut short")
    }

    /// RunTask's rule: once the run ends no new attempt is sent, but the one in flight keeps its chance.
    func testNoNewAttemptAfterTheCallerGaveUpWhileTheAttemptInFlightRunsOn() throws {
        let firstAnswered = Mutex(false)
        let upstream = moto.url
        let server = try LoopbackServer { request in
            let first = firstAnswered.withLock { answered in
                defer { answered = true }
                return !answered
            }
            if first { return Self.unavailable }
            return LoopbackServer.forward(request, to: upstream)
        }
        proxy = server
        let noNewAttempt = Cancellation(when: {
            firstAnswered.withLock { $0 }
        })
        XCTAssertThrowsError(
            try client(through: server).call(
                .ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self, noNewAttempt: noNewAttempt)
        ) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .cancelled, "\(error)")
        }
        XCTAssertEqual(server.requests.count, 1)

        // Given up on while the attempt is in flight: that attempt's answer still counts.
        let slow = try LoopbackServer { request in
            Thread.sleep(forTimeInterval: 1)
            return LoopbackServer.forward(request, to: upstream)
        }
        defer { slow.stop() }
        let output = try client(through: slow).call(
            .ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self, noNewAttempt: Cancellation(when: { true }))
        XCTAssertNotNil(output.clusterArns)
        XCTAssertEqual(slow.requests.count, 1)
    }
}
