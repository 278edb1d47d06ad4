@testable import AWSClient
import Foundation
import Synchronization
import XCTest

/// A fault-injecting proxy in front of moto (signature checks on): throttling, 5xx, resets, stalls,
/// and a client clock 20 minutes off. Whatever the proxy lets through, moto verifies.
final class FaultInjectionTests: MotoTestCase {
    var proxy: LoopbackServer?
    var sleeps: [Double] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
    }

    override func tearDown() {
        proxy?.stop()
        proxy = nil
    }

    /// Answers request n with `plan[n]`, or forwards to moto when the plan is used up or says nil.
    private func startProxy(_ plan: [LoopbackServer.Reply?]) throws -> LoopbackServer {
        let server = try LoopbackServer.planned(plan, otherwise: moto.url)
        proxy = server
        return server
    }

    private func client(through server: LoopbackServer, extra: [String: String] = [:], timeout: Double = 5) throws -> AWSClient {
        var env = moto.environment(key: moto.adminKey, secret: moto.adminSecret, home: NSTemporaryDirectory() + "aws-tests-empty-home")
        env["AWS_ENDPOINT_URL"] = server.url
        env.merge(extra) { _, new in new }
        var configuration = try AWSConfiguration.resolve(environment: env)
        configuration.retry.sleep = { [unowned self] in sleeps.append($0) }
        configuration.retry.random = { 0.5 }
        configuration.httpConfiguration.timeout = timeout
        configuration.httpConfiguration.connectTimeout = timeout
        return try AWSClient(configuration: configuration)
    }

    struct ListClustersOutput: Decodable { var clusterArns: [String] }
    struct DescribeServicesInput: Encodable { var cluster: String; var services: [String] }

    static let throttle = LoopbackServer.Reply.json(
        400, #"{"__type":"com.amazonaws.ecs#ThrottlingException","message":"Rate exceeded"}"#,
        headers: [(name: "x-amzn-RequestId", value: "throttled-1")])
    static let unavailable = LoopbackServer.Reply.text(
        503, "<html><body><h1>503 Service Unavailable</h1></body></html>", contentType: "text/html")

    func testThrottlingAnd503AreRetriedAndTheCallSucceedsWithinTheBudget() throws {
        let server = try startProxy([Self.throttle, Self.unavailable])
        let output = try client(through: server).call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertNotNil(output.clusterArns)
        XCTAssertEqual(server.requests.count, 3)
        // Full jitter with the random part fixed at 0.5: 0.5 × 1 s, then 0.5 × 2 s.
        XCTAssertEqual(sleeps, [0.5, 1.0])
    }

    func testConnectionResetIsRetried() throws {
        let server = try startProxy([.reset])
        _ = try client(through: server).call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertEqual(sleeps.count, 1)
    }

    func testStallTimesOutAndIsRetried() throws {
        let server = try startProxy([.stall(seconds: 5)])
        let started = Date()
        _ = try client(through: server, timeout: 1).call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertLessThan(Date().timeIntervalSince(started), 4.5)
    }

    func testAnAbandonedRequestEndsAtOnceAndIsNotRetried() throws {
        let server = try startProxy([.stall(seconds: 20), .stall(seconds: 20), .stall(seconds: 20)])
        let client = try client(through: server, timeout: 15)
        let started = Date()
        let cancellation = Cancellation(when: { Date().timeIntervalSince(started) > 0.5 })
        XCTAssertThrowsError(
            try client.call(
                .ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self,
                cancellation: cancellation)
        ) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .cancelled, "\(error)")
            XCTAssertEqual((error as? AWSError)?.isRetryable, false, "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3, "not the 15 s timeout, nor three attempts")
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(sleeps, [], "no retry backoff")
    }

    /// Cancelled once the first 503 is on its way: depending on when libcurl asks, the transfer ends in
    /// flight or the retry is not made; either way there is one request and no backoff.
    func testARequestCancelledBeforeItsRetryIsNotRetried() throws {
        let answered = Mutex(false)
        let server = try LoopbackServer { _ in
            answered.withLock { $0 = true }
            return Self.unavailable
        }
        proxy = server
        let cancellation = Cancellation(when: {
            answered.withLock { $0 }
        })
        XCTAssertThrowsError(
            try client(through: server).call(
                .ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self,
                cancellation: cancellation)
        ) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .cancelled, "\(error)")
            XCTAssertTrue("\(error)".contains("was abandoned"), "\(error)")
        }
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(sleeps, [], "no retry backoff")
    }

    func testGivesUpAfterMaxAttemptsWithTheLastError() throws {
        let server = try startProxy([Self.unavailable, Self.unavailable, Self.unavailable, Self.unavailable])
        XCTAssertThrowsError(try client(through: server).call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) {
            error in
            let error = error as? AWSError
            XCTAssertEqual(error?.code, "ServiceUnavailable")
            XCTAssertEqual(error?.status, 503)
            XCTAssertEqual(error?.isRetryable, true)
        }
        XCTAssertEqual(server.requests.count, 3, "the default is 3 attempts")
    }

    func testMaxAttemptsComesFromTheEnvironment() throws {
        let server = try startProxy(Array(repeating: Self.throttle, count: 4))
        _ = try client(through: server, extra: ["AWS_MAX_ATTEMPTS": "5"]).call(
            .ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(server.requests.count, 5)
        XCTAssertEqual(sleeps, [0.5, 1, 2, 4])
    }

    func testNonRetryableServiceErrorFromMotoIsNotRetried() throws {
        let server = try startProxy([])
        XCTAssertThrowsError(
            try client(through: server).call(
                .ecs, "DescribeServices",
                DescribeServicesInput(cluster: "no-such-cluster", services: ["x"]),
                as: AWSEmptyOutput.self)
        ) { error in
            let error = error as? AWSError
            XCTAssertEqual(error?.code, "ClusterNotFoundException")
            XCTAssertEqual(error?.status, 400)
            XCTAssertEqual(error?.isRetryable, false)
        }
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(sleeps, [])
    }

    func testInjectedAccessDeniedIsNotRetried() throws {
        let server = try startProxy([.json(400, #"{"__type":"AccessDeniedException","Message":"not allowed"}"#)])
        XCTAssertThrowsError(try client(through: server).call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) {
            error in
            XCTAssertEqual((error as? AWSError)?.code, "AccessDeniedException")
            XCTAssertEqual((error as? AWSError)?.message, "not allowed")
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testAnEmptyRetryQuotaStopsRetries() throws {
        let server = try startProxy([Self.unavailable])
        let client = try client(through: server)
        while client.transport.quota.acquire(RetryQuota.retryCost) {}
        XCTAssertThrowsError(try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) { error in
            XCTAssertEqual((error as? AWSError)?.code, "ServiceUnavailable")
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    // MARK: Clock skew

    /// Refuses requests signed more than 5 minutes away from its own clock, as AWS does.
    private func skewCheckingProxy(code: String, status: Int) throws -> LoopbackServer {
        let upstream = moto.url
        let server = try LoopbackServer { request in
            let signedAt = request.header("X-Amz-Date").flatMap { Self.amzDate.date(from: $0) } ?? .distantPast
            if abs(signedAt.timeIntervalSinceNow) > 300 {
                let body =
                    code == "InvalidSignatureException"
                    ? #"{"__type":"InvalidSignatureException","message":"Signature expired: \#(request.header("X-Amz-Date") ?? "") is now earlier than the allowed window"}"#
                    : #"{"__type":"RequestTimeTooSkewed","message":"The difference between the request time and the current time is too large."}"#
                return .json(status, body)
            }
            return LoopbackServer.forward(request, to: upstream)
        }
        proxy = server
        return server
    }

    static let amzDate: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f
    }()

    func testClockTwentyMinutesBehindRecoversAfterOneCorrectedRetry() throws {
        for (code, status) in [("InvalidSignatureException", 400), ("RequestTimeTooSkewed", 403)] {
            let server = try skewCheckingProxy(code: code, status: status)
            let client = try client(through: server)
            client.configuration.clock.base = { Date().addingTimeInterval(-20 * 60) }
            _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
            let requests = server.requests
            XCTAssertEqual(requests.count, 2, code)
            let first = Self.amzDate.date(from: requests[0].header("X-Amz-Date")!)!
            let second = Self.amzDate.date(from: requests[1].header("X-Amz-Date")!)!
            XCTAssertEqual(first.timeIntervalSinceNow, -20 * 60, accuracy: 30, code)
            XCTAssertEqual(second.timeIntervalSinceNow, 0, accuracy: 30, code)
            XCTAssertEqual(sleeps, [], "a skew correction retries at once")
            // The correction sticks: the next call is signed with the right time at the first attempt.
            _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
            XCTAssertEqual(server.requests.count, 3, code)
            server.stop()
        }
    }

    func testClockTwentyMinutesAheadAlsoRecovers() throws {
        let server = try skewCheckingProxy(code: "InvalidSignatureException", status: 400)
        let client = try client(through: server)
        client.configuration.clock.base = { Date().addingTimeInterval(20 * 60) }
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(server.requests.count, 2)
    }

    func testSignatureErrorWithoutSkewIsNotRetried() throws {
        // The server's Date agrees with our clock, so the error is about the keys, not the time.
        let server = try startProxy([.json(400, #"{"__type":"InvalidSignatureException","message":"bad signature"}"#)])
        XCTAssertThrowsError(try client(through: server).call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) {
            error in
            XCTAssertEqual((error as? AWSError)?.code, "InvalidSignatureException")
            XCTAssertTrue((error as? AWSError)?.description.lowercased().contains("check your aws credentials") ?? false)
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testSkewIsCorrectedOnlyOnce() throws {
        // A server that refuses everything as skewed, with a Date 20 minutes ahead, cannot make us loop.
        let server = try LoopbackServer { _ in
            .json(
                403, #"{"__type":"RequestTimeTooSkewed","message":"skewed"}"#,
                headers: [(name: "Date", value: LoopbackServer.httpDate(Date().addingTimeInterval(1200)))])
        }
        proxy = server
        let client = try client(through: server)
        XCTAssertThrowsError(try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) { error in
            XCTAssertEqual((error as? AWSError)?.code, "RequestTimeTooSkewed")
        }
        XCTAssertEqual(server.requests.count, 2)
    }
}
