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

    func testConfigurationOnlyThroughTheEnvironment() throws {
        let env = [
            "ECS_RUN_CLUSTER": fx.cluster, "ECS_RUN_TASK_DEFINITION": fx.family, "ECS_RUN_LAUNCH_TYPE": "FARGATE",
            "ECS_RUN_SUBNETS": fx.subnet, "ECS_RUN_SECURITY_GROUPS": fx.securityGroup, "ECS_RUN_NO_WAIT": "true",
            "ECS_RUN_ENV": "A=1\nB=2", "ECS_RUN_STARTED_BY": "terraform", "ECS_RUN_GROUP": "from-env",
        ]
        let result = try fx.ecsRun([], environment: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        let task = try fx.describeTask(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(task["startedBy"] as? String, "terraform")
        XCTAssertEqual(task["group"] as? String, "from-env")
        let override = ((task["overrides"] as? [String: Any])?["containerOverrides"] as? [[String: Any]])?.first
        XCTAssertEqual((override?["environment"] as? [[String: String]])?.map { $0["name"]! + "=" + $0["value"]! }, ["A=1", "B=2"])

        // A flag wins over its variable.
        let flagWins = try fx.ecsRun(["--group", "from-flag"], environment: env)
        XCTAssertEqual(flagWins.status, 0, flagWins.stderr)
        XCTAssertEqual(
            try fx.describeTask(flagWins.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["group"] as? String, "from-flag")
    }

    /// Variables mean what the flags mean: false is --no-NAME, --no-NAME counts as passing NAME, and
    /// a value may start with '-'.
    func testVariablesWorkLikeTheirFlags() throws {
        let base = ["--dry-run", "--task-definition", "td", "--subnets", "s1"]
        let cases: [(args: [String], env: [String: String], key: String, expected: String)] = [
            (
                [], ["ECS_RUN_ASSIGN_PUBLIC_IP": "false"], "networkConfiguration",
                #"{"awsvpcConfiguration":{"assignPublicIp":"DISABLED","subnets":["s1"]}}"#
            ),
            (
                ["--no-assign-public-ip"], ["ECS_RUN_ASSIGN_PUBLIC_IP": "true"], "networkConfiguration",
                #"{"awsvpcConfiguration":{"assignPublicIp":"DISABLED","subnets":["s1"]}}"#
            ),
            ([], ["ECS_RUN_STARTED_BY": "-tf"], "startedBy", #""-tf""#),
            ([], ["ECS_RUN_GROUP": "--x"], "group", #""--x""#),
        ]
        for c in cases {
            let result = try fx.ecsRun(base + c.args, environment: c.env)
            XCTAssertEqual(result.status, 0, "\(c.env): \(result.output)")
            let printed = try? json(result.stdout)[c.key]
            let expected = try JSONSerialization.jsonObject(with: Data(c.expected.utf8), options: .fragmentsAllowed)
            XCTAssertEqual(printed as? NSObject, expected as? NSObject, "\(c.env): \(result.stdout)")
        }
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

    func testWaitTimeoutStopsTheTaskAndExits124() throws {
        let launched = try fx.ecsRun(fx.launchOptions + ["--no-wait", "--", "sleep", "60"])
        let arn = launched.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let started = Date()
        let result = try fx.ecsRun(["wait", "--cluster", fx.cluster, "--wait-for", "stopped", "--timeout", "2s", arn])
        XCTAssertEqual(result.status, 124, result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertTrue(result.stderr.contains("timeout of 2.0s reached"), result.stderr)
        let task = try fx.describeTask(arn)
        XCTAssertEqual(task["desiredStatus"] as? String, "STOPPED")
        XCTAssertEqual(task["stopCode"] as? String, "UserInitiated")
        XCTAssertTrue((task["stoppedReason"] as? String)?.contains("ecs-run") ?? false, "\(task["stoppedReason"] ?? "")")
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

    func testEmptyVariablesCountAsUnset() throws {
        let result = try fx.ecsRun(
            fx.launchOptions + ["--dry-run"], environment: ["ECS_RUN_TIMEOUT": "", "ECS_RUN_PLATFORM_VERSION": "", "ECS_RUN_GROUP": ""])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("platformVersion"), result.stdout)
        XCTAssertFalse(result.stdout.contains("\"group\""), result.stdout)
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

    func testInterruptStopsTheTaskOnceAndExits130() throws {
        let launched = try fx.ecsRun(fx.launchOptions + ["--no-wait", "--", "sleep", "60"])
        let arn = launched.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let process = try ProcessRunner.start(
            Paths.executable("ecs-run"), ["wait", "--cluster", fx.cluster, "--wait-for", "stopped", arn],
            environment: fx.awsEnvironment)
        let deadline = Date().addingTimeInterval(20)
        while !process.currentStderr.contains("RUNNING"), Date() < deadline { usleep(50_000) }
        let stopsBefore = try fx.loggedOperations().filter { $0 == "StopTask" }.count
        // As a process group receives it: Ctrl-C from the terminal, then the same interrupt passed on by
        // `timeout` or a CI runner. The repeats are one interrupt, not a second Ctrl-C that ends ecs-run
        // before its StopTask (which left the task running).
        process.signal(SIGINT)
        process.signal(SIGINT)
        process.signal(SIGTERM)
        let result = process.wait(timeout: 20)
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertFalse(result.timedOut)
        XCTAssertTrue(result.stderr.contains("interrupted"), result.stderr)
        XCTAssertEqual(try fx.loggedOperations().filter { $0 == "StopTask" }.count - stopsBefore, 1, "exactly one StopTask")
        let task = try fx.describeTask(arn)
        XCTAssertEqual(task["desiredStatus"] as? String, "STOPPED")
        XCTAssertTrue((task["stoppedReason"] as? String)?.contains("ecs-run") ?? false)
    }

    /// CloudWatch Logs that accepts connections and never answers (a missing VPC endpoint, a stuck proxy)
    /// must not hide the task's end: each read while the task runs, and the drain after it, is cut short
    /// at its own limit, so the exit code comes seconds after the container's exit instead of after the
    /// AWS client's three 60 s attempts at every read.
    func testAHangingLogsEndpointDelaysTheExitCodeBySecondsOnly() throws {
        let silent = try SilentServer()
        let started = Date()
        let result = try fx.ecsRun(
            fx.launchOptions + ["--", "sh", "-c", "echo hi; sleep 1; exit 3"],
            environment: ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": "http://127.0.0.1:\(silent.port)"], timeout: 90)
        let took = Date().timeIntervalSince(started)
        XCTAssertEqual(result.status, 3, result.output)
        XCTAssertFalse(result.timedOut)
        XCTAssertLessThan(took, 30, result.output)
        XCTAssertTrue(result.stderr.contains("the last log lines may be missing"), result.stderr)
    }

    /// --timeout bounds the calls before RunTask too: an ECS endpoint that never answers ends the run at
    /// the timeout (124, nothing started), not after the AWS client's three 60 s attempts (125).
    func testTheTimeoutAlsoBoundsTheCallsBeforeRunTask() throws {
        let silent = try SilentServer()
        let started = Date()
        let result = try fx.ecsRun(
            fx.launchOptions + ["--timeout", "3s", "--", "true"],
            environment: ["AWS_ENDPOINT_URL_ECS": "http://127.0.0.1:\(silent.port)"], timeout: 90)
        XCTAssertEqual(result.status, 124, result.output)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, result.output)
        XCTAssertTrue(
            result.stderr.contains(
                "passed while DescribeTaskDefinition \(fx.family) had not answered; no task was started"),
            result.stderr)
    }

    /// `ecs-run ... | head -1`: once stdout is gone, ecs-run still follows the task to its end and exits
    /// with the container's code, instead of dying of SIGPIPE (141) and leaving the task running.
    func testAClosedStdoutStopsTheLogLinesButNotTheWait() throws {
        let script = #"echo one; sleep 2; echo two; sleep 2; echo three; exit 3"#
        let pipeline = #""$0" "$@" | head -n 1; exit "${PIPESTATUS[0]}""#
        let result = try ProcessRunner.run(
            "/bin/bash",
            ["-c", pipeline, Paths.executable("ecs-run")]
                + fx.launchOptions + ["--timeout", "60s", "--", "sh", "-c", script],
            environment: fx.awsEnvironment, timeout: 90)
        XCTAssertEqual(result.status, 3, result.output)
        XCTAssertEqual(result.stdout, "one\n")
        XCTAssertTrue(result.stderr.contains("stdout is closed"), result.stderr)
        XCTAssertTrue(result.stderr.contains("exited with 3"), result.stderr)
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

    func testUsageErrorsAre64() throws {
        let cases: [(name: String, args: [String], env: [String: String], message: String)] = [
            ("missing --task-definition", ["--cluster", fx.cluster], [:], "task definition is required"),
            ("malformed --env", fx.launchOptions + ["-e", "NOEQUALS"], [:], "KEY=VALUE"),
            ("malformed --timeout", fx.launchOptions + ["--timeout", "soon"], [:], "90s"),
            ("bad --on-timeout", fx.launchOptions + ["--on-timeout", "explode"], [:], "on-timeout"),
            ("malformed flag variable", fx.launchOptions, ["ECS_RUN_NO_WAIT": "maybe"], "ECS_RUN_NO_WAIT"),
            ("malformed value variable", fx.launchOptions, ["ECS_RUN_TIMEOUT": "soon"], "ECS_RUN_TIMEOUT"),
            ("bad choice variable", fx.launchOptions, ["ECS_RUN_ON_INTERRUPT": "explode"], "ECS_RUN_ON_INTERRUPT"),
            (
                "unknown --launch-type", ["--task-definition", fx.family, "--launch-type", "ECS"], [:],
                "FARGATE, EC2, EXTERNAL or MANAGED_INSTANCES"
            ),
            ("wrong --container", fx.launchOptions + ["--container", "nope"], [:], "its containers are: app"),
            ("mistyped command", ["wiat", "abc"], [:], "unknown command 'wiat'"),
            ("zero --timeout", fx.launchOptions + ["--timeout", "0s"], [:], "above zero"),
            (
                "malformed --endpoint-url", fx.launchOptions + ["--endpoint-url", "notaurl"], [:],
                "--endpoint-url: endpoint URL \"notaurl\" has no scheme"
            ),
            ("malformed region variable", fx.launchOptions, ["ECS_RUN_REGION": "bad region"], "--region comes from ECS_RUN_REGION"),
            (
                "malformed endpoint variable", ["wait", "abc"], ["ECS_RUN_ENDPOINT_URL": "ftp://x"],
                "--endpoint-url comes from ECS_RUN_ENDPOINT_URL"
            ),
        ]
        for c in cases {
            let result = try fx.ecsRun(c.args, environment: c.env)
            XCTAssertEqual(result.status, 64, "\(c.name): \(result.output)")
            XCTAssertTrue(result.stderr.contains(c.message), "\(c.name): \(result.stderr)")
        }
    }

    /// `-h` after `--` belongs to the container's command, and `help` as an option's value is a value:
    /// neither asks for help, so the ECS_RUN_* variables still apply.
    func testHelpWordsInValuesOrTheCommandDoNotDisableTheEnvironment() throws {
        let env = ["ECS_RUN_TASK_DEFINITION": "td", "ECS_RUN_CONTAINER": "app"]
        for args in [["--dry-run", "--", "ls", "-h"], ["--dry-run", "--group", "help", "--", "man", "--help"]] {
            let result = try fx.ecsRun(args, environment: env)
            XCTAssertEqual(result.status, 0, "\(args): \(result.output)")
            let request = try json(result.stdout)
            XCTAssertEqual(request["taskDefinition"] as? String, "td", "\(args)")
            let command = ((request["overrides"] as? [String: Any])?["containerOverrides"] as? [[String: Any]])?.first?["command"]
            XCTAssertEqual(command as? [String], Array(args.drop { $0 != "--" }.dropFirst()), "\(args)")
        }
        // A real request for help still ignores the variables, so a bad one cannot hide the help.
        let help = try fx.ecsRun(["--dry-run", "-h", "--", "ls"], environment: ["ECS_RUN_NO_LOGS": "maybe"])
        XCTAssertEqual(help.status, 0, help.output)
        XCTAssertTrue(help.stdout.contains("--task-definition"), help.stdout)
    }

    /// Long options named in a help text.
    func longOptions(_ help: String) -> Set<String> {
        var names: Set<String> = []
        for word in help.split(whereSeparator: { " \n,[]()=<>|".contains($0) }) where word.hasPrefix("--") && word.count > 2 {
            let name = word.dropFirst(2).prefix { $0.isLowercase || $0 == "-" }
            if !name.isEmpty { names.insert(String(name)) }
        }
        return names
    }

    func testHelpListsEveryOptionWithItsVariableAndTheExitCodes() throws {
        let help = try fx.ecsRun(["run", "--help"])
        XCTAssertEqual(help.status, 0)
        let text = help.stdout
        for needle in ["ECS_RUN_<NAME>", "ECS_RUN_TASK_DEFINITION", "EXIT CODES", "124", "125", "130", "64", "EXAMPLES", "local-exec"] {
            XCTAssertTrue(text.contains(needle), needle)
        }
        let options = longOptions(text).subtracting(["help", "version", "no-assign-public-ip"])
        XCTAssertTrue(
            options.isSuperset(of: [
                "cluster", "task-definition", "subnets", "timeout", "env", "dry-run", "no-wait", "output",
                "network-from-service", "idempotency-key", "on-interrupt", "region", "endpoint-url",
            ]), "\(options)")
        // Every option in the help has an ECS_RUN_ variable: ecs-run warns about variables that match no option.
        var env: [String: String] = [:]
        for name in options { env["ECS_RUN_" + name.uppercased().replacingOccurrences(of: "-", with: "_")] = "x" }
        let withAll = try fx.ecsRun(["run", "--help"], environment: env)
        XCTAssertFalse(withAll.stderr.contains("matches no option"), withAll.stderr)
        let typo = try fx.ecsRun(["run", "--help"], environment: ["ECS_RUN_CLUSTR": "x"])
        XCTAssertTrue(typo.stderr.contains("ECS_RUN_CLUSTR matches no option"), typo.stderr)
    }

    /// `ecs-run --help` is the help of the default command, run, with every option, plus the subcommands.
    func testRootHelpListsTheOptionsOfRunAndTheSubcommands() throws {
        let run = try fx.ecsRun(["run", "--help"])
        for args in [["--help"], ["-h"], ["help"]] {
            let help = try fx.ecsRun(args)
            XCTAssertEqual(help.status, 0, "\(args)")
            XCTAssertTrue(longOptions(help.stdout).isSuperset(of: longOptions(run.stdout)), "\(args): \(help.stdout)")
            for needle in ["SUBCOMMANDS:", "wait", "logs", "stop", "ecs-run help <subcommand>"] {
                XCTAssertTrue(help.stdout.contains(needle), "\(args): \(needle)")
            }
        }
    }

    func testHelpTextsFitInEightyColumns() throws {
        for args in [["--help"], ["run", "--help"], ["wait", "--help"], ["logs", "--help"], ["stop", "--help"]] {
            let help = try fx.ecsRun(args)
            let long = help.stdout.split(separator: "\n").filter { $0.count > 80 }.map(String.init)
            XCTAssertEqual(long, [], "\(args)")
        }
        let usage = try fx.ecsRun(["wait"])
        XCTAssertEqual(usage.stderr.split(separator: "\n").filter { $0.count > 80 }.map(String.init), [], usage.stderr)
    }

    func testSubcommandHelpTexts() throws {
        for (sub, needles) in [
            ("wait", ["--timeout", "--wait-for", "TASK", "EXIT CODES"]), ("logs", ["--follow", "TASK"]),
            ("stop", ["--reason", "TASK"]),
        ] {
            let help = try fx.ecsRun([sub, "--help"])
            XCTAssertEqual(help.status, 0, sub)
            for needle in needles + ["EXAMPLES", "ECS_RUN_"] { XCTAssertTrue(help.stdout.contains(needle), "\(sub): \(needle)") }
        }
    }
}
