@testable import AWSClient
import Foundation
import XCTest

/// The SDKs' clock-skew rule against moto (signature checks on) behind a server whose clock is an hour
/// off ours: it refuses what is signed more than 5 minutes away from its own time, as AWS does, with the
/// messages AWS uses, and its answers carry its own `Date`.
final class ClockSkewTests: MotoTestCase {
    var proxy: LoopbackServer?
    var trace: [String] = []

    override func tearDown() {
        proxy?.stop()
        proxy = nil
    }

    struct ListClustersOutput: Decodable { var clusterArns: [String] }

    /// A server whose clock is `offset` seconds off the real one. With `dateHeader` false, its answers
    /// carry the real time in `Date` (a proxy rewrote it), and only the message tells its time.
    private func skewedServer(offset: Double, dateHeader: Bool = true) throws -> LoopbackServer {
        let upstream = moto.url
        let server = try LoopbackServer { request in
            let serverNow = Date().addingTimeInterval(offset)
            let date = [(name: "Date", value: LoopbackServer.httpDate(dateHeader ? serverNow : Date()))]
            let stamp = request.header("X-Amz-Date") ?? ""
            let signedAt = FaultInjectionTests.amzDate.date(from: stamp) ?? .distantPast
            let format = { FaultInjectionTests.amzDate.string(from: $0) }
            if signedAt < serverNow.addingTimeInterval(-300) {
                let message =
                    "Signature expired: \(stamp) is now earlier than \(format(serverNow.addingTimeInterval(-300))) (\(format(serverNow)) - 5 min.)"
                return .json(400, #"{"__type":"InvalidSignatureException","message":"\#(message)"}"#, headers: date)
            }
            if signedAt > serverNow.addingTimeInterval(300) {
                let message =
                    "Signature not yet current: \(stamp) is still later than \(format(serverNow.addingTimeInterval(300))) (\(format(serverNow)) + 5 min.)"
                return .json(403, #"{"__type":"InvalidSignatureException","message":"\#(message)"}"#, headers: date)
            }
            guard case .respond(let status, let headers, let body) = LoopbackServer.forward(request, to: upstream) else {
                return .text(502, "proxy")
            }
            return .respond(status: status, headers: headers.filter { $0.name.lowercased() != "date" } + date, body: body)
        }
        proxy = server
        return server
    }

    private func client(through server: LoopbackServer) throws -> AWSClient {
        var env = moto.environment(key: moto.adminKey, secret: moto.adminSecret, home: NSTemporaryDirectory() + "aws-tests-empty-home")
        env["AWS_ENDPOINT_URL"] = server.url
        var configuration = try AWSConfiguration.resolve(environment: env, debug: { [unowned self] in trace.append($0) })
        configuration.retry.sleep = { _ in XCTFail("a skew correction retries at once") }
        return try AWSClient(configuration: configuration)
    }

    private func signedTimes(_ server: LoopbackServer) -> [Double] {
        server.requests.map { FaultInjectionTests.amzDate.date(from: $0.header("X-Amz-Date") ?? "")?.timeIntervalSinceNow ?? .nan }
    }

    func testServerAnHourAheadIsCorrectedOnceAndTheOffsetKeptForTheRun() throws {
        let server = try skewedServer(offset: 3600)
        let client = try client(through: server)
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        let times = signedTimes(server)
        XCTAssertEqual(times.count, 3, "one refused, its corrected retry, and the next call right at once")
        XCTAssertEqual(times[0], 0, accuracy: 30)
        XCTAssertEqual(times[1], 3600, accuracy: 30)
        XCTAssertEqual(times[2], 3600, accuracy: 30)
        XCTAssertEqual(client.configuration.clock.offset, 3600, accuracy: 30)
        XCTAssertEqual(tracedOffset("InvalidSignatureException and the clock is off by ") ?? .nan, 3600, accuracy: 30, "\(trace)")
    }

    /// The seconds the trace names after `lead` (the Date header has whole seconds, so 3599 or 3600).
    private func tracedOffset(_ lead: String) -> Double? {
        guard let line = trace.first(where: { $0.contains(lead) }), let range = line.range(of: lead) else { return nil }
        return Double(line[range.upperBound...].prefix { $0 == "-" || $0.isNumber })
    }

    func testServerAnHourBehindIsCorrectedToo() throws {
        let server = try skewedServer(offset: -3600)
        let client = try client(through: server)
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        let times = signedTimes(server)
        XCTAssertEqual(times.count, 2)
        XCTAssertEqual(times[1], -3600, accuracy: 30)
        XCTAssertEqual(tracedOffset("the clock is off by ") ?? .nan, -3600, accuracy: 30, "\(trace)")
    }

    /// When something in between rewrote `Date`, the time AWS names in "Signature expired: … (T - 5 min.)"
    /// still tells how far off we are.
    func testTheServersTimeInTheMessageServesWhenDateAgreesWithOurs() throws {
        let server = try skewedServer(offset: 3600, dateHeader: false)
        let client = try client(through: server)
        _ = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertEqual(signedTimes(server).last ?? .nan, 3600, accuracy: 30)
    }

    func testTheServersTimeIsReadFromAWSsMessages() {
        let expired = "Signature expired: 20250101T000000Z is now earlier than 20250101T005500Z (20250101T010000Z - 5 min.)"
        let early = "Signature not yet current: 20250101T020000Z is still later than 20250101T010500Z (20250101T010000Z + 5 min.)"
        let expected = Date(timeIntervalSince1970: 1_735_693_200) // 2025-01-01T01:00:00Z
        XCTAssertEqual(ClockSkew.serverTime(inMessage: expired), expected)
        XCTAssertEqual(ClockSkew.serverTime(inMessage: early), expected)
        XCTAssertNil(ClockSkew.serverTime(inMessage: "The request signature we calculated does not match (see docs)"))
        XCTAssertNil(ClockSkew.serverTime(inMessage: "(2025010XT010000Z - 5 min.)"))
    }

    /// A real signature mismatch (wrong secret): the server's time agrees with ours, so nothing is
    /// corrected, nothing is retried, and the hint about the keys stays.
    func testAWrongSecretIsNotTakenForSkewAndKeepsItsHint() throws {
        var env = moto.environment(key: moto.adminKey, secret: "wrong-secret", home: NSTemporaryDirectory() + "aws-tests-empty-home")
        env["AWS_ENDPOINT_URL"] = moto.url
        let client = try AWSClient(configuration: try AWSConfiguration.resolve(environment: env))
        XCTAssertThrowsError(try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) { error in
            let error = error as? AWSError
            XCTAssertEqual(error?.code, "SignatureDoesNotMatch")
            XCTAssertTrue(
                error?.description.contains("the secret access key does not match the access key id") ?? false,
                "\(String(describing: error))")
        }
        XCTAssertEqual(client.configuration.clock.offset, 0)
    }
}
