import Foundation
import TestSupport
import XCTest

/// A task whose awslogs stream is in another region than ecs-run's (`awslogs-region`): its lines are
/// read there, signed for that region, with the credentials ecs-run already has.
final class ECSRunLogRegionTests: XCTestCase {
    func testTheLogsOfAStreamInAnotherRegionAreReadThere() throws {
        let fx = try ECSRunFixture.shared()
        let other = fx.stack.region == "eu-west-1" ? "us-west-2" : "eu-west-1"
        let family = try fx.registerTaskDefinition(
            family: "elsewhere", image: "busybox", container: "app", command: ["echo", "logged in \(other)"], logRegion: other)
        let result = try fx.ecsRun(fx.launchOptions(family: family) + ["--timeout", "60s"], timeout: 90)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(result.stdout, "logged in \(other)\n", result.stderr)
        XCTAssertFalse(result.stderr.contains("cannot read the logs"), result.stderr)
        XCTAssertTrue(result.stderr.contains("logs: \(fx.logGroup) ecs/app/"), "the emulator's stream, by name: \(result.stderr)")
    }
}
