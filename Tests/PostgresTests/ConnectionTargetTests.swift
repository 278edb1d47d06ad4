import Foundation
import Postgres
import XCTest

/// The effective host, port, user and sslmode, as libpq itself works them out.
final class ConnectionTargetTests: XCTestCase {
    func testEffectiveValuesFromURLsConnectionStringsAndDefaults() throws {
        let cases: [(name: String, conninfo: String, expected: ConnectionTarget)] = [
            (
                "URL", "postgresql://app@orders.c1.eu-west-1.rds.amazonaws.com:6432/orders?sslmode=verify-full",
                ConnectionTarget(host: "orders.c1.eu-west-1.rds.amazonaws.com", port: 6432, user: "app", sslmode: "verify-full")
            ),
            (
                "URL without port or sslmode", "postgres://migrator@db.internal/app",
                ConnectionTarget(host: "db.internal", port: 5432, user: "migrator", sslmode: "prefer")
            ),
            (
                "conninfo", "host=10.0.3.7 port=5433 user='report user' dbname=reports sslmode=require",
                ConnectionTarget(host: "10.0.3.7", port: 5433, user: "report user", sslmode: "require")
            ),
            (
                "percent-encoded user", "postgresql://ops%40corp@db.internal/app?sslmode=require",
                ConnectionTarget(host: "db.internal", port: 5432, user: "ops@corp", sslmode: "require")
            ),
        ]
        for c in cases {
            XCTAssertEqual(try ConnectionTarget.resolve(c.conninfo), c.expected, c.name)
        }
    }

    func testThePGVariablesFillWhatTheStringLeavesOut() throws {
        setenv("PGSSLMODE", "verify-ca", 1)
        setenv("PGPORT", "7654", 1)
        defer { unsetenv("PGSSLMODE"); unsetenv("PGPORT") }
        XCTAssertEqual(
            try ConnectionTarget.resolve("host=db.internal user=app"),
            ConnectionTarget(host: "db.internal", port: 7654, user: "app", sslmode: "verify-ca"))
        // The string still wins.
        XCTAssertEqual(try ConnectionTarget.resolve("host=db.internal user=app sslmode=disable port=5432").sslmode, "disable")
    }

    func testUnusableStringsAreRefused() {
        for (conninfo, wanted) in [
            ("host=a,b user=app", "several hosts"), ("host=a port=x", "invalid port"),
            ("host='unterminated", "invalid connection string"),
        ] {
            XCTAssertThrowsError(try ConnectionTarget.resolve(conninfo), conninfo) { error in
                XCTAssertTrue("\(error)".contains(wanted), "\(conninfo): \(error)")
            }
        }
    }
}
