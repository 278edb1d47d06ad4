import Foundation
import HTTP
import TestSupport
import XCTest

final class HTTPClientTests: XCTestCase {
    var fixture: HTTPFixture!

    override func setUpWithError() throws {
        fixture = try HTTPFixture()
    }

    override func tearDown() {
        fixture.stop()
    }

    private func echo(_ response: HTTPResponse) throws -> Echo {
        try JSONDecoder().decode(Echo.self, from: Data(response.body))
    }

    func testGetReturnsStatusHeadersAndBody() throws {
        let client = try HTTPClient()
        let response = try client.send(HTTPRequest(url: fixture.baseURL + "/hello?x=1", headers: [("X-Test", "a b")]))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("x-fixture"), "yes")
        XCTAssertEqual(response.header("CONTENT-TYPE"), "application/json")
        let seen = try echo(response)
        XCTAssertEqual(seen.method, "GET")
        XCTAssertEqual(seen.path, "/hello?x=1")
        XCTAssertEqual(seen.headers["x-test"], "a b")
        XCTAssertEqual(seen.body, "")
    }

    func testPostSendsTheBodyExactly() throws {
        let client = try HTTPClient()
        let body = String(repeating: "{\"k\":\"é;\"}", count: 500) // over 1 KiB: no Expect: 100-continue round trip
        let response = try client.send(
            HTTPRequest(
                method: "POST", url: fixture.baseURL + "/post",
                headers: [("Content-Type", "application/x-amz-json-1.1")],
                body: Array(body.utf8)))
        let seen = try echo(response)
        XCTAssertEqual(seen.method, "POST")
        XCTAssertEqual(seen.body, body)
        XCTAssertEqual(seen.headers["content-type"], "application/x-amz-json-1.1")
        XCTAssertNil(seen.headers["expect"])
    }

    func testOtherMethodsAndEmptyBodies() throws {
        let client = try HTTPClient()
        let put = try client.send(HTTPRequest(method: "PUT", url: fixture.baseURL + "/token"))
        XCTAssertEqual(try echo(put).method, "PUT")
        XCTAssertEqual(try echo(put).headers["content-length"], "0")
        let delete = try client.send(HTTPRequest(method: "DELETE", url: fixture.baseURL + "/thing"))
        XCTAssertEqual(try echo(delete).method, "DELETE")
        let head = try client.send(HTTPRequest(method: "HEAD", url: fixture.baseURL + "/"))
        XCTAssertEqual(head.status, 200)
        XCTAssertTrue(head.body.isEmpty)
    }

    func testErrorStatusesAreResponsesNotErrors() throws {
        let client = try HTTPClient()
        let response = try client.send(HTTPRequest(url: fixture.baseURL + "/status/503"))
        XCTAssertEqual(response.status, 503)
    }

    func testTenSequentialRequestsShareOneConnection() throws {
        let client = try HTTPClient()
        var counts: [Int] = []
        for i in 0..<10 {
            let response = try client.send(
                HTTPRequest(method: i % 2 == 0 ? "GET" : "POST", url: fixture.baseURL + "/n\(i)", body: Array("x".utf8)))
            counts.append(try echo(response).connections)
        }
        XCTAssertEqual(counts, Array(repeating: 1, count: 10), "the server accepted more than one TCP connection")
    }

    func testATransferIsAbandonedSoonAfterTheConditionTurnsTrue() throws {
        let client = try HTTPClient(configuration: .init(connectTimeout: 2, timeout: 30))
        let start = Date()
        let cancellation = Cancellation(when: { Date().timeIntervalSince(start) > 0.5 })
        XCTAssertThrowsError(try client.send(HTTPRequest(url: "http://127.0.0.1:\(fixture.silentPort)/"), cancellation: cancellation)) {
            error in
            XCTAssertEqual((error as? HTTPError)?.kind, .aborted, "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 3, "well before the 30 s timeout")
        // The next transfer, without the cancellation, works as before on the same client.
        XCTAssertEqual(try client.send(HTTPRequest(url: fixture.baseURL + "/hello")).status, 200)
    }

    func testSilentServerFailsWithinTheTimeout() throws {
        let client = try HTTPClient(configuration: .init(connectTimeout: 2, timeout: 1.5))
        let start = Date()
        XCTAssertThrowsError(try client.send(HTTPRequest(url: "http://127.0.0.1:\(fixture.silentPort)/"))) { error in
            guard let error = error as? HTTPError else { return XCTFail("not an HTTPError: \(error)") }
            XCTAssertEqual(error.kind, .timeout)
            XCTAssertTrue(error.isTransient)
            XCTAssertTrue(error.description.contains("imed out"), error.description)
        }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(elapsed, 1.5, accuracy: 1.0)
        // A per-request timeout overrides the configured one.
        let start2 = Date()
        XCTAssertThrowsError(try client.send(HTTPRequest(url: "http://127.0.0.1:\(fixture.silentPort)/"), timeout: 0.5))
        XCTAssertEqual(Date().timeIntervalSince(start2), 0.5, accuracy: 1.0)
    }

    func testRefusedConnectionIsATransientConnectionError() throws {
        let port = HostResources.unusedPort()
        let client = try HTTPClient()
        XCTAssertThrowsError(try client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/"))) { error in
            let error = error as! HTTPError
            XCTAssertEqual(error.kind, .connection)
            XCTAssertTrue(error.isTransient)
        }
    }

    func testMalformedURLIsAUsageErrorWithCurlsMessage() throws {
        let client = try HTTPClient()
        XCTAssertThrowsError(try client.send(HTTPRequest(url: "nope://user:hunter2@example/"))) { error in
            let error = error as! HTTPError
            XCTAssertEqual(error.kind, .usage)
            XCTAssertFalse(error.description.contains("hunter2"), error.description)
            XCTAssertFalse(error.message.isEmpty)
        }
    }

    func testMissingCABundleIsReported() throws {
        let client = try HTTPClient(configuration: .init(trustStore: TrustStore(bundle: "/nonexistent/ca.pem")))
        // The bundle is only read for TLS; a plain-HTTP request still works.
        XCTAssertEqual(try client.send(HTTPRequest(url: fixture.baseURL + "/")).status, 200)
        XCTAssertThrowsError(try client.send(HTTPRequest(url: "https://127.0.0.1:\(fixture.port)/"))) { error in
            XCTAssertNotNil(error as? HTTPError)
        }
    }

    func testNoCACertificatesFailsHTTPSWithThePathsTriedAndSendsNothing() throws {
        let empty = TrustStore.locate(environment: [:], isFile: { _ in false }, isHashedDirectory: { _ in false })
        let client = try HTTPClient(configuration: .init(trustStore: empty))
        XCTAssertEqual(try client.send(HTTPRequest(url: fixture.baseURL + "/")).status, 200)
        let before = try echo(client.send(HTTPRequest(url: fixture.baseURL + "/"))).connections
        XCTAssertThrowsError(try client.send(HTTPRequest(url: "HTTPS://127.0.0.1:\(fixture.port)/"))) { error in
            let error = error as! HTTPError
            XCTAssertEqual(error.kind, .tls)
            XCTAssertTrue(error.message.contains("/etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt"), error.message)
            XCTAssertTrue(error.message.contains("set SSL_CERT_FILE (or AWS_CA_BUNDLE)"), error.message)
        }
        XCTAssertEqual(try echo(client.send(HTTPRequest(url: fixture.baseURL + "/"))).connections, before, "no connection was made")
    }

    func testResidentMemoryStaysFlatOverAThousandRequests() throws {
        let client = try HTTPClient()
        let request = HTTPRequest(
            method: "POST", url: fixture.baseURL + "/mem", headers: [("X-A", "b")], body: Array(repeating: 65, count: 2048))
        for _ in 0..<200 { _ = try client.send(request) } // warm-up
        let before = HostResources.residentKB()
        for _ in 0..<1000 { _ = try client.send(request) }
        let after = HostResources.residentKB()
        XCTAssertLessThan(after - before, 2048, "RSS grew from \(before) kB to \(after) kB")
    }
}
