@testable import AWSClient
import Foundation
import XCTest

/// Region, endpoint and retry settings resolution, table-driven.
final class ConfigurationTests: XCTestCase {
    var home: TemporaryHome!

    override func setUpWithError() throws { home = try TemporaryHome() }
    override func tearDown() { home.remove() }

    func testRegionPrecedence() throws {
        try home.write(".aws/config", "[default]\nregion = from-profile-1\n[profile other]\nregion = other-profile-1\n")
        let cases: [(name: String, flag: String?, env: [String: String], profile: String?, expected: String)] = [
            ("flag wins", "eu-central-1", ["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-east-2"], nil, "eu-central-1"),
            ("AWS_REGION next", nil, ["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-east-2"], nil, "us-west-2"),
            ("AWS_DEFAULT_REGION next", nil, ["AWS_DEFAULT_REGION": "us-east-2"], nil, "us-east-2"),
            ("profile region last", nil, [:], nil, "from-profile-1"),
            ("selected profile's region", nil, [:], "other", "other-profile-1"),
            ("empty values are skipped", "", ["AWS_REGION": ""], nil, "from-profile-1"),
        ]
        for c in cases {
            var env = ["HOME": home.path]
            env.merge(c.env) { _, n in n }
            XCTAssertEqual(try AWSConfiguration.resolve(environment: env, profile: c.profile, region: c.flag).region, c.expected, c.name)
        }
    }

