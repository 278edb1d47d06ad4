@testable import Migrations
import XCTest

final class AdoptionPlanTests: XCTestCase {
    func migration(_ version: MigrationVersion) -> Migration {
        Migration(
            version: version, name: "m\(version)",
            up: SQLSection(
                text: "SELECT \(version);\n", file: "migrations/\(version)_m\(version).up.sql", firstLine: 1, transactional: true),
            down: nil)
    }

    func testWhichTableShapesAreRecognised() {
        struct Case { let name: String; let columns: [String: String]; let tool: LegacyHistory.Tool? }
        let cases = [
            Case(name: "golang-migrate", columns: ["version": "bigint", "dirty": "boolean"], tool: .golangMigrate),
            Case(name: "dbmate (varchar)", columns: ["version": "character varying"], tool: .dbmate),
            Case(name: "dbmate, older releases (varchar(128))", columns: ["version": "character varying(128)"], tool: .dbmate),
            Case(name: "dbmate-like, text", columns: ["version": "text"], tool: .dbmate),
            Case(
                name: "golang-migrate with an extra column",
                columns: ["version": "bigint", "dirty": "boolean", "at": "timestamp with time zone"], tool: nil),
            Case(name: "integer version alone", columns: ["version": "bigint"], tool: nil),
            Case(name: "goose", columns: ["id": "integer", "version_id": "bigint", "is_applied": "boolean"], tool: nil),
            Case(name: "dirty as text", columns: ["version": "bigint", "dirty": "text"], tool: nil),
            Case(
                name: "goose's goose_db_version",
                columns: ["id": "integer", "version_id": "bigint", "is_applied": "boolean", "tstamp": "timestamp without time zone"],
                tool: .goose),
            Case(
                name: "Prisma's _prisma_migrations",
                columns: [
                    "id": "character varying(36)", "checksum": "character varying(64)", "finished_at": "timestamp with time zone",
                    "migration_name": "character varying(255)", "logs": "text", "rolled_back_at": "timestamp with time zone",
                    "started_at": "timestamp with time zone", "applied_steps_count": "integer",
                ], tool: .prisma),
        ]
        for c in cases { XCTAssertEqual(LegacyHistory.tool(columns: c.columns), c.tool, c.name) }
    }

    func testWhatEachToolsHistoryCountsAsApplied() throws {
        struct Case { let name: String; let tool: LegacyHistory.Tool; let versions: [String]; let applied: [MigrationVersion] }
        let files = [1, 2, 3, 5, 8].map { migration($0) }
        let cases = [
            Case(name: "golang-migrate: everything at or below the version", tool: .golangMigrate, versions: ["3"], applied: [1, 2, 3]),
            Case(name: "golang-migrate: the newest file", tool: .golangMigrate, versions: ["8"], applied: [1, 2, 3, 5, 8]),
            Case(name: "golang-migrate: no row", tool: .golangMigrate, versions: [], applied: []),
            Case(name: "dbmate: exactly the listed versions", tool: .dbmate, versions: ["1", "3", "8"], applied: [1, 3, 8]),
            Case(name: "dbmate: versions with leading zeros match by number", tool: .dbmate, versions: ["0002", "005"], applied: [2, 5]),
            Case(name: "dbmate: nothing applied", tool: .dbmate, versions: [], applied: []),
        ]
        for c in cases {
            let legacy = LegacyHistory(tool: c.tool, schema: "public", table: "schema_migrations", versions: c.versions, dirty: false)
            XCTAssertEqual(try AdoptionPlan(legacy, migrations: files.reversed()).applied.map(\.version), c.applied, c.name)
        }
    }

    /// golang-migrate records version 0 like any other; dbmate keeps "0" (or "00") as the file spells it.
    func testVersionZeroIsAdoptedLikeAnyOtherVersion() throws {
        let files = [0, 1, 2].map { migration($0) }
        let cases: [(LegacyHistory.Tool, [String], [MigrationVersion])] = [
            (.golangMigrate, ["0"], [0]), (.golangMigrate, ["1"], [0, 1]), (.dbmate, ["0"], [0]), (.dbmate, ["00", "2"], [0, 2]),
        ]
        for (tool, versions, applied) in cases {
            let legacy = LegacyHistory(tool: tool, schema: "public", table: "schema_migrations", versions: versions, dirty: false)
            XCTAssertEqual(try AdoptionPlan(legacy, migrations: files).applied.map(\.version), applied, "\(tool) \(versions)")
        }
    }

    func testWhatIsRefused() {
        // The words for each problem are the executable's (MigratorCommandTests.testAdoptionProblems).
        struct Case {
            let name: String; let tool: LegacyHistory.Tool; let versions: [String]; let dirty: Bool; let problems: [AdoptionProblem]
        }
        let files = [1, 2, 3].map { migration($0) }
        let table = "public.schema_migrations"
        let cases = [
            Case(
                name: "dirty", tool: .golangMigrate, versions: ["2"], dirty: true,
                problems: [.dirty(table: table, version: 2, file: "migrations/2_m2.up.sql", earlier: 1)]),
            Case(
                name: "dirty before the first version", tool: .golangMigrate, versions: ["1"], dirty: true,
                problems: [.dirty(table: table, version: 1, file: "migrations/1_m1.up.sql", earlier: -1)]),
            Case(
                name: "dirty with no version", tool: .golangMigrate, versions: ["-1"], dirty: true,
                problems: [.dirty(table: table, version: -1, file: nil, earlier: -1)]),
            Case(
                name: "golang-migrate version without a file", tool: .golangMigrate, versions: ["4"], dirty: false,
                problems: [.unknownLatest(table: table, version: 4)]),
            Case(
                name: "dbmate versions without files", tool: .dbmate, versions: ["1", "4", "7"], dirty: false,
                problems: [.noFiles(table: table, versions: [4, 7])]),
            Case(
                name: "dbmate version that is not a number", tool: .dbmate, versions: ["1", "2026-01-01"], dirty: false,
                problems: [.notAVersion(table: table, text: "2026-01-01")]),
        ]
        for c in cases {
            let legacy = LegacyHistory(tool: c.tool, schema: "public", table: "schema_migrations", versions: c.versions, dirty: c.dirty)
            XCTAssertThrowsError(try AdoptionPlan(legacy, migrations: files), c.name) { error in
                guard case MigratorError.adoptionProblems(let problems) = error else { return XCTFail("\(c.name): \(error)") }
                XCTAssertEqual(problems, c.problems, c.name)
            }
        }
    }
}
