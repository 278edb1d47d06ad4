@testable import AWSSigV4
import Foundation
import XCTest

/// The signer's own rules, table-driven, beyond what the suite's cases cover.
final class SigV4SignerTests: XCTestCase {
    static let date = Date(timeIntervalSince1970: 1_440_938_160) // 2015-08-30T12:36:00Z
    static let credentials = SigV4Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    private func signer(token: String? = nil, normalize: Bool = true, clock: @escaping @Sendable () -> Date = { SigV4SignerTests.date })
        -> SigV4Signer
    {
        var credentials = Self.credentials
        credentials.sessionToken = token
        return SigV4Signer(credentials: credentials, region: "us-east-1", service: "service", normalizePath: normalize, clock: clock)
    }

    func testPathNormalization() {
        let cases: [(String, String)] = [
            ("/", "/"), ("", "/"), ("//", "/"), ("/./", "/"), ("/a/./b", "/a/b"), ("/a/../b", "/b"), ("/a/b/../..", "/"),
            ("/../a", "/a"), ("//a//b//", "/a/b/"), ("/a/b/", "/a/b/"), ("/a/.", "/a"),
        ]
        for (input, expected) in cases { XCTAssertEqual(URIEncoding.normalizePath(input), expected, input) }
    }

    func testHeaderValueTrimming() {
        let cases: [(String, String)] = [("  a  ", "a"), ("a   b\tc", "a b c"), ("", ""), ("\"a   b\"", "\"a b\"")]
        for (input, expected) in cases { XCTAssertEqual(SigV4Signer.trimmed(input), expected, input) }
    }

    func testCanonicalQuerySortsAndReencodes() {
        let cases: [(String, String)] = [
            ("b=2&a=1", "a=1&b=2"), ("a=2&a=1", "a=1&a=2"), ("flag", "flag="), ("a=x+y", "a=x%2By"),
            ("k=a%20b", "k=a%20b"), ("k=a%2fb", "k=a%2Fb"), ("&&a=1&", "a=1"), ("B=1&a=1", "B=1&a=1"),
        ]
        for (input, expected) in cases { XCTAssertEqual(signer().canonicalQuery(input), expected, input) }
    }

    func testTimestampForms() {
        let cases: [(Double, String)] = [
            (0, "19700101T000000Z"), (1_440_938_160, "20150830T123600Z"), (951_782_400, "20000229T000000Z"),
            (4_102_444_799, "20991231T235959Z"),
        ]
        for (seconds, expected) in cases { XCTAssertEqual(AMZDate.timestamp(Date(timeIntervalSince1970: seconds)), expected) }
    }

    func testSignUsesTheInjectedClock() {
        let request = SigV4Request(method: "GET", headers: [(name: "Host", value: "example.amazonaws.com")])
        let signed = signer().sign(request)
        XCTAssertEqual(signed.header("X-Amz-Date"), "20150830T123600Z")
        // The suite's get-vanilla signature, reached through the clock rather than an explicit date.
        XCTAssertTrue(
            signed.header("Authorization")!.hasSuffix("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"))
        let later = signer(clock: { SigV4SignerTests.date.addingTimeInterval(86_400) }).sign(request)
        XCTAssertEqual(later.header("X-Amz-Date"), "20150831T123600Z")
        XCTAssertTrue(later.header("Authorization")!.contains("/20150831/us-east-1/service/aws4_request"))
    }

    func testSigningAgainReplacesTheSigningHeaders() {
        let request = SigV4Request(method: "POST", headers: [(name: "Host", value: "h")], body: Array("{}".utf8))
        let once = signer(token: "tok").sign(request)
        let twice = signer(token: "tok", clock: { SigV4SignerTests.date.addingTimeInterval(60) }).sign(once)
        XCTAssertEqual(twice.headers.filter { $0.name.lowercased() == "authorization" }.count, 1)
        XCTAssertEqual(twice.headers.filter { $0.name.lowercased() == "x-amz-date" }.count, 1)
        XCTAssertEqual(twice.headers.filter { $0.name.lowercased() == "x-amz-security-token" }.count, 1)
        XCTAssertEqual(twice.header("X-Amz-Date"), "20150830T123700Z")
    }

