import Foundation
import TestSupport
import XCTest

/// ECS resources in the local stack's AWS emulator for the ecs-run process tests: a VPC with DNS
/// hostnames (moto needs it for awsvpc), a subnet, a security group, a cluster, an awsvpc task
/// definition logging with awslogs, and a service. Made once per test run with the AWS CLI in .venv,
/// so they do not depend on the code under test.
final class ECSRunFixture {
    struct Failure: Error, CustomStringConvertible { let description: String }

    let stack: LocalStack
    let suffix: String
    let cluster: String
    let family: String
    let service: String
    let logGroup: String
    private(set) var vpc = ""
    private(set) var subnet = ""
    private(set) var securityGroup = ""
    private(set) var serviceSubnet = ""
    private(set) var serviceSecurityGroup = ""

    // XCTest runs these tests one after another on one thread, the only one that reads or sets this.
    nonisolated(unsafe) private static var cached: ECSRunFixture?

    static func shared() throws -> ECSRunFixture {
        if let cached { return cached }
        let fixture = try ECSRunFixture()
        cached = fixture
        return fixture
    }

    private init() throws {
        stack = try LocalStack.current()
        suffix = String(UUID().uuidString.prefix(8)).lowercased()
        cluster = "ecsrun-\(suffix)"
        family = "ecsrun-app-\(suffix)"
        service = "ecsrun-svc-\(suffix)"
        logGroup = "/ecs/ecsrun-\(suffix)"
        vpc = try aws(["ec2", "create-vpc", "--cidr-block", "10.1.0.0/16", "--query", "Vpc.VpcId", "--output", "text"])
        try aws(["ec2", "modify-vpc-attribute", "--vpc-id", vpc, "--enable-dns-hostnames"])
        subnet = try aws([
            "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.1.1.0/24", "--query", "Subnet.SubnetId", "--output", "text",
        ])
        serviceSubnet = try aws([
            "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.1.2.0/24", "--query", "Subnet.SubnetId", "--output", "text",
        ])
        securityGroup = try aws([
            "ec2", "create-security-group", "--group-name", "ecsrun-\(suffix)", "--description", "ecs-run tests",
            "--vpc-id", vpc, "--query", "GroupId", "--output", "text",
        ])
        serviceSecurityGroup = try aws([
            "ec2", "create-security-group", "--group-name", "ecsrun-svc-\(suffix)", "--description", "ecs-run service",
            "--vpc-id", vpc, "--query", "GroupId", "--output", "text",
        ])
        try aws(["ecs", "create-cluster", "--cluster-name", cluster])
        try aws(["logs", "create-log-group", "--log-group-name", logGroup])
        try registerTaskDefinition(named: family, image: "busybox", container: "app", command: ["true"])
        try checkSignatures()
        try aws([
            "ecs", "create-service", "--cluster", cluster, "--service-name", service, "--task-definition", family,
            "--desired-count", "0", "--launch-type", "FARGATE", "--platform-version", "1.4.0",
            "--network-configuration",
            "awsvpcConfiguration={subnets=[\(serviceSubnet)],securityGroups=[\(serviceSecurityGroup)],assignPublicIp=DISABLED}",
        ])
    }

