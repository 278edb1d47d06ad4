import Foundation
import TestSupport
import XCTest

/// ecs-run as a process against the local stack's AWS emulator.
final class ECSRunTests: XCTestCase {
    var fx: ECSRunFixture!

    override func setUpWithError() throws {
        fx = try ECSRunFixture.shared()
    }

    func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ECSRunFixture.Failure(description: "not a JSON object: \(text)")
        }
        return object
    }

    func testDryRunPrintsTheRequestThatIsThenSent() throws {
        let options =
            fx.launchOptions + [
                "--container", "app", "-e", "GREETING=hello world", "--env", "B=x=y", "--tag", "team=db",
                "--group", "family:migrate", "--started-by", "ci-42", "--idempotency-key", String(repeating: "k", count: 70),
                "--", "sh", "-c", "echo $GREETING",
            ]
        let dry = try fx.ecsRun(["--dry-run"] + options)
        XCTAssertEqual(dry.status, 0, dry.stderr)
        let request = try json(dry.stdout)
        XCTAssertEqual(request["taskDefinition"] as? String, fx.family)
        XCTAssertEqual(request["cluster"] as? String, fx.cluster)
        XCTAssertEqual((request["clientToken"] as? String)?.count, 64, "a 70-character key is hashed")
        let vpc = (request["networkConfiguration"] as? [String: Any])?["awsvpcConfiguration"] as? [String: Any]
        XCTAssertEqual(vpc?["subnets"] as? [String], [fx.subnet])
        XCTAssertEqual(vpc?["securityGroups"] as? [String], [fx.securityGroup])

        let sent = try fx.ecsRun(["--no-wait"] + options)
        XCTAssertEqual(sent.status, 0, sent.stderr)
        let task = try fx.describeTask(sent.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        // Everything the emulator echoes back equals what --dry-run printed.
        for key in ["overrides", "group", "startedBy", "launchType", "tags"] {
            XCTAssertEqual(task[key] as? NSObject, request[key] as? NSObject, key)
        }
        let subnetDetail =
            ((task["attachments"] as? [[String: Any]])?.first?["details"] as? [[String: Any]])?
            .first { $0["name"] as? String == "subnetId" }?["value"] as? String
        XCTAssertEqual(subnetDetail, fx.subnet)
    }

    func testDryRunMapsEveryFlagToTheRequest() throws {
        let base = ["--dry-run", "--task-definition", "fam:7", "--container", "main"]
        let cases: [(name: String, args: [String], key: String, expected: String)] = [
            ("default cluster", [], "cluster", #""default""#),
            ("cluster", ["--cluster", "prod"], "cluster", #""prod""#),
            ("launch type", ["--launch-type", "FARGATE"], "launchType", #""FARGATE""#),
            ("launch type in lower case", ["--launch-type", "managed_instances"], "launchType", #""MANAGED_INSTANCES""#),
            (
                "capacity providers", ["--capacity-provider", "FARGATE_SPOT:3:1,FARGATE:1", "--capacity-provider", "X"],
                "capacityProviderStrategy",
                #"[{"base":1,"capacityProvider":"FARGATE_SPOT","weight":3},{"capacityProvider":"FARGATE","weight":1},{"capacityProvider":"X"}]"#
            ),
            ("platform version", ["--platform-version", "1.4.0"], "platformVersion", #""1.4.0""#),
            (
                "public ip", ["--subnets", "s1, s2", "--assign-public-ip"], "networkConfiguration",
                #"{"awsvpcConfiguration":{"assignPublicIp":"ENABLED","subnets":["s1","s2"]}}"#
            ),
            (
                "no public ip", ["--subnets", "s1", "--security-groups", "g1,g2", "--no-assign-public-ip"], "networkConfiguration",
                #"{"awsvpcConfiguration":{"assignPublicIp":"DISABLED","securityGroups":["g1","g2"],"subnets":["s1"]}}"#
            ),
            (
                "task overrides", ["--cpu", "512", "--memory", "1024", "--task-role-arn", "arn:t", "--execution-role-arn", "arn:e"],
                "overrides",
                #"{"cpu":"512","executionRoleArn":"arn:e","memory":"1024","taskRoleArn":"arn:t"}"#
            ),
            (
                "command and env", ["-e", "A=1", "--", "run", "--fast"], "overrides",
                #"{"containerOverrides":[{"command":["run","--fast"],"environment":[{"name":"A","value":"1"}],"name":"main"}]}"#
            ),
            ("tags", ["--tag", "a=1", "--tag", "b="], "tags", #"[{"key":"a","value":"1"},{"key":"b","value":""}]"#),
            ("propagate tags", ["--propagate-tags", "TASK_DEFINITION"], "propagateTags", #""TASK_DEFINITION""#),
            ("propagate tags in any case", ["--propagate-tags", "service"], "propagateTags", #""SERVICE""#),
            ("started by", ["--started-by", "me"], "startedBy", #""me""#),
            ("group", ["--group", "family:x"], "group", #""family:x""#),
            ("exec", ["--enable-execute-command"], "enableExecuteCommand", "true"),
            ("short idempotency key", ["--idempotency-key", "deploy-7"], "clientToken", #""deploy-7""#),
        ]
        for c in cases {
            let result = try fx.ecsRun(base + c.args)
            XCTAssertEqual(result.status, 0, "\(c.name): \(result.stderr)")
            let printed = try json(result.stdout)[c.key]
            let expected = try JSONSerialization.jsonObject(with: Data(c.expected.utf8), options: .fragmentsAllowed)
            XCTAssertEqual(printed as? NSObject, expected as? NSObject, "\(c.name): \(result.stdout)")
        }
    }

    func testNoWaitPrintsOnlyTheTaskArn() throws {
        let result = try fx.ecsRun(fx.launchOptions + ["--no-wait"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let arn = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(arn.hasPrefix("arn:aws:ecs:\(fx.stack.region):"), arn)
        XCTAssertEqual(result.stdout, arn + "\n")
        XCTAssertEqual(try fx.describeTask(arn)["taskArn"] as? String, arn)
    }

    func testRunToTheEndWithJSONOutput() throws {
        // The container really runs (busybox maps to the local shell), logs a line and exits 3.
        let result = try fx.ecsRun(
            fx.launchOptions + ["--output", "json", "--timeout", "30s", "--", "sh", "-c", "echo hello from the task; exit 3"])
        XCTAssertEqual(result.status, 3, result.stderr)
        let report = try json(result.stdout)
        let arn = try XCTUnwrap(report["taskArn"] as? String)
        let task = try fx.describeTask(arn)
        XCTAssertEqual(report["cluster"] as? String, task["clusterArn"] as? String)
        XCTAssertEqual(report["taskDefinitionArn"] as? String, task["taskDefinitionArn"] as? String)
        XCTAssertNotNil(report["lastStatus"] as? String)
        XCTAssertEqual(report["exitCode"] as? Int, 3)
        for key in ["stopCode", "stoppedReason", "startedAt", "stoppedAt", "error"] { XCTAssertTrue(report.keys.contains(key), key) }
        XCTAssertTrue(report["error"] is NSNull, "no error when the task ran")
        let containers = try XCTUnwrap(report["containers"] as? [[String: Any]])
        XCTAssertEqual(containers.map { $0["name"] as? String }, ["app"])
        XCTAssertEqual(containers[0]["exitCode"] as? Int, 3)
        XCTAssertTrue(containers[0].keys.contains("reason") && containers[0].keys.contains("lastStatus"))
        XCTAssertEqual(report["logGroup"] as? String, fx.logGroup)
        let id = String(arn.split(separator: "/").last!)
        XCTAssertEqual(report["logStreams"] as? [String], ["ecs/app/\(id)"])
        XCTAssertTrue(result.stderr.contains("exited with 3"), result.stderr)
        XCTAssertTrue(result.stderr.contains("hello from the task"), "log lines go to stderr with --output json: \(result.stderr)")
        XCTAssertTrue(
            result.stderr.contains("logs: \(fx.logGroup) ecs/app/\(id)"), "an emulator's logs are named, not linked: \(result.stderr)")
        XCTAssertFalse(result.stderr.contains("console.aws.amazon.com"), result.stderr)
    }

    func testWaitForStoppedShowsEveryTransitionAsPlainLines() throws {
        // The local ECS walks the task through every ECS state; polling once a second may skip short ones.
        let result = try fx.ecsRun(
            fx.launchOptions + ["--wait-for", "stopped", "--timeout", "60s", "--no-logs", "--", "sleep", "2"],
            environment: ["TERM": "xterm"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let transitions = result.stderr.split(separator: "\n").map(String.init).filter { $0.contains(" → ") }
        let order = ["PROVISIONING", "PENDING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"]
        let reached = transitions.map { $0.components(separatedBy: " (")[0].components(separatedBy: " ").last ?? "" }
        XCTAssertEqual(reached.last, "STOPPED", result.stderr)
        XCTAssertTrue(reached.contains("RUNNING"), result.stderr)
        let positions = reached.compactMap { order.firstIndex(of: $0) }
        XCTAssertEqual(positions.count, reached.count, "only ECS states: \(reached)")
        XCTAssertEqual(positions, positions.sorted(), "in ECS order, each once: \(reached)")
        XCTAssertEqual(Set(positions).count, positions.count, "in ECS order, each once: \(reached)")
        XCTAssertTrue(
            transitions.allSatisfy { $0.hasPrefix("ecs-run: [") && $0.contains("s] ") }, "elapsed time on each line: \(transitions)")
        XCTAssertFalse(result.stderr.contains("\u{1B}"), "no colour or cursor control without a terminal")
    }

    func testNetworkFromService() throws {
        // The stack's env file (and many CI setups) export these; the flag's service decides all the same.
        let result = try fx.ecsRun(
            [
                "--cluster", fx.cluster, "--task-definition", fx.family, "--network-from-service", fx.service,
                "--no-wait", "--debug",
            ], environment: ["ECS_RUN_SUBNETS": fx.subnet, "ECS_RUN_SECURITY_GROUPS": fx.securityGroup])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("DescribeServices"), "the service was read: \(result.stderr)")
        let task = try fx.describeTask(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(task["launchType"] as? String, "FARGATE", "copied from the service")
        let subnet =
            ((task["attachments"] as? [[String: Any]])?.first?["details"] as? [[String: Any]])?
            .first { $0["name"] as? String == "subnetId" }?["value"] as? String
        XCTAssertEqual(subnet, fx.serviceSubnet, "the service's subnet, not the fixture's default one")

        let missing = try fx.ecsRun(["--cluster", fx.cluster, "--task-definition", fx.family, "--network-from-service", "no-such-service"])
        XCTAssertEqual(missing.status, 125)
        XCTAssertTrue(missing.stderr.contains("no-such-service"), missing.stderr)
    }

    func testStop() throws {
        let launched = try fx.ecsRun(fx.launchOptions + ["--no-wait"])
        let arn = launched.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try fx.ecsRun(["stop", "--cluster", fx.cluster, arn, "--reason", "test says stop"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), arn)
        let task = try fx.describeTask(arn)
        XCTAssertEqual(task["desiredStatus"] as? String, "STOPPED")
        XCTAssertEqual(task["stoppedReason"] as? String, "test says stop")
    }

    func testWaitEndsWithTheExitCode() throws {
        let launched = try fx.ecsRun(fx.launchOptions + ["--no-wait"])
        let arn = launched.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try fx.ecsRun(["wait", "--cluster", fx.cluster, "--timeout", "30s", arn])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("exited with 0"), result.stderr)
    }

    func testWaitWithSeveralTasksReportsTheDecidingOneOnceEach() throws {
        let first = try fx.ecsRun(fx.launchOptions + ["--no-wait", "--", "sh", "-c", "echo from-first"])
        let second = try fx.ecsRun(fx.launchOptions + ["--no-wait", "--", "sh", "-c", "sleep 1; echo from-second; exit 6"])
        let a = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let b = second.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // The first task also named by its id: followed once.
        let result = try fx.ecsRun([
            "wait", "--cluster", fx.cluster, "--timeout", "60s", "--output", "json", a, b, String(a.split(separator: "/").last!),
        ])
        XCTAssertEqual(result.status, 6, result.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(report["taskArn"] as? String, b, "the JSON describes the task that decided the exit status")
        XCTAssertEqual(report["exitCode"] as? Int, 6)
        XCTAssertEqual(result.stderr.components(separatedBy: "from-first").count - 1, 1, result.stderr)
        XCTAssertEqual(result.stderr.components(separatedBy: "from-second").count - 1, 1, result.stderr)
    }

    func testJSONOutputEvenWhenNoRegionIsConfigured() throws {
        let result = try fx.ecsRun(
            fx.launchOptions + ["--output", "json"],
            environment: ["AWS_REGION": "", "AWS_DEFAULT_REGION": "", "HOME": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent/config"])
        XCTAssertEqual(result.status, 125, result.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(report["exitCode"] as? Int, 125)
        // A script reading stdout can tell why, as a person reading stderr can.
        XCTAssertTrue((report["error"] as? String)?.contains("no AWS region") ?? false, result.stdout)
    }

    func testLogs() throws {
        let lines = (0..<5).map { "line \($0)" }
        let launched = try fx.ecsRun(fx.launchOptions + ["--no-wait", "--", "sh", "-c", "for i in 0 1 2 3 4; do echo line $i; done"])
        let arn = launched.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let id = String(arn.split(separator: "/").last!)
        XCTAssertEqual(try fx.ecsRun(["wait", "--cluster", fx.cluster, "--no-logs", "--timeout", "30s", arn]).status, 0)
        let started = Date()
        let result = try fx.ecsRun(["logs", "--cluster", fx.cluster, id])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, lines.map { $0 + "\n" }.joined())
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "stops once a read finds nothing new")

        // --follow keeps reading while the task writes, until it stops.
        let slow = try fx.ecsRun(fx.launchOptions + ["--no-wait", "--", "sh", "-c", "echo first; sleep 2; echo second"])
        let followed = try fx.ecsRun(
            ["logs", "--follow", "--cluster", fx.cluster, slow.stdout.trimmingCharacters(in: .whitespacesAndNewlines)],
            timeout: 60)
        XCTAssertEqual(followed.status, 0, followed.stderr)
        XCTAssertEqual(followed.stdout, "first\nsecond\n")
    }

    func testLogsRefuseJSONOutput() throws {
        let result = try fx.ecsRun(["logs", "--cluster", fx.cluster, "--output", "json", "0123456789abcdef"])
        XCTAssertEqual(result.status, 64, result.output)
        XCTAssertTrue(result.stderr.contains("--output json"), result.stderr)
        let help = try fx.ecsRun(["logs", "--help"])
        XCTAssertFalse(help.stdout.contains("JSON object"), help.stdout)
    }

    func testUnknownClusterIs125AndNamesTheError() throws {
        let result = try fx.ecsRun([
            "--cluster", "no-such-cluster-\(fx.suffix)", "--task-definition", fx.family, "--launch-type", "FARGATE",
            "--subnets", fx.subnet, "--security-groups", fx.securityGroup,
        ])
        XCTAssertEqual(result.status, 125, result.output)
        XCTAssertTrue(result.stderr.contains("ClusterNotFoundException"), result.stderr)
    }

    func testUnknownTaskDefinitionIs125() throws {
        let result = try fx.ecsRun(["--cluster", fx.cluster, "--task-definition", "no-such-family-\(fx.suffix)", "--subnets", fx.subnet])
        XCTAssertEqual(result.status, 125, result.output)
        XCTAssertTrue(result.stderr.contains("DescribeTaskDefinition") && result.stderr.contains("ClientException"), result.stderr)
    }
}
