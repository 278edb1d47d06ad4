import XCTest

@testable import Migrations

/// What `down` would roll back, decided from files and history alone: no database.
final class DownPlanTests: XCTestCase {
    private func migration(_ version: MigrationVersion, down: String? = "SELECT 0;\n") -> Migration {
        Migration(
            version: version, name: "m\(version)",
            up: SQLSection(text: "SELECT 1;\n", file: "m/\(version)_m\(version).up.sql", firstLine: 1, transactional: true),
            down: down.map { SQLSection(text: $0, file: "m/\(version)_m\(version).down.sql", firstLine: 1, transactional: true) })
    }

    private func record(_ version: MigrationVersion, _ state: HistoryRecord.State = .applied) -> HistoryRecord {
        HistoryRecord(
            version: version, name: "m\(version)", checksum: migration(version).checksum, state: state, appliedAt: "2026-12-01T00:00:00Z",
            executionMs: 1, appliedBy: "app")
    }

    func testWhatIsRolledBackNewestFirst() throws {
        let files = [1, 2, 3, 4].map { migration($0) }
        let applied = [1, 2, 3].map { record($0) }
        let cases: [(name: String, target: Migrator.DownTarget, expected: [MigrationVersion])] = [
            ("one step by default", .steps(1), [3]),
            ("two steps", .steps(2), [3, 2]),
            ("more steps than applied", .steps(9), [3, 2, 1]),
            ("to a version: everything newer", .to(1), [3, 2]),
            ("to 0: everything", .to(0), [3, 2, 1]),
            ("all", .all, [3, 2, 1]),
            ("to the newest: nothing", .to(3), []),
        ]
        for c in cases {
            XCTAssertEqual(try DownPlan(c.target, migrations: files, records: applied).migrations.map(\.version), c.expected, c.name)
        }
    }

    func testRefusalsComeBeforeAnythingIsRolledBack() {
        let files = [migration(1), migration(2, down: nil), migration(3)]
        let cases: [(name: String, target: Migrator.DownTarget, records: [HistoryRecord], error: String)] = [
            (
                "a migration left running", .steps(1), [record(1), record(3, .running)],
                "\(MigratorError.refused([.leftRunning(version: 3, label: "3_m3", files: ["m/3_m3.up.sql", "m/3_m3.down.sql"])]))"
            ),
            (
                "a target that names no migration", .to(5), [record(1)],
                "\(MigratorError.unknownVersion(5, nearest: [2, 3], option: .target))"
            ),
            ("a missing down", .steps(2), [record(1), record(2), record(3)], "\(MigratorError.noDownMigration(["2_m2"]))"),
            (
                "an applied migration without a file", .all, [record(1), record(3), record(7)],
                "\(MigratorError.noDownMigration(["7_m7 (its file is missing)"]))"
            ),
        ]
        for c in cases {
            XCTAssertThrowsError(try DownPlan(c.target, migrations: files, records: c.records), c.name) { error in
                XCTAssertEqual("\(error)", c.error, c.name)
            }
        }
        XCTAssertEqual(try DownPlan(.steps(1), migrations: files, records: [record(1), record(3)]).migrations.map(\.version), [3])
    }
}
