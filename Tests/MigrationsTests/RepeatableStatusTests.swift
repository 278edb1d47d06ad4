import XCTest
@testable import Migrations

/// Where a repeatable migration stands, from its file and its last recorded run.
final class RepeatableStatusTests: XCTestCase {
    func testStates() {
        let file = { (name: String, sql: String) in
            RepeatableMigration(name: name, section: SQLSection(text: sql, file: "m/R__\(name).sql", firstLine: 1, transactional: true))
        }
        let views = file("views", "CREATE OR REPLACE VIEW v AS SELECT 1;\n")
        let crlf = file("grants", "GRANT SELECT ON v TO app;\r\n")
        let fresh = file("functions", "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n")
        let records = [
            RepeatableHistory.Record(name: "views", checksum: "0000", appliedAt: "2026-12-01T10:00:00Z", executionMs: 3),
            RepeatableHistory.Record(
                name: "grants", checksum: file("grants", "GRANT SELECT ON v TO app;\n").checksum, appliedAt: "2026-12-01T10:00:01Z",
                executionMs: 1),
            RepeatableHistory.Record(name: "gone", checksum: "1111", appliedAt: "2026-12-01T10:00:02Z", executionMs: 2),
        ]
        let statuses = RepeatableStatus.compute([fresh, crlf, views], records: records)
        XCTAssertEqual(statuses.map(\.label), ["R__functions", "R__grants", "R__views", "R__gone"])
        XCTAssertEqual(statuses.map(\.state), [.pending, .applied, .changed, .fileMissing], "a CRLF checkout is not an edit")
        XCTAssertEqual(statuses[2].appliedAt, "2026-12-01T10:00:00Z")
        XCTAssertNil(statuses[3].file)
    }
}