    /// The AWS CLI against the emulator; returns trimmed stdout.
    @discardableResult
    func aws(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run(Paths.packageRoot + "/.venv/bin/aws", arguments, environment: awsEnvironment, timeout: 60)
        guard result.status == 0 else {
            throw Failure(description: "aws \(arguments.prefix(2).joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The stack's AWS settings and nothing else: no ECS_RUN_* or AWS_PROFILE from the test's own environment.
    var awsEnvironment: [String: String] {
        var env = stack.environment.filter { $0.key.hasPrefix("AWS_") }
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        env["HOME"] = NSTemporaryDirectory()
        return env
    }

    /// Runs the built ecs-run with the stack's AWS settings plus `environment`.
    func ecsRun(_ arguments: [String], environment extra: [String: String] = [:], timeout: TimeInterval = 60) throws -> ProcessResult {
        var env = awsEnvironment
        env.merge(extra) { _, new in new }
        return try ProcessRunner.run(Paths.executable("ecs-run"), arguments, environment: env, timeout: timeout)
    }

    /// The options every launch here needs (moto wants security groups with awsvpc).
    var launchOptions: [String] { launchOptions(family: family) }

    func launchOptions(family: String) -> [String] {
        [
            "--cluster", cluster, "--task-definition", family, "--launch-type", "FARGATE",
            "--subnets", subnet, "--security-groups", securityGroup,
        ]
    }

    private var registered: Set<String> = []

    /// Registers (once per run) an awsvpc Fargate task definition with one essential container that logs
    /// to the fixture's group (in `logRegion`, by default the stack's); returns its family, made unique to this run.
    @discardableResult
    func registerTaskDefinition(
        family base: String, image: String, container: String, command: [String], logRegion: String? = nil
    ) throws -> String {
        let name = base + "-" + suffix
        if !registered.contains(name) {
            try registerTaskDefinition(named: name, image: image, container: container, command: command, logRegion: logRegion)
        }
        return name
    }

    private func registerTaskDefinition(
        named name: String, image: String, container: String, command: [String], logRegion: String? = nil
    ) throws {
        if let logRegion, logRegion != stack.region {
            try aws(["logs", "create-log-group", "--log-group-name", logGroup, "--region", logRegion])
        }
        let definition: [String: Any] = [
            "name": container, "image": image, "memory": 256, "essential": true, "command": command,
            "logConfiguration": [
                "logDriver": "awslogs",
                "options": [
                    "awslogs-group": logGroup, "awslogs-region": logRegion ?? stack.region, "awslogs-stream-prefix": "ecs",
                ],
            ],
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: [definition]), as: UTF8.self)
        try aws([
            "ecs", "register-task-definition", "--family", name, "--network-mode", "awsvpc", "--requires-compatibilities", "FARGATE",
            "--cpu", "256", "--memory", "512", "--container-definitions", json,
        ])
        registered.insert(name)
    }

    /// How long the local ECS keeps a task in DEPROVISIONING after its containers exit.
    func setDeprovisionSeconds(_ seconds: Double) throws {
        let result = try ProcessRunner.run(
            "/usr/bin/curl",
            [
                "-sS", "-f", "-X", "POST", "--data", #"{"deprovisionSeconds": \#(seconds)}"#,
                stack.awsEndpoint + "/local-ecs/settings",
            ], timeout: 20)
        guard result.status == 0 else { throw Failure(description: "local-ecs settings failed: \(result.stderr)") }
    }

    func describeTask(_ arn: String) throws -> [String: Any] {
        let json = try aws(["ecs", "describe-tasks", "--cluster", cluster, "--tasks", arn, "--include", "TAGS", "--output", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        guard let task = (object?["tasks"] as? [[String: Any]])?.first else { throw Failure(description: "no task \(arn): \(json)") }
        return task
    }

    /// Operations the local ECS has logged so far, one per AWS request, oldest first.
    func loggedOperations() throws -> [String] {
        let text = (try? String(contentsOfFile: stack.directory + "/aws-requests.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            return fields.count >= 2 ? String(fields[1]) : nil
        }
    }

    /// From now on the emulator verifies every request's signature against its IAM users
    /// (the stack's keys belong to one); a wrongly signed request gets 403.
    private func checkSignatures() throws {
        let result = try ProcessRunner.run(
            "/usr/bin/curl",
            [
                "-sS", "-f", "-X", "POST", "-H", "Content-Type: text/plain", "--data", "0",
                stack.awsEndpoint + "/moto-api/reset-auth",
            ], timeout: 20)
        guard result.status == 0 else { throw Failure(description: "moto-api reset-auth failed: \(result.stderr)") }
    }
}
