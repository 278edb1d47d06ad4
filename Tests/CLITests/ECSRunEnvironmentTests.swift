import Foundation
import TestSupport
import XCTest

/// ecs-run's options from ECS_RUN_* variables, as a process against the local stack.
extension ECSRunTests {
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

    func testEmptyVariablesCountAsUnset() throws {
        let result = try fx.ecsRun(
            fx.launchOptions + ["--dry-run"], environment: ["ECS_RUN_TIMEOUT": "", "ECS_RUN_PLATFORM_VERSION": "", "ECS_RUN_GROUP": ""])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("platformVersion"), result.stdout)
        XCTAssertFalse(result.stdout.contains("\"group\""), result.stdout)
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
}
