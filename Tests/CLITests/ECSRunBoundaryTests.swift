import Foundation
import TestSupport
import XCTest

/// ecs-run at its edges: malformed values refused before any request, shared AWS files it may not read,
/// and the signals a closed terminal or Ctrl-\ sends. (Faults of AWS itself: scripts/fault-proxy.)
final class ECSRunBoundaryTests: XCTestCase {
    var fx: ECSRunFixture!

    override func setUpWithError() throws { fx = try ECSRunFixture.shared() }

    /// Every malformed URL, negative or zero duration and negative count is a usage error (64) that says
    /// what is wrong with the value, and nothing reaches AWS.
    func testMalformedValuesAreUsageErrorsBeforeAnyRequest() throws {
        let cases: [(name: String, args: [String], env: [String: String], message: String)] = [
            ("negative --timeout", fx.launchOptions + ["--timeout", "-5s"], [:], #"--timeout: "-5s" is negative"#),
            ("negative --timeout=", fx.launchOptions + ["--timeout=-90"], [:], #""-90" is negative"#),
            ("negative ECS_RUN_TIMEOUT", fx.launchOptions, ["ECS_RUN_TIMEOUT": "-1m"], "--timeout comes from ECS_RUN_TIMEOUT"),
            ("zero --timeout of wait", ["wait", "--cluster", fx.cluster, "--timeout", "0", "abc"], [:], "above zero"),
            (
                "unclosed IPv6 --endpoint-url", fx.launchOptions + ["--endpoint-url", "http://[::1"], [:],
                #"endpoint URL "http://[::1" has an IPv6 address without its closing ]"#
            ),
            ("bad host --endpoint-url", fx.launchOptions + ["--endpoint-url", "http://exa mple:80"], [:], "--endpoint-url"),
            (
                "malformed AWS_ENDPOINT_URL_ECS", fx.launchOptions, ["AWS_ENDPOINT_URL_ECS": "http://[::1"],
                "AWS_ENDPOINT_URL_ECS: endpoint URL"
            ),
            ("malformed AWS_ENDPOINT_URL", ["stop", "--cluster", fx.cluster, "abc"], ["AWS_ENDPOINT_URL": "http://[fe80::1"], "closing ]"),
            (
                "negative AWS_MAX_ATTEMPTS", fx.launchOptions, ["AWS_MAX_ATTEMPTS": "-1"],
                #"max attempts "-1" must be a whole number of at least 1"#
            ),
            ("malformed AWS_REGION", fx.launchOptions, ["AWS_REGION": "us east 1"], "is not a valid region name"),
        ]
        for c in cases {
            let before = try fx.loggedOperations().count
            let result = try fx.ecsRun(c.args, environment: c.env)
            XCTAssertEqual(result.status, 64, "\(c.name): \(result.output)")
            XCTAssertTrue(result.stderr.contains(c.message), "\(c.name): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Missing value"), "\(c.name): \(result.stderr)")
            XCTAssertEqual(try fx.loggedOperations().count, before, "\(c.name): no request")
        }
    }

    /// As another user with HOME pointing at a directory that user may not enter (sudo without -H, HOME=/root
    /// in a CI image), ~/.aws/config cannot be read; botocore treats it as absent, and so does ecs-run.
    func testSharedFilesAnotherUserCannotReadCountAsAbsent() throws {
        let home = NSTemporaryDirectory() + "ecsrun-private-home-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "[default]\nregion = us-west-2\n".write(toFile: home + "/.aws/config", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: home)
        var env = fx.awsEnvironment
        env["HOME"] = home
        let ecsRun = [Paths.executable("ecs-run"), "stop", "--debug", "--cluster", "no-such-cluster-\(fx.suffix)", "abc"]
        // Root reads any file, so the run is made as nobody, who may not enter the 0700 HOME.
        let asOther = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + ecsRun : ecsRun
        if getuid() != 0 { try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: home + "/.aws/config") }
        let result = try ProcessRunner.run(asOther[0], Array(asOther.dropFirst()), environment: env, timeout: 60)
        XCTAssertEqual(result.status, 125, result.output)
        XCTAssertTrue(result.stderr.contains("ClusterNotFoundException"), "it went on to AWS: \(result.stderr)")
        XCTAssertTrue(
            result.stderr.contains("[aws] cannot read \(home)/.aws/config (Permission denied); treated as absent, as the AWS CLI does"),
            result.stderr)
    }

    /// A closed terminal or a dropped SSH session (SIGHUP), and Ctrl-\ (SIGQUIT), end the run as Ctrl-C
    /// does: 130 and exactly one StopTask. `docker run` passes both on to its container; ECS can deliver
    /// only StopTask's SIGTERM.
    func testSIGHUPAndSIGQUITStopTheTaskLikeCtrlC() throws {
        for sig in [SIGHUP, SIGQUIT] {
            let process = try ProcessRunner.start(
                Paths.executable("ecs-run"), fx.launchOptions + ["--", "sleep", "60"], environment: fx.awsEnvironment)
            let deadline = Date().addingTimeInterval(30)
            while !process.currentStderr.contains("RUNNING"), Date() < deadline { usleep(50_000) }
            let stopsBefore = try fx.loggedOperations().filter { $0 == "StopTask" }.count
            let sent = Date()
            process.signal(sig)
            let result = process.wait(timeout: 30)
            XCTAssertEqual(result.status, 130, "signal \(sig): \(result.output)")
            XCTAssertLessThan(Date().timeIntervalSince(sent), 10, "signal \(sig)")
            XCTAssertEqual(try fx.loggedOperations().filter { $0 == "StopTask" }.count - stopsBefore, 1, "signal \(sig): one StopTask")
            let arn = try XCTUnwrap(
                result.stderr.components(separatedBy: "StopTask was sent: ").last?.trimmingCharacters(in: .whitespacesAndNewlines),
                result.stderr)
            XCTAssertEqual(try fx.describeTask(arn)["desiredStatus"] as? String, "STOPPED", "signal \(sig)")
        }
    }
}
