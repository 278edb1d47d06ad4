import AWSClient
import Foundation
@testable import Migrations
import Postgres
import TestSupport
import XCTest

/// RDS IAM authentication against the local PostgreSQL (with TLS): the token made for a fixed time is the
/// role's password, so a connection succeeds only if that token reached libpq as the password.
final class RDSIAMConnectionTests: XCTestCase {
    static let time = "2026-12-01T09:30:00Z"
    static let credentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE+session/token=", source: "test")
    var stack: LocalStack!
    var role: String!
    var port: Int!

    override func setUpWithError() throws {
        stack = try LocalStack.current()
        role = "iam_" + UUID().uuidString.prefix(8).lowercased()
        port = Int(stack.environment["LOCAL_STACK_PG_PORT"] ?? "")
        XCTAssertNotNil(port)
    }

    override func tearDownWithError() throws {
        try Connection(stack.databaseURL).exec("DROP ROLE IF EXISTS \(role!)")
    }

    /// A password source like `--rds-iam`'s, with the clock fixed at `time`.
    func tokenPassword(time: String, made counter: Counter? = nil) throws -> ConnectionPassword {
        let date = try XCTUnwrap(ISO8601DateFormatter().date(from: time))
        return ConnectionPassword(name: "RDS IAM authentication (test)", requiresTLS: true) { target in
            counter?.add(target)
            return RDSAuthToken.make(
                host: target.host, port: target.port, user: target.user, region: "eu-central-1",
                credentials: Self.credentials, at: date)
        }
    }

    func url(sslmode: String, port: Int? = nil) -> String {
        "postgresql://\(role!)@127.0.0.1:\(port ?? self.port!)/postgres?sslmode=\(sslmode)"
    }

    func testTheTokenReachesLibpqAsThePassword() throws {
        let token = try Botocore.rdsAuthToken(
            host: "127.0.0.1", port: port, user: role, region: "eu-central-1", time: Self.time,
            accessKeyID: Self.credentials.accessKeyID, secretAccessKey: Self.credentials.secretAccessKey,
            sessionToken: Self.credentials.sessionToken)
        let admin = try Connection(stack.databaseURL)
        try admin.exec("CREATE ROLE \(role!) LOGIN PASSWORD \(try admin.quoteLiteral(token))")

        let made = Counter()
        let config = MigratorConfig(databaseURL: url(sslmode: "require"), password: try tokenPassword(time: Self.time, made: made))
        let connection = try DatabaseSession.open(config, log: { _ in })
        XCTAssertEqual(connection.user, role)
        XCTAssertEqual(try connection.exec("SELECT ssl::text AS ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").value("ssl"), "true")
        XCTAssertEqual(made.targets, [ConnectionTarget(host: "127.0.0.1", port: port, user: role, sslmode: "require")])

        // The same role with a token for another second: refused, and the error does not show the token.
        let stale = MigratorConfig(
            databaseURL: url(sslmode: "require"),
            password: try tokenPassword(time: "2026-12-01T09:30:01Z"))
        XCTAssertThrowsError(try DatabaseSession.open(stale, log: { _ in })) { error in
            XCTAssertTrue("\(error)".contains("password authentication failed"), "\(error)")
            XCTAssertFalse("\(error)".contains("X-Amz-Signature"), "\(error)")
        }
    }

    func testConnectionsWithoutTLSAreRefusedBeforeATokenIsMade() throws {
        for sslmode in ["disable", "allow", "prefer"] {
            let made = Counter()
            let config = MigratorConfig(databaseURL: url(sslmode: sslmode), password: try tokenPassword(time: Self.time, made: made))
            XCTAssertThrowsError(try DatabaseSession.open(config, log: { _ in }), sslmode) { error in
                guard case MigratorError.usage(let message) = error else { return XCTFail("\(sslmode): \(error)") }
                XCTAssertTrue(message.contains("refuses sslmode=\(sslmode)"), message)
                XCTAssertTrue(message.contains("sslmode=require"), message)
            }
            XCTAssertEqual(made.targets.count, 0, sslmode)
        }
        let socket = MigratorConfig(databaseURL: "host=/tmp user=app sslmode=require", password: try tokenPassword(time: Self.time))
        XCTAssertThrowsError(try DatabaseSession.open(socket, log: { _ in })) { error in
            XCTAssertTrue("\(error)".contains("socket directory /tmp"), "\(error)")
        }
    }

    func testEveryAttemptOfAWaitGetsItsOwnToken() throws {
        let made = Counter()
        var config = MigratorConfig(
            databaseURL: url(sslmode: "require", port: HostResources.unusedPort()),
            password: try tokenPassword(time: Self.time, made: made))
        config.wait = 2
        XCTAssertThrowsError(try DatabaseSession.open(config, log: { _ in })) { error in
            guard case MigratorError.connect(_, let attempts, _) = error else { return XCTFail("\(error)") }
            XCTAssertGreaterThanOrEqual(attempts, 3)
            XCTAssertEqual(made.targets.count, attempts)
        }
    }
}

/// `@unchecked Sendable` because the password maker may run on the session's login thread; safe because
/// `seen`, its only state, is read and written only while `lock` is held.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [ConnectionTarget] = []

    func add(_ target: ConnectionTarget) { lock.lock(); seen.append(target); lock.unlock() }
    var targets: [ConnectionTarget] { lock.lock(); defer { lock.unlock() }; return seen }
}
