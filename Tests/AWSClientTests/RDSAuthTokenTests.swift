import AWSClient
import Foundation
import TestSupport
import XCTest

/// Our RDS IAM token against botocore's `generate_db_auth_token` (the pinned one in .venv) for the same
/// credentials, region, host, port, user and time.
final class RDSAuthTokenTests: XCTestCase {
    struct Case {
        var name: String
        var host: String
        var port: Int
        var user: String
        var region: String
        var time: String
        var sessionToken: String?
    }

    static let cases: [Case] = [
        Case(
            name: "long-term keys", host: "orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com", port: 5432,
            user: "migrator", region: "eu-west-1", time: "2026-11-30T23:59:59Z"),
        Case(
            name: "task role with a session token", host: "billing-db.c9x8y7.us-east-1.rds.amazonaws.com", port: 5432,
            user: "billing_app", region: "us-east-1", time: "2026-12-01T08:15:00Z",
            sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars//"),
        Case(
            name: "user that needs encoding, other port", host: "reports.internal.example", port: 6543,
            user: "report user@ops", region: "ap-southeast-2", time: "2027-02-28T12:00:00Z"),
        Case(
            name: "port 443 is dropped from the signed host only", host: "db.example.com", port: 443,
            user: "app", region: "us-west-2", time: "2026-06-01T00:00:00Z", sessionToken: "short"),
    ]

    func testTokensAreByteForByteBotocores() throws {
        for c in Self.cases {
            let credentials = AWSCredentials(
                accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                sessionToken: c.sessionToken, source: "test")
            let date = try XCTUnwrap(ISO8601DateFormatter().date(from: c.time))
            let ours = RDSAuthToken.make(
                host: c.host, port: c.port, user: c.user, region: c.region,
                credentials: credentials, at: date)
            let theirs = try botocoreToken(c, credentials: credentials)
            XCTAssertEqual(ours, theirs, c.name)
            XCTAssertTrue(ours.hasPrefix("\(c.host):\(c.port)/?Action=connect&DBUser="), c.name)
            XCTAssertTrue(ours.contains("&X-Amz-Expires=900&"), c.name)
        }
    }

    private func botocoreToken(_ c: Case, credentials: AWSCredentials) throws -> String {
        try Botocore.rdsAuthToken(
            host: c.host, port: c.port, user: c.user, region: c.region, time: c.time,
            accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey,
            sessionToken: credentials.sessionToken)
    }
}
