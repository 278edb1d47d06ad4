@testable import ECSTasks
import Hashing
import XCTest

final class ClientTokenTests: XCTestCase {
    func testShortKeysPassUnchanged() {
        XCTAssertEqual(ClientToken.from(idempotencyKey: "deploy-42"), "deploy-42")
        let sixtyFour = String(repeating: "k", count: 64)
        XCTAssertEqual(ClientToken.from(idempotencyKey: sixtyFour), sixtyFour)
    }

    func testLongKeysAreHashedToSixtyFourHexCharacters() {
        let key = String(repeating: "k", count: 65)
        let token = ClientToken.from(idempotencyKey: key)
        XCTAssertEqual(token, SHA256.hash(Array(key.utf8)).hex)
        XCTAssertEqual(token.count, 64)
        XCTAssertEqual(ClientToken.from(idempotencyKey: key), token, "stable")
        XCTAssertNotEqual(ClientToken.from(idempotencyKey: key + "x"), token)
    }

    func testKeysWithCharactersECSRefusesAreHashed() {
        for key in ["with space", "tab\there", "émigré"] {
            let token = ClientToken.from(idempotencyKey: key)
            XCTAssertEqual(token.count, 64, key)
            XCTAssertTrue(token.utf8.allSatisfy { (33...126).contains($0) }, key)
        }
    }

    func testKnownVector() {
        // sha256("abc")
        XCTAssertEqual(ClientToken.from(idempotencyKey: "abc" + String(repeating: " ", count: 0) + " "),
                       SHA256.hash(Array("abc ".utf8)).hex)
        XCTAssertEqual(SHA256.hash(Array("abc".utf8)).hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

final class OptionEnvironmentTests: XCTestCase {
    let specs: [OptionSpec] = [
        .init("cluster"), .init("task-definition"), .init("subnets"), .init("timeout"), .init("no-logs", .flag),
        .init("env", .repeated, short: "e"), .init("assign-public-ip", .flag), .init("launch-type"),
    ]

    func testTable() throws {
        let cases: [(name: String, args: [String], env: [String: String], expected: [String])] = [
            ("value from the environment", [], ["ECS_RUN_CLUSTER": "prod"], ["--cluster", "prod"]),
            ("flag wins over the environment", ["--cluster", "dev"], ["ECS_RUN_CLUSTER": "prod"], ["--cluster", "dev"]),
            ("flag=value form wins", ["--cluster=dev"], ["ECS_RUN_CLUSTER": "prod"], ["--cluster=dev"]),
            ("dashes become underscores", [], ["ECS_RUN_TASK_DEFINITION": "app:3"], ["--task-definition", "app:3"]),
            ("comma list passes whole", [], ["ECS_RUN_SUBNETS": "subnet-1,subnet-2"], ["--subnets", "subnet-1,subnet-2"]),
            ("true flag", [], ["ECS_RUN_NO_LOGS": "true"], ["--no-logs"]),
            ("1 flag", [], ["ECS_RUN_NO_LOGS": "1"], ["--no-logs"]),
            ("false flag adds nothing", [], ["ECS_RUN_NO_LOGS": "false"], []),
            ("empty flag adds nothing", [], ["ECS_RUN_ASSIGN_PUBLIC_IP": ""], []),
            ("repeatable: one value per line", [], ["ECS_RUN_ENV": "A=1\nB=x,y"], ["--env", "A=1", "--env", "B=x,y"]),
            ("short option counts as given", ["-e", "C=3"], ["ECS_RUN_ENV": "A=1"], ["-e", "C=3"]),
            ("inserted before --", ["--", "echo", "--cluster"], ["ECS_RUN_CLUSTER": "prod"], ["--cluster", "prod", "--", "echo", "--cluster"]),
            ("after -- does not count as given", ["--", "--cluster", "x"], ["ECS_RUN_CLUSTER": "prod"], ["--cluster", "prod", "--", "--cluster", "x"]),
            ("other variables ignored", [], ["ECS_RUNNER": "x", "CLUSTER": "y"], []),
            ("timeout value", [], ["ECS_RUN_TIMEOUT": "15m"], ["--timeout", "15m"]),
        ]
        for c in cases {
            XCTAssertEqual(try OptionEnvironment.arguments(c.args, specs: specs, environment: c.env), c.expected, c.name)
        }
    }

    func testMalformedFlagValueIsAUsageError() {
        XCTAssertThrowsError(try OptionEnvironment.arguments([], specs: specs, environment: ["ECS_RUN_NO_LOGS": "maybe"])) { error in
            XCTAssertEqual((error as? RunFailure)?.status, 64)
            XCTAssertTrue("\(error)".contains("ECS_RUN_NO_LOGS"))
        }
    }

    func testEnvironmentNames() {
        XCTAssertEqual(OptionSpec("network-from-service").environmentName, "ECS_RUN_NETWORK_FROM_SERVICE")
        XCTAssertEqual(OptionEnvironment.unknownVariables(specs: specs, environment: ["ECS_RUN_CLUSTR": "x", "ECS_RUN_CLUSTER": "y"]),
                       ["ECS_RUN_CLUSTR"])
    }
}

final class HelpRequestTests: XCTestCase {
    func testHelpIsAskedOnlyInOptionPositionsBeforeTheCommand() {
        let cases: [(args: [String], asked: Bool)] = [
            (["--help"], true), (["-h"], true), (["-help"], true), (["help"], true), (["help", "wait"], true),
            (["wait", "--help"], true), (["--cluster", "c", "-h"], true), (["--group", "-h"], true),
            (["--", "ls", "-h"], false), (["--dry-run", "--", "man", "--help"], false), (["--", "help"], false),
            (["--group", "help"], false), (["wait", "help"], false), (["--reason=--help"], false), ([], false),
        ]
        for c in cases { XCTAssertEqual(HelpRequest.isAsked(c.args), c.asked, "\(c.args)") }
    }
}
