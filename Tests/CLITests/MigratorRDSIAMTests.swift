import Foundation
import TestSupport
import XCTest

/// `migrator --rds-iam` as a process: the token replaces the URL's password, TLS is required, and
/// neither token nor secret key is ever printed.
final class MigratorRDSIAMTests: XCTestCase {
    var f: MigratorFixture!
    var role: String!
    let password = "Kq7-known-" + UUID().uuidString.prefix(8)
    let secretKey = "rds-iam-test-secret-" + UUID().uuidString.prefix(8)

    override func setUpWithError() throws {
        f = try MigratorFixture()
        role = "cli_iam_" + UUID().uuidString.prefix(8).lowercased()
        try psql(f.stack.databaseURL, "CREATE ROLE \(role!) LOGIN PASSWORD '\(password)'")
        try f.write("1_create_orders.up.sql", "CREATE TABLE orders (id bigserial PRIMARY KEY);\n")
    }

    override func tearDownWithError() throws {
        f.tearDown()
        _ = try? psql(f.stack.databaseURL, "DROP ROLE IF EXISTS \(role!)")
    }

    func url(sslmode: String) -> String {
        "postgresql://\(role!):\(password)@127.0.0.1:\(f.stack.environment["LOCAL_STACK_PG_PORT"]!)/\(f.database)?sslmode=\(sslmode)"
    }

    /// Only what the test names: no inherited AWS or PG settings, no shared files.
    func migrator(_ arguments: [String], _ environment: [String: String]) throws -> ProcessResult {
        var env = [
            "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory() + "no-home-" + UUID().uuidString,
            "MIGRATIONS_DIR": f.directory,
        ]
        env.merge(environment) { _, new in new }
        return try ProcessRunner.run(Paths.executable("migrator"), arguments, environment: env, timeout: 60)
    }

    var awsEnvironment: [String: String] {
        [
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": secretKey,
            "AWS_SESSION_TOKEN": "session-token-for-the-test", "AWS_REGION": "eu-west-1",
        ]
    }

    func testTheTokenReplacesThePasswordOfTheURL() throws {
        // Without the option the URL's password works...
        let plain = try migrator(["status"], ["DATABASE_URL": url(sslmode: "require")].merging(awsEnvironment) { a, _ in a })
        XCTAssertEqual(plain.status, 0, plain.output)
        // ...with it, the server gets a token instead, which this role does not accept.
        for (arguments, extra) in [(["status", "--rds-iam"], [:]), (["status"], ["MIGRATOR_RDS_IAM": "true"])] {
            let env = ["DATABASE_URL": url(sslmode: "require")].merging(awsEnvironment) { a, _ in a }.merging(extra) { a, _ in a }
            let r = try migrator(arguments, env)
            XCTAssertEqual(r.status, 5, r.output)
            XCTAssertTrue(r.stderr.contains("password authentication failed for user \"\(role!)\""), r.stderr)
            for secret in ["X-Amz-", secretKey, "session-token-for-the-test", password] {
                XCTAssertFalse(r.output.contains(secret), "\(secret) in: \(r.output)")
            }
        }
    }

    func testSSLModesWithoutTLSAreRefused() throws {
        for sslmode in ["disable", "prefer"] {
            let r = try migrator(["up", "--rds-iam"], ["DATABASE_URL": url(sslmode: sslmode)].merging(awsEnvironment) { a, _ in a })
            XCTAssertEqual(r.status, 64, r.output)
            XCTAssertTrue(r.stderr.contains("refuses sslmode=\(sslmode)"), r.stderr)
            XCTAssertFalse(r.output.contains(password), r.output)
        }
        // PGSSLMODE counts like the URL's own setting.
        let fromEnvironment = try migrator(
            ["up", "--rds-iam"],
            [
                "DATABASE_URL": url(sslmode: "require").replacingOccurrences(of: "?sslmode=require", with: ""),
                "PGSSLMODE": "disable",
            ].merging(awsEnvironment) { a, _ in a })
        XCTAssertEqual(fromEnvironment.status, 64, fromEnvironment.output)
        XCTAssertTrue(fromEnvironment.stderr.contains("refuses sslmode=disable"), fromEnvironment.stderr)
        XCTAssertEqual(try f.query("SELECT count(*) FROM pg_tables WHERE tablename = 'orders'"), "0")
    }

    func testMissingCredentialsAndBadSettingsAreClear() throws {
        let none = try migrator(["status", "--rds-iam"], ["DATABASE_URL": url(sslmode: "require"), "AWS_REGION": "eu-west-1"])
        XCTAssertEqual(none.status, 64, none.output)
        XCTAssertTrue(none.stderr.contains("RDS IAM authentication (--rds-iam): No AWS credentials found"), none.stderr)

        let noRegion = try migrator(
            ["status", "--rds-iam"],
            [
                "DATABASE_URL": url(sslmode: "require"), "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                "AWS_SECRET_ACCESS_KEY": secretKey,
            ])
        XCTAssertEqual(noRegion.status, 64, noRegion.output)
        XCTAssertTrue(noRegion.stderr.contains("no AWS region to sign the token for: set AWS_REGION"), noRegion.stderr)
        XCTAssertFalse(noRegion.output.contains(secretKey), noRegion.output)

        let bad = try migrator(["status"], ["DATABASE_URL": url(sslmode: "require"), "MIGRATOR_RDS_IAM": "maybe"])
        XCTAssertEqual(bad.status, 64, bad.output)
        XCTAssertTrue(bad.stderr.contains("MIGRATOR_RDS_IAM must be true or false, not \"maybe\""), bad.stderr)
    }
}
