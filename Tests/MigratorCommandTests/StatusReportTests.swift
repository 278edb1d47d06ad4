import FoundationEssentials
import XCTest

@testable import Migrations
@testable import migrator

/// `status --output json` is written by hand (`JSONText`); it must stay byte for byte what JSONEncoder
/// wrote, which scripts and CI parse. The encoder's version is kept here as the reference.
final class StatusReportTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("status-report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = [
            "0001_create_orders.sql": "-- migrate:up\nCREATE TABLE orders (id bigint);\n\n-- migrate:down\nDROP TABLE orders;\n",
            "0002_wrapped.up.sql": "BEGIN;\nCREATE TABLE \"quo\\\"ted\" (x int);\nCOMMIT;\n",
            "0003_no_op_down.up.sql": "CREATE TABLE t3 (x int);\n",
            "0003_no_op_down.down.sql": "-- no-op\n",
            "0004_concurrently.sql": "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i4 ON orders (id);\n-- migrate:down\n",
            "0005_naïve_ünïcode.up.sql": "SELECT 'é';\n",
        ]
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private var tricky: String {
        var text = "q\"b\\s/"
        for value in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        return text + "\u{7F}\u{85}é\u{2028}\u{202E}😀"
    }

    private func statuses() throws -> [MigrationStatus] {
        let migrations = try MigrationSource.load(directory: directory)
        let record = { (version: UInt64, name: String, state: HistoryRecord.State, appliedAt: String) in
            HistoryRecord(
                version: MigrationVersion(version), name: name, checksum: "x", state: state, appliedAt: appliedAt,
                executionMs: Int(version) * 7,
                appliedBy: "t")
        }
        var statuses = MigrationStatus.compute(
            migrations: migrations,
            records: [
                record(1, "create_orders", .applied, "2026-12-05T09:52:34Z"), record(4, "concurrently", .running, tricky),
                record(9, tricky, .applied, "2026-12-05T10:00:00Z"),
            ])
        statuses[1].note = "a down file named unlike its up file: \(tricky)"
        statuses[3].runningNow = "pid 4242 on \"host\" since 10:00"
        statuses[2].outOfOrder = true
        return statuses
    }

    private let repeatable = [
        RepeatableStatus(name: "views", state: .applied, appliedAt: "2026-12-05T09:52:34Z", executionMs: 12, file: "m/R__views.sql"),
        RepeatableStatus(name: "grants\"\n", state: .pending, file: "m/R__grants.sql"),
        RepeatableStatus(name: "gone", state: .fileMissing, appliedAt: "2026-12-01T00:00:00Z", executionMs: 0),
    ]

    func testTheJSONIsWhatJSONEncoderWrote() throws {
        let statuses = try statuses()
        XCTAssertEqual(statuses.count, 6)
        XCTAssertTrue(statuses.contains { $0.up != nil && $0.down != nil && $0.downIsEmpty })
        for (s, r) in [(statuses, repeatable), (statuses, []), ([], repeatable), ([], [])] {
            XCTAssertEqual(try StatusReport.json(s, r), try Self.encoded(s, r))
        }
    }

    /// The table is written into bytes (`TextTable`); it must stay what the String version wrote.
    func testTheTableIsWhatTheStringVersionWrote() throws {
        let statuses = try statuses()
        for (s, r) in [(statuses, repeatable), (statuses, []), ([], repeatable), ([], [])] {
            XCTAssertEqual(String(decoding: StatusReport.table(s, r), as: UTF8.self), Self.lines(s, r).joined(separator: "\n") + "\n")
        }
        let text = String(decoding: StatusReport.table(statuses, repeatable), as: UTF8.self)
        XCTAssertTrue(text.contains("0005     naïve_ünïcode  "), text)
        XCTAssertFalse(text.unicodeScalars.contains { $0.isOutputControl && $0 != "\n" })
    }

    /// What StatusReport.table was, with Output.result escaping each line.
    private static func lines(_ statuses: [MigrationStatus], _ repeatable: [RepeatableStatus]) -> [String] {
        func aligned(_ rows: [[String]]) -> [String] {
            func width(_ s: String) -> Int { s.utf8.allSatisfy { $0 < 0x80 } ? s.utf8.count : s.count }
            let widths = rows[0].indices.map { column in rows.map { width($0[column]) }.max() ?? 0 }
            return rows.map { row in
                row.enumerated().map { column, cell in
                    column == row.count - 1 || width(cell) >= widths[column]
                        ? cell : cell + String(repeating: " ", count: widths[column] - width(cell))
                }.joined(separator: "  ")
            }
        }
        var rows = [["VERSION", "NAME", "STATE", "DOWN", "APPLIED AT", "DURATION"]]
        for s in statuses {
            var state = s.state.rawValue
            if s.outOfOrder { state += " (out of order)" }
            let down = s.up == nil ? "-" : s.down == nil ? "none" : s.downIsEmpty ? "empty" : "yes"
            rows.append(
                [s.versionText, s.name, state, down, s.appliedAt ?? "-", s.executionMs.map { "\($0) ms" } ?? "-"].map(Output.cell))
        }
        if statuses.isEmpty && repeatable.isEmpty { return ["no migrations found"] }
        var table = statuses.isEmpty ? [] : aligned(rows)
        if !repeatable.isEmpty {
            let rows =
                [["REPEATABLE", "STATE", "APPLIED AT", "DURATION"]]
                + repeatable.map {
                    [$0.label, $0.state.rawValue, $0.appliedAt ?? "-", $0.executionMs.map { "\($0) ms" } ?? "-"].map(Output.cell)
                }
            table += (table.isEmpty ? [] : [""]) + aligned(rows)
        }
        var notes: [String] = []
        for s in statuses {
            if let note = s.note { notes.append("note: \(s.label): \(note)") }
            if let holder = s.runningNow { notes.append("note: \(s.label): being applied or rolled back now by \(holder)") }
        }
        return (table + (notes.isEmpty ? [] : [""] + notes)).map { $0.escapingOutputControls() }
    }

    /// What StatusReport.json was, with JSONEncoder.
    private static func encoded(_ statuses: [MigrationStatus], _ repeatable: [RepeatableStatus]) throws -> String {
        struct Entry: Encodable {
            let version: MigrationVersion
            let versionText: String
            let name: String
            let state: String
            let appliedAt: String?
            let executionMs: Int?
            let outOfOrder: Bool
            let up: Section?
            let down: Down?
            let note: String?
            let runningNow: String?
        }
        struct Section: Encodable {
            let file: String
            let firstLine: Int
            let lastLine: Int
            let transactional: Bool
            let wrapped: Bool
        }
        struct Down: Encodable {
            let file: String
            let firstLine: Int
            let lastLine: Int
            let empty: Bool
        }
        struct Repeatable: Encodable {
            let name: String
            let state: String
            let appliedAt: String?
            let executionMs: Int?
            let file: String?
        }
        struct Report: Encodable {
            let migrations: [Entry]
            let repeatable: [Repeatable]?
        }
        let report = Report(
            migrations: try statuses.map { s in
                Entry(
                    version: s.version, versionText: s.versionText, name: s.name, state: s.state.rawValue, appliedAt: s.appliedAt,
                    executionMs: s.executionMs, outOfOrder: s.outOfOrder,
                    up: try s.up.map {
                        let summary = try $0.summary()
                        return Section(
                            file: summary.file, firstLine: summary.firstLine, lastLine: summary.lastLine,
                            transactional: summary.transactional, wrapped: summary.wrapped)
                    },
                    down: try s.down.map {
                        Down(file: $0.file, firstLine: $0.firstLine, lastLine: try $0.loaded().lastLine, empty: s.downIsEmpty)
                    },
                    note: s.note, runningNow: s.runningNow)
            },
            repeatable: repeatable.isEmpty
                ? nil
                : repeatable.map {
                    Repeatable(
                        name: $0.label, state: $0.state.rawValue, appliedAt: $0.appliedAt, executionMs: $0.executionMs, file: $0.file)
                })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}