    func testNoRegionIsAClearConfigurationError() {
        XCTAssertThrowsError(try AWSConfiguration.resolve(environment: ["HOME": home.path])) { error in
            guard let error = error as? AWSError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .configuration)
            XCTAssertTrue(error.description.contains("--region"))
            XCTAssertTrue(error.description.contains("AWS_REGION"))
        }
        XCTAssertThrowsError(try AWSConfiguration.resolve(environment: ["HOME": home.path], region: "us-east-1.evil.com/x")) { error in
            XCTAssertEqual((error as? AWSError)?.kind, .configuration)
        }
    }

    func testEndpointPrecedence() throws {
        try home.write(
            ".aws/config",
            """
            [default]
            region = us-east-1
            endpoint_url = http://profile-global:1
            services = local
            [services local]
            cloudwatch_logs =
              endpoint_url = http://profile-logs:2
            """)
        let all: [String: String] = [
            "AWS_ENDPOINT_URL_ECS": "http://env-ecs:3", "AWS_ENDPOINT_URL": "http://env-global:4",
        ]
        let cases: [(name: String, flag: String?, env: [String: String], service: AWSService, expected: String)] = [
            ("--endpoint-url first", "http://flag:5", all, .ecs, "http://flag:5"),
            ("service variable next", nil, all, .ecs, "http://env-ecs:3"),
            ("global variable next", nil, all, .logs, "http://env-global:4"),
            ("global variable for STS", nil, all, .sts, "http://env-global:4"),
            ("profile services section", nil, [:], .logs, "http://profile-logs:2"),
            ("profile endpoint_url", nil, [:], .ecs, "http://profile-global:1"),
            (
                "CLOUDWATCH_LOGS suffix", nil, ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": "https://logs.example:8443/"], .logs,
                "https://logs.example:8443"
            ),
            ("STS suffix", nil, ["AWS_ENDPOINT_URL_STS": "http://sts-local"], .sts, "http://sts-local"),
            (
                "ignore configured endpoints", nil, all.merging(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) { _, n in n }, .ecs,
                "https://ecs.us-east-1.amazonaws.com"
            ),
            ("explicit flag even when ignoring", "http://flag:5", ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"], .ecs, "http://flag:5"),
            ("default port dropped", nil, ["AWS_ENDPOINT_URL": "https://host:443"], .ecs, "https://host"),
        ]
        for c in cases {
            var env = ["HOME": home.path]
            env.merge(c.env) { _, n in n }
            let configuration = try AWSConfiguration.resolve(environment: env, endpointURL: c.flag)
            XCTAssertEqual(configuration.endpoint(for: c.service), c.expected, c.name)
            XCTAssertEqual(try AWSClient(configuration: configuration).endpoint(for: c.service), c.expected, c.name)
        }
    }

    func testDefaultHostsPerPartition() throws {
        let cases: [(region: String, service: AWSService, fips: Bool, expected: String)] = [
            ("us-east-1", .ecs, false, "https://ecs.us-east-1.amazonaws.com"),
            ("eu-west-1", .logs, false, "https://logs.eu-west-1.amazonaws.com"),
            ("ap-southeast-2", .sts, false, "https://sts.ap-southeast-2.amazonaws.com"),
            ("cn-north-1", .ecs, false, "https://ecs.cn-north-1.amazonaws.com.cn"),
            ("cn-northwest-1", .sts, false, "https://sts.cn-northwest-1.amazonaws.com.cn"),
            ("us-gov-west-1", .ecs, false, "https://ecs.us-gov-west-1.amazonaws.com"),
            ("us-gov-east-1", .logs, true, "https://logs-fips.us-gov-east-1.amazonaws.com"),
            ("us-east-1", .ecs, true, "https://ecs-fips.us-east-1.amazonaws.com"),
            ("us-iso-east-1", .ecs, false, "https://ecs.us-iso-east-1.c2s.ic.gov"),
            ("us-isob-east-1", .ecs, false, "https://ecs.us-isob-east-1.sc2s.sgov.gov"),
        ]
        for c in cases {
            var env = ["HOME": home.path]
            if c.fips { env["AWS_USE_FIPS_ENDPOINT"] = "true" }
            XCTAssertEqual(try AWSConfiguration.resolve(environment: env, region: c.region).endpoint(for: c.service), c.expected, c.region)
        }
    }

    func testBadEndpointURLsAreConfigurationErrors() {
        let cases: [(name: String, flag: String?, env: [String: String], mentions: String)] = [
            ("no scheme", "localhost:4566", [:], "no scheme"),
            ("ftp", "ftp://x", [:], "http://"),
            ("bad port", nil, ["AWS_ENDPOINT_URL_ECS": "http://x:notaport"], "AWS_ENDPOINT_URL_ECS"),
            ("no host", nil, ["AWS_ENDPOINT_URL": "http://"], "no host"),
            ("bad STS", nil, ["AWS_ENDPOINT_URL_STS": "sts.local"], "AWS_ENDPOINT_URL_STS"),
            ("unclosed IPv6 bracket", "http://[::1", [:], "IPv6 address without its closing ]"),
            ("not an IPv6 address", "http://[zz::1]:4566", [:], "malformed"),
            ("garbage after the IPv6 address", "http://[::1]x:4566", [:], "malformed"),
            ("a bad character in the host", nil, ["AWS_ENDPOINT_URL_ECS": "http://ecs<local>:4566"], "AWS_ENDPOINT_URL_ECS"),
            ("port out of range", "http://localhost:70000", [:], "bad port"),
        ]
        for c in cases {
            var env = ["HOME": home.path, "AWS_REGION": "us-east-1"]
            env.merge(c.env) { _, n in n }
            XCTAssertThrowsError(try AWSConfiguration.resolve(environment: env, endpointURL: c.flag), c.name) { error in
                XCTAssertEqual((error as? AWSError)?.kind, .configuration, c.name)
                // A malformed value, found before any request: a command line calls it a usage error.
                XCTAssertEqual((error as? AWSError)?.code, AWSError.invalidSettingCode, c.name)
                XCTAssertTrue("\(error)".contains(c.mentions), "\(c.name): \(error)")
            }
            if let flag = c.flag {
                XCTAssertNotNil(AWSConfiguration.problem(withEndpointURL: flag), c.name)
            }
        }
        for good in ["http://[::1]:4566", "http://127.0.0.1:4566/base", "https://ecs.eu-west-1.amazonaws.com"] {
            XCTAssertNil(AWSConfiguration.problem(withEndpointURL: good), good)
        }
    }

    /// botocore hands the shared files to configparser, which skips a file it cannot open: a config the
    /// process may not read (another user's, as with HOME=/root) is absent, not an error. Tests run as
    /// root, whom permissions do not stop, so a directory stands in for the unreadable file.
    func testAnUnreadableSharedFileCountsAsAbsentAndTheTraceSaysSo() throws {
        try FileManager.default.createDirectory(atPath: home.file(".aws/config"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home.file(".aws/credentials"), withIntermediateDirectories: true)
        var trace: [String] = []
        let configuration = try AWSConfiguration.resolve(
            environment: ["HOME": home.path, "AWS_REGION": "us-east-1"], debug: { trace.append($0) })
        XCTAssertEqual(configuration.profileName, "default")
        for file in [".aws/config", ".aws/credentials"] {
            XCTAssertTrue(
                trace.contains { $0.contains("cannot read \(home.file(file)) (Is a directory); treated as absent, as the AWS CLI does") },
                "\(trace)")
        }
    }

    func testABadEndpointForAServiceWeNeverCallIsIgnored() throws {
        let env = ["HOME": home.path, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": "not a url"]
        XCTAssertEqual(try AWSConfiguration.resolve(environment: env).endpoint(for: .ecs), "https://ecs.us-east-1.amazonaws.com")
    }

    func testRetrySettings() throws {
        try home.write(".aws/config", "[default]\nmax_attempts = 7\n[profile legacy]\nretry_mode = legacy\n")
        let cases: [(name: String, env: [String: String], profile: String?, mode: RetryPolicy.Mode, attempts: Int)] = [
            ("profile max_attempts", [:], nil, .standard, 7),
            ("environment wins", ["AWS_MAX_ATTEMPTS": "2"], nil, .standard, 2),
            ("legacy defaults to 5", [:], "legacy", .legacy, 5),
            ("adaptive", ["AWS_RETRY_MODE": "adaptive"], "legacy", .adaptive, 3),
            ("standard default", ["AWS_RETRY_MODE": "STANDARD"], "legacy", .standard, 3),
        ]
        for c in cases {
            var env = ["HOME": home.path, "AWS_REGION": "us-east-1"]
            env.merge(c.env) { _, n in n }
            let retry = try AWSConfiguration.resolve(environment: env, profile: c.profile).retry
            XCTAssertEqual(retry.mode, c.mode, c.name)
            XCTAssertEqual(retry.maxAttempts, c.attempts, c.name)
        }
        for bad in [["AWS_MAX_ATTEMPTS": "0"], ["AWS_MAX_ATTEMPTS": "-2"], ["AWS_MAX_ATTEMPTS": "many"], ["AWS_RETRY_MODE": "yolo"]] {
            XCTAssertThrowsError(
                try AWSConfiguration.resolve(environment: bad.merging(["HOME": home.path, "AWS_REGION": "x"]) { a, _ in a }),
                "\(bad)"
            ) { error in
                XCTAssertEqual((error as? AWSError)?.kind, .configuration)
                XCTAssertEqual((error as? AWSError)?.code, AWSError.invalidSettingCode)
            }
        }
    }

    func testBackoffIsExponentialWithFullJitterCappedAtTwentySeconds() {
        var policy = RetryPolicy()
        policy.random = { 0.999 }
        XCTAssertEqual(policy.backoff(afterAttempt: 1), 0.999, accuracy: 1e-9)
        XCTAssertEqual(policy.backoff(afterAttempt: 3), 3.996, accuracy: 1e-9)
        XCTAssertEqual(policy.backoff(afterAttempt: 10), 19.98, accuracy: 1e-9)
        policy.random = { 0 }
        XCTAssertEqual(policy.backoff(afterAttempt: 5), 0)
    }

    func testRetryQuotaSpendsAndRefills() {
        let quota = RetryQuota()
        var retries = 0
        while quota.acquire(RetryQuota.retryCost) { retries += 1 }
        XCTAssertEqual(retries, 100, "500 tokens at 5 per retry")
        XCTAssertFalse(quota.acquire(RetryQuota.timeoutCost))
        quota.release(RetryQuota.timeoutCost)
        XCTAssertTrue(quota.acquire(RetryQuota.timeoutCost))
        quota.release(nil)
        XCTAssertEqual(quota.available, 1)
    }

    func testSharedFileSyntax() throws {
        let text = """
            # comment
            ; another
            [default]
            region=us-west-2
            output : json
            s3 =
              max_concurrent_requests = 20
              addressing_style = path

            [ profile  spaced ]
            Key = Value With Spaces\r
            """
        let sections = try SharedConfig.parseINI(text, path: "config")
        XCTAssertEqual(sections.map(\.name), ["default", "profile  spaced"])
        XCTAssertEqual(sections[0].values["region"], "us-west-2")
        XCTAssertEqual(sections[0].values["output"], "json")
        XCTAssertEqual(SharedConfig.parseNested(sections[0].values["s3"]!), ["max_concurrent_requests": "20", "addressing_style": "path"])
        XCTAssertEqual(sections[1].values["key"], "Value With Spaces", "names are lower-cased, values kept")
        // Settings indented alike are settings of their own, as the AWS CLI reads them; deeper lines continue.
        let indented = try SharedConfig.parseINI(
            "[rv]\n  aws_access_key_id = AKIA1\n  aws_secret_access_key = s3cret\n  s3 =\n    addressing_style = path\n",
            path: "credentials")
        XCTAssertEqual(indented[0].values["aws_access_key_id"], "AKIA1")
        XCTAssertEqual(indented[0].values["aws_secret_access_key"], "s3cret")
        XCTAssertEqual(SharedConfig.parseNested(indented[0].values["s3"]!), ["addressing_style": "path"])
        XCTAssertThrowsError(try SharedConfig.parseINI("key = before any section\n", path: "f")) { error in
            XCTAssertTrue("\(error)".contains("f:1"))
        }
        XCTAssertThrowsError(try SharedConfig.parseINI("[default]\njust words\n", path: "f")) { error in
            XCTAssertTrue("\(error)".contains("f:2"))
        }
    }
}