    func testUnsignedHeadersStayOutOfTheSignature() {
        let base = SigV4Request(method: "GET", headers: [(name: "Host", value: "h")])
        var withAgent = base
        withAgent.headers.append((name: "User-Agent", value: "curl/8"))
        withAgent.headers.append((name: "X-Amzn-Trace-Id", value: "Root=1"))
        XCTAssertEqual(
            signer().headerSignature(for: base, at: Self.date).signature,
            signer().headerSignature(for: withAgent, at: Self.date).signature)
    }

    func testContentSHA256HeaderAndPayloadOverride() {
        var s = signer()
        s.addsContentSHA256Header = true
        var request = SigV4Request(method: "PUT", path: "/bucket/key", headers: [(name: "Host", value: "h")], body: Array("abc".utf8))
        XCTAssertEqual(s.sign(request).header("x-amz-content-sha256"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        request.payloadHash = "UNSIGNED-PAYLOAD"
        let result = s.headerSignature(for: request, at: Self.date)
        XCTAssertEqual(result.signedRequest.header("x-amz-content-sha256"), "UNSIGNED-PAYLOAD")
        XCTAssertTrue(result.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))
    }

    func testNormalizeOffKeepsS3StylePaths() {
        let request = SigV4Request(method: "GET", path: "/bucket//a/../key", headers: [(name: "Host", value: "h")])
        XCTAssertTrue(
            signer(normalize: false).headerSignature(for: request, at: Self.date).canonicalRequest.hasPrefix("GET\n/bucket//a/../key\n"))
        XCTAssertTrue(signer(normalize: true).headerSignature(for: request, at: Self.date).canonicalRequest.hasPrefix("GET\n/bucket/key\n"))
    }

    func testPresignCarriesTheTokenAndExpiry() {
        // The shape RDS IAM authentication tokens use: GET with Action parameters, presigned for 15 minutes.
        let request = SigV4Request(
            method: "GET", path: "/", query: "Action=connect&DBUser=app",
            headers: [(name: "Host", value: "db.example.us-east-1.rds.amazonaws.com:5432")])
        var s = signer(token: "session/token+x=")
        s.service = "rds-db"
        let signed = s.presign(request, expiresIn: 900)
        XCTAssertTrue(signed.query.hasPrefix("Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
        XCTAssertTrue(signed.query.contains("&X-Amz-Expires=900&"))
        XCTAssertTrue(signed.query.contains("&X-Amz-Security-Token=session%2Ftoken%2Bx%3D&"))
        XCTAssertTrue(signed.query.contains("X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Frds-db%2Faws4_request"))
        XCTAssertNil(signed.header("Authorization"))
        let signature = signed.query.components(separatedBy: "X-Amz-Signature=").last!
        XCTAssertEqual(signature.count, 64)
    }

    func testTokenCanBeLeftOutOfTheSignature() {
        var s = signer(token: "tok")
        let request = SigV4Request(method: "GET", headers: [(name: "Host", value: "h")])
        s.signsSessionToken = false
        let result = s.headerSignature(for: request, at: Self.date)
        XCTAssertFalse(result.canonicalRequest.contains("x-amz-security-token"))
        // Where the suite's post-sts-header-after puts it: sent in the usual place, only not signed.
        XCTAssertEqual(result.signedRequest.headers.map(\.name), ["Host", "X-Amz-Security-Token", "X-Amz-Date", "Authorization"])
        XCTAssertEqual(result.signature, signer().headerSignature(for: request, at: Self.date).signature)
    }

    func testCredentialsDescriptionHidesSecrets() {
        let c = SigV4Credentials(accessKeyID: "AKID", secretAccessKey: "very-secret", sessionToken: "very-token")
        XCTAssertFalse("\(c)".contains("very-secret"))
        XCTAssertFalse("\(c)".contains("very-token"))
        XCTAssertTrue("\(c)".contains("AKID"))
    }
}
