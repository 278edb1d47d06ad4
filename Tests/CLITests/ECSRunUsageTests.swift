import Foundation
import TestSupport
import XCTest

/// ecs-run's usage errors and help texts, as a process.
extension ECSRunTests {
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
