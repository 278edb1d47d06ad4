@testable import ECSRunEdge
@testable import ECSTasks
import XCTest

final class LaunchPlanTests: XCTestCase {
    /// A failure in ecs-run's words, as the user reads it.
    func text(_ error: Error) -> String {
        (error as? RunFailure).map(Messages.text) ?? "\(error)"
    }

    func definition(_ containers: [ContainerDefinition]) -> TaskDefinition {
        var d = TaskDefinition(
            taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/app:3", containerDefinitions: containers)
        d.family = "app"
        d.revision = 3
        return d
    }

    func config(_ edit: (inout RunConfiguration) -> Void = { _ in }) -> RunConfiguration {
        var c = RunConfiguration()
        c.cluster = "c1"
        c.taskDefinition = "app"
        edit(&c)
        return c
    }

    func testFullRequest() throws {
        let request = try LaunchPlan.request(
            config {
                $0.launchType = "FARGATE"; $0.platformVersion = "1.4.0"
                $0.subnets = ["s1", "s2"]; $0.securityGroups = ["g1"]; $0.assignPublicIp = true
                $0.command = ["./migrate", "up"]; $0.environment = [KeyValuePair(name: "A", value: "1")]
                $0.cpu = "512"; $0.memory = "1024"; $0.taskRoleArn = "arn:role/t"; $0.executionRoleArn = "arn:role/e"
                $0.tags = [Tag(key: "k", value: "v")]; $0.propagateTags = "TASK_DEFINITION"; $0.group = "family:app"
                $0.enableExecuteCommand = true; $0.idempotencyKey = "deploy-1"
            }, taskDefinition: definition([ContainerDefinition(name: "app")]))
        XCTAssertEqual(request.cluster, "c1")
        XCTAssertEqual(request.taskDefinition, "app")
        XCTAssertEqual(request.launchType, "FARGATE")
        XCTAssertNil(request.capacityProviderStrategy)
        XCTAssertEqual(request.platformVersion, "1.4.0")
        XCTAssertEqual(
            request.networkConfiguration?.awsvpcConfiguration,
            AwsVpcConfiguration(subnets: ["s1", "s2"], securityGroups: ["g1"], assignPublicIp: "ENABLED"))
        XCTAssertEqual(
            request.overrides?.containerOverrides,
            [ContainerOverride(name: "app", command: ["./migrate", "up"], environment: [KeyValuePair(name: "A", value: "1")])])
        XCTAssertEqual(request.overrides?.cpu, "512")
        XCTAssertEqual(request.overrides?.memory, "1024")
        XCTAssertEqual(request.overrides?.taskRoleArn, "arn:role/t")
        XCTAssertEqual(request.overrides?.executionRoleArn, "arn:role/e")
        XCTAssertEqual(request.tags, [Tag(key: "k", value: "v")])
        XCTAssertEqual(request.propagateTags, "TASK_DEFINITION")
        // The launch's own: ecs-run/ and the start of the SHA-256 of its client token, "deploy-1".
        XCTAssertEqual(request.startedBy, "ecs-run/244cf825d65c1c4e")
        XCTAssertEqual(request.group, "family:app")
        XCTAssertEqual(request.enableExecuteCommand, true)
        XCTAssertEqual(request.clientToken, "deploy-1")
    }

    func testMinimalRequestOmitsEverythingUnset() throws {
        let json = CommandEnding.requestJSON(try LaunchPlan.request(config()))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        XCTAssertEqual(Set(object.keys), ["cluster", "taskDefinition", "startedBy", "clientToken"])
    }

    func testAStartedByTheUserChoseIsSentAsItIs() throws {
        let request = try LaunchPlan.request(config { $0.startedBy = "ci-42" })
        XCTAssertEqual(request.startedBy, "ci-42")
    }

    func testEachLaunchWithoutAKeyHasItsOwnStartedBy() throws {
        let first = try LaunchPlan.request(config())
        let second = try LaunchPlan.request(config())
        XCTAssertNotEqual(first.startedBy, second.startedBy)
        for request in [first, second] {
            let startedBy = try XCTUnwrap(request.startedBy)
            XCTAssertEqual(startedBy, ClientToken.startedBy(forToken: try XCTUnwrap(request.clientToken)))
            // ECS allows letters, digits, -, / and _ in startedBy.
            XCTAssertTrue(startedBy.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-/_".contains($0)) }, startedBy)
        }
    }

    func testWrongContainerListsTheRealNames() {
        XCTAssertThrowsError(
            try LaunchPlan.request(
                config { $0.container = "ap" },
                taskDefinition: definition([ContainerDefinition(name: "app"), ContainerDefinition(name: "proxy")]))
        ) { error in
            XCTAssertEqual((error as? RunFailure).map { ExitStatus.code(for: $0.ending) }, 64)
            guard case .unknownContainer("ap", "app:3", ["app", "proxy"]) = (error as? RunFailure)?.reason else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(text(error).contains("no container \"ap\""), text(error))
            XCTAssertTrue(text(error).contains("app, proxy"), text(error))
        }
    }

    func testOverridesGoToTheOnlyEssentialContainer() throws {
        let withSidecar = definition([ContainerDefinition(name: "proxy", essential: false), ContainerDefinition(name: "app")])
        let request = try LaunchPlan.request(config { $0.command = ["x"] }, taskDefinition: withSidecar)
        XCTAssertEqual(request.overrides?.containerOverrides?.first?.name, "app")
    }

    func testSeveralEssentialContainersNeedContainerForOverrides() throws {
        let two = definition([
            ContainerDefinition(name: "app"), ContainerDefinition(name: "worker"),
            ContainerDefinition(name: "proxy", essential: false),
        ])
        XCTAssertThrowsError(try LaunchPlan.request(config { $0.command = ["x"] }, taskDefinition: two)) { error in
            XCTAssertEqual((error as? RunFailure).map { ExitStatus.code(for: $0.ending) }, 64)
            XCTAssertTrue(text(error).contains("several essential containers (app, worker)"), text(error))
            XCTAssertTrue(text(error).contains("--container"), text(error))
        }
        // Without overrides no container needs naming.
        XCTAssertNil(try LaunchPlan.request(config(), taskDefinition: two).overrides)
        let named = try LaunchPlan.request(
            config {
                $0.command = ["x"]; $0.container = "proxy"
            }, taskDefinition: two)
        XCTAssertEqual(named.overrides?.containerOverrides?.first?.name, "proxy")
    }

    func testNetworkFromService() throws {
        var service = Service(serviceName: "web")
        service.networkConfiguration = NetworkConfiguration(
            awsvpcConfiguration: AwsVpcConfiguration(subnets: ["s9"], securityGroups: ["g9"], assignPublicIp: "DISABLED"))
        service.capacityProviderStrategy = [CapacityProviderStrategyItem(capacityProvider: "FARGATE_SPOT", weight: 1)]
        service.launchType = nil
        service.platformVersion = "LATEST"
        let copied = try LaunchPlan.request(config { $0.networkFromService = "web" }, service: service)
        XCTAssertEqual(copied.networkConfiguration, service.networkConfiguration)
        XCTAssertEqual(copied.capacityProviderStrategy, service.capacityProviderStrategy)
        XCTAssertNil(copied.launchType)
        XCTAssertEqual(copied.platformVersion, "LATEST")

        var fargate = service
        fargate.capacityProviderStrategy = nil
        fargate.launchType = "FARGATE"
        let withLaunchType = try LaunchPlan.request(config { $0.networkFromService = "web" }, service: fargate)
        XCTAssertEqual(withLaunchType.launchType, "FARGATE")
        XCTAssertNil(withLaunchType.capacityProviderStrategy)

        // Explicit flags win over the service.
        let overridden = try LaunchPlan.request(
            config {
                $0.networkFromService = "web"; $0.securityGroups = ["mine"]; $0.assignPublicIp = true; $0.launchType = "EC2"
            }, service: service)
        XCTAssertEqual(
            overridden.networkConfiguration?.awsvpcConfiguration,
            AwsVpcConfiguration(subnets: ["s9"], securityGroups: ["mine"], assignPublicIp: "ENABLED"))
        XCTAssertEqual(overridden.launchType, "EC2")
        XCTAssertNil(overridden.capacityProviderStrategy)
    }

    func testUsageErrors() {
        let cases: [(name: String, edit: (inout RunConfiguration) -> Void, message: String)] = [
            ("no task definition", { $0.taskDefinition = "" }, "task definition is required"),
            ("unknown launch type", { $0.launchType = "ECS" }, "--launch-type \"ECS\" must be FARGATE, EC2, EXTERNAL or MANAGED_INSTANCES"),
            (
                "launch type and capacity provider",
                {
                    $0.launchType = "FARGATE"; $0.capacityProviders = [.init(capacityProvider: "x")]
                }, "cannot be combined"
            ),
            ("security groups without subnets", { $0.securityGroups = ["g"] }, "--security-groups needs --subnets"),
            (
                "dry run with network-from-service",
                {
                    $0.dryRun = true; $0.networkFromService = "web"
                }, "--dry-run"
            ),
            (
                "dry run overrides need --container",
                {
                    $0.dryRun = true; $0.command = ["x"]
                }, "--container"
            ),
        ]
        for c in cases {
            XCTAssertThrowsError(try TaskLauncher.plan(config(c.edit)), c.name) { error in
                XCTAssertEqual((error as? RunFailure).map { ExitStatus.code(for: $0.ending) }, 64, c.name)
                XCTAssertTrue(text(error).contains(c.message), "\(c.name): \(text(error))")
            }
        }
    }

    func testLogStreamsAndConsoleURL() {
        let d = definition([
            ContainerDefinition(
                name: "app",
                logConfiguration: LogConfiguration(
                    logDriver: "awslogs",
                    options: [
                        "awslogs-group": "/ecs/app", "awslogs-stream-prefix": "ecs", "awslogs-region": "eu-west-1",
                    ])),
            ContainerDefinition(
                name: "noprefix", logConfiguration: LogConfiguration(logDriver: "awslogs", options: ["awslogs-group": "/g"])),
            ContainerDefinition(name: "splunk", logConfiguration: LogConfiguration(logDriver: "splunk")),
        ])
        XCTAssertEqual(
            LaunchPlan.logStreams(d, taskID: "abc"),
            [LogStreamRef(container: "app", group: "/ecs/app", stream: "ecs/app/abc", region: "eu-west-1")])
        XCTAssertEqual(
            LaunchPlan.consoleURL(region: "eu-west-1", group: "/ecs/app", stream: "ecs/app/abc"),
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fapp/log-events/ecs$252Fapp$252Fabc"
        )
    }
}
