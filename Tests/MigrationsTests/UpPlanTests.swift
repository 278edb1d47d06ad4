import XCTest

@testable import Migrations

/// What `up` would do, decided from files and history alone: no database.
final class UpPlanTests: XCTestCase {
    private func migration(_ version: MigrationVersion, _ sql: String = "SELECT 1;") -> Migration {
        Migration(
            version: version, name: "m\(version)",
            up: SQLSection(text: sql + "\n", file: "m/\(version)_m\(version).up.sql", firstLine: 1, transactional: true),
            down: SQLSection(text: "SELECT 0;\n", file: "m/\(version)_m\(version).down.sql", firstLine: 1, transactional: true))
    }

    private func record(_ m: Migration, _ state: HistoryRecord.State = .applied, checksum: String? = nil) -> HistoryRecord {
        HistoryRecord(
            version: m.version, name: m.name, checksum: checksum ?? m.checksum, state: state, appliedAt: "2026-12-01T00:00:00Z",
            executionMs: 1, appliedBy: "app")
    }

    private func repeatable(_ name: String, _ sql: String) -> RepeatableMigration {
        RepeatableMigration(name: name, section: SQLSection(text: sql, file: "m/R__\(name).sql", firstLine: 1, transactional: true))
    }

    private func plan(
        _ files: [Migration], _ records: [HistoryRecord], target: MigrationVersion? = nil, allowOutOfOrder: Bool = false,
        repeatables: [RepeatableMigration] = [], repeatableRecords: [RepeatableHistory.Record] = []
    ) throws -> UpPlan {
        try UpPlan(
            migrations: files, records: records, target: target, allowOutOfOrder: allowOutOfOrder, repeatables: repeatables,
            repeatableRecords: { repeatableRecords })
    }

    func testWhatIsAppliedAndInWhichOrder() throws {
        let (a, b, m3) = (migration(1), migration(2), migration(3))
        let cases: [(name: String, records: [HistoryRecord], target: MigrationVersion?, expected: [MigrationVersion])] = [
            ("a new database: everything, oldest first", [], nil, [1, 2, 3]),
            ("only what is pending", [record(a)], nil, [2, 3]),
            ("up to the target", [record(a)], 2, [2]),
            ("nothing left", [record(a), record(b), record(m3)], nil, []),
        ]
        for c in cases {
            let got = try plan([a, b, m3], c.records, target: c.target)
            XCTAssertEqual(got.migrations.map(\.version), c.expected, c.name)
            XCTAssertEqual(got.isEmpty, c.expected.isEmpty, c.name)
        }
    }

    func testEveryRefusalIsListedBeforeAnythingRuns() {
        let (a, b, c3, d) = (migration(1), migration(2), migration(3), migration(4))
        let cases: [(name: String, records: [HistoryRecord], allowOutOfOrder: Bool, refusals: [Refusal])] = [
            (
                "left running, with its files", [record(a, .running)], false,
                [.leftRunning(version: 1, label: "1_m1", files: ["m/1_m1.up.sql", "m/1_m1.down.sql"])]
            ),
            ("a changed file", [record(a, checksum: "0123")], false, [.checksumChanged(version: 1, label: "1_m1")]),
            ("out of order", [record(a), record(c3)], false, [.outOfOrder(label: "2_m2")]),
            (
                "all of them at once", [record(a, .running), record(b, checksum: "x"), record(d)], false,
                [
                    .leftRunning(version: 1, label: "1_m1", files: ["m/1_m1.up.sql", "m/1_m1.down.sql"]),
                    .checksumChanged(version: 2, label: "2_m2"), .outOfOrder(label: "3_m3"),
                ]
            ),
        ]
        for c in cases {
            XCTAssertThrowsError(try plan([a, b, c3, d], c.records, allowOutOfOrder: c.allowOutOfOrder), c.name) { error in
                guard case MigratorError.refused(let refusals) = error else { return XCTFail("\(c.name): \(error)") }
                XCTAssertEqual(refusals, c.refusals, c.name)
            }
        }
        XCTAssertEqual(try plan([a, b, c3], [record(a), record(c3)], allowOutOfOrder: true).migrations.map(\.version), [2], "allowed")
    }

    func testFilelessMigrationsAreLeftAsTheyAre() throws {
        let (a, b) = (migration(1), migration(2))
        let got = try plan([a], [record(a), record(b)])
        XCTAssertEqual(got.fileless, ["2_m2"])
        XCTAssertTrue(got.isEmpty)
    }

    /// A history with nothing running or changed takes a shorter way than the full comparison (no status
    /// per migration); its answers must be those of the full comparison (`MigrationStatus.compute`).
    func testASettledHistoryIsPlannedAsTheFullComparisonPlansIt() throws {
        let files = [1, 2, 3, 5, 8].map { migration($0) }
        let byVersion = Dictionary(uniqueKeysWithValues: files.map { ($0.version, $0) })
        let cases:
            [(name: String, recorded: [MigrationVersion], gone: [MigrationVersion], target: MigrationVersion?, allowOutOfOrder: Bool)] = [
                ("files missing, recorded out of version order", [1, 2], [9, 4, 7], nil, true),
                ("pending older than the newest record, allowed", [1, 3], [], nil, true),
                ("up to a target", [1, 2], [], 3, false),
                ("nothing recorded", [], [], nil, false),
                ("everything applied", [8, 5, 3, 2, 1], [], nil, false),
            ]
        for c in cases {
            let records = c.gone.map { record(migration($0)) } + c.recorded.map { record(byVersion[$0]!) }
            let settled = try plan(files, records, target: c.target, allowOutOfOrder: c.allowOutOfOrder)
            let statuses = MigrationStatus.compute(migrations: files, records: records)
            let pending = statuses.filter { $0.state == .pending && (c.target == nil || $0.version <= c.target!) }
            XCTAssertEqual(settled.migrations.map(\.version), pending.map(\.version), c.name)
            XCTAssertEqual(settled.fileless, statuses.filter { $0.state == .fileMissing }.map(\.label), c.name)
            XCTAssertEqual(settled.fileless, c.gone.sorted().map { "\($0)_m\($0)" }, c.name)
        }
        XCTAssertThrowsError(try plan(files, [record(files[2]), record(files[0])]), "out of order, not allowed") { error in
            guard case MigratorError.refused(let refusals) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(refusals, [.outOfOrder(label: "2_m2")])
        }
    }

    func testRepeatablesRunWhenNewOrChangedAndNotWhenTheTargetStopsShort() throws {
        let (a, b) = (migration(1), migration(2))
        let views = repeatable("views", "CREATE OR REPLACE VIEW v AS SELECT 1;\n")
        let grants = repeatable("grants", "GRANT SELECT ON v TO app;\n")
        let current = RepeatableHistory.Record(name: "grants", checksum: grants.checksum, appliedAt: "x", executionMs: 1)
        let stale = RepeatableHistory.Record(name: "views", checksum: "old", appliedAt: "x", executionMs: 1)
        let full = try plan([a, b], [], repeatables: [grants, views], repeatableRecords: [current, stale])
        XCTAssertEqual(full.repeatables.map(\.name), ["views"], "changed runs again, current does not")
        XCTAssertFalse(full.stopsShort)
        var asked = false
        let short = try UpPlan(
            migrations: [a, b], records: [], target: 1, allowOutOfOrder: false, repeatables: [grants, views],
            repeatableRecords: {
                asked = true
                return []
            })
        XCTAssertTrue(short.stopsShort)
        XCTAssertEqual(short.repeatables, [])
        XCTAssertFalse(asked, "their history is not read when they cannot run")
    }
}
