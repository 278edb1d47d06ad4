import ECSTasks
@testable import ECSRunEdge
import XCTest

final class OptionEnvironmentTests: XCTestCase {
    let specs: [OptionSpec] = [
        .init("cluster"), .init("task-definition"), .init("subnets", yieldsTo: ["network-from-service"]), .init("timeout"),
        .init("no-logs", .flag), .init("env", .repeated, short: "e"), .init("assign-public-ip", .invertible), .init("launch-type"),
        .init("started-by"), .init("network-from-service"),
    ]

    func testTable() throws {
        let cases: [(name: String, args: [String], env: [String: String], expected: [String])] = [
            ("value from the environment", [], ["ECS_RUN_CLUSTER": "prod"], ["--cluster=prod"]),
            ("flag wins over the environment", ["--cluster", "dev"], ["ECS_RUN_CLUSTER": "prod"], ["--cluster", "dev"]),
            ("flag=value form wins", ["--cluster=dev"], ["ECS_RUN_CLUSTER": "prod"], ["--cluster=dev"]),
            ("dashes become underscores", [], ["ECS_RUN_TASK_DEFINITION": "app:3"], ["--task-definition=app:3"]),
            ("comma list passes whole", [], ["ECS_RUN_SUBNETS": "subnet-1,subnet-2"], ["--subnets=subnet-1,subnet-2"]),
            ("a value starting with -", [], ["ECS_RUN_STARTED_BY": "-tf"], ["--started-by=-tf"]),
            ("an empty value counts as unset", [], ["ECS_RUN_STARTED_BY": "", "ECS_RUN_TIMEOUT": "", "ECS_RUN_CLUSTER": ""], []),
            ("true flag", [], ["ECS_RUN_NO_LOGS": "true"], ["--no-logs"]),
            ("1 flag", [], ["ECS_RUN_NO_LOGS": "1"], ["--no-logs"]),
            ("false flag adds nothing", [], ["ECS_RUN_NO_LOGS": "false"], []),
            ("true inversion flag", [], ["ECS_RUN_ASSIGN_PUBLIC_IP": "yes"], ["--assign-public-ip"]),
            ("false inversion flag", [], ["ECS_RUN_ASSIGN_PUBLIC_IP": "false"], ["--no-assign-public-ip"]),
            ("empty flag adds nothing", [], ["ECS_RUN_ASSIGN_PUBLIC_IP": ""], []),
            ("--no-NAME counts as given", ["--no-assign-public-ip"], ["ECS_RUN_ASSIGN_PUBLIC_IP": "true"], ["--no-assign-public-ip"]),
            (
                "--NAME of an inversion flag counts as given", ["--assign-public-ip"], ["ECS_RUN_ASSIGN_PUBLIC_IP": "0"],
                ["--assign-public-ip"]
            ),
            ("repeatable: one value per line", [], ["ECS_RUN_ENV": "A=1\nB=x,y"], ["--env=A=1", "--env=B=x,y"]),
            ("short option counts as given", ["-e", "C=3"], ["ECS_RUN_ENV": "A=1"], ["-e", "C=3"]),
            (
                "inserted before --", ["--", "echo", "--cluster"], ["ECS_RUN_CLUSTER": "prod"],
                ["--cluster=prod", "--", "echo", "--cluster"]
            ),
            (
                "after -- does not count as given", ["--", "--cluster", "x"], ["ECS_RUN_CLUSTER": "prod"],
                ["--cluster=prod", "--", "--cluster", "x"]
            ),
            ("other variables ignored", [], ["ECS_RUNNER": "x", "CLUSTER": "y"], []),
            ("timeout value", [], ["ECS_RUN_TIMEOUT": "15m"], ["--timeout=15m"]),
            (
                "a flag the variable yields to", ["--network-from-service", "orders"], ["ECS_RUN_SUBNETS": "subnet-1"],
                ["--network-from-service", "orders"]
            ),
            (
                "the variable it yields to does not count", [], ["ECS_RUN_SUBNETS": "subnet-1", "ECS_RUN_NETWORK_FROM_SERVICE": "orders"],
                ["--subnets=subnet-1", "--network-from-service=orders"]
            ),
        ]
        for c in cases {
            XCTAssertEqual(try OptionEnvironment.arguments(c.args, specs: specs, environment: c.env), c.expected, c.name)
        }
    }

    func testMalformedFlagValueIsAUsageError() {
        for name in ["ECS_RUN_NO_LOGS", "ECS_RUN_ASSIGN_PUBLIC_IP"] {
            XCTAssertThrowsError(try OptionEnvironment.arguments([], specs: specs, environment: [name: "maybe"])) { error in
                let notABoolean = error as? OptionSpec.NotABoolean
                XCTAssertEqual(notABoolean.map { ExitStatus.code(for: $0.ending) }, 64)
                XCTAssertEqual(notABoolean.map(Messages.text), "\(name)=\"maybe\" must be true or false (1/0, yes/no, on/off)")
            }
        }
    }

    /// A usage error about an option whose value came from a variable is blamed on the variable.
    func testAUsageErrorNamesTheVariablesOfTheOptionsItMentions() {
        let env = ["ECS_RUN_TIMEOUT": "soon", "ECS_RUN_ASSIGN_PUBLIC_IP": "no", "ECS_RUN_CLUSTER": "c", "ECS_RUN_LAUNCH_TYPE": "X"]
        let injected = OptionEnvironment.injected(["--launch-type", "EC2"], specs: specs, environment: env)
        XCTAssertEqual(Set(injected.map(\.name)), ["timeout", "assign-public-ip", "cluster"], "flags win")
        let cases: [(message: String, blamed: [String])] = [
            ("The value 'soon' is invalid for '--timeout <DURATION>': --timeout: \"soon\" is not a duration", ["ECS_RUN_TIMEOUT"]),
            ("--no-assign-public-ip needs --subnets (or --network-from-service)", ["ECS_RUN_ASSIGN_PUBLIC_IP"]),
            ("--launch-type \"X\" must be FARGATE, EC2, EXTERNAL or MANAGED_INSTANCES", []),
            ("--clusters is not --cluster-name nor -cluster", []),
            ("--cluster, --timeout", ["ECS_RUN_CLUSTER", "ECS_RUN_TIMEOUT"]),
        ]
        for c in cases {
            XCTAssertEqual(OptionEnvironment.blamed(by: c.message, injected: injected).map(\.environmentName).sorted(), c.blamed, c.message)
        }
    }

    func testEnvironmentNames() {
        XCTAssertEqual(OptionSpec("network-from-service").environmentName, "ECS_RUN_NETWORK_FROM_SERVICE")
        XCTAssertEqual(
            OptionEnvironment.unknownVariables(specs: specs, environment: ["ECS_RUN_CLUSTR": "x", "ECS_RUN_CLUSTER": "y"]),
            ["ECS_RUN_CLUSTR"])
    }
}
