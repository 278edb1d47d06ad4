import FoundationEssentials
import Migrations

/// `migrator status` output: an aligned table, or JSON.
enum StatusReport {
    static func table(_ statuses: [MigrationStatus]) -> String {
        let header = ["VERSION", "NAME", "STATE", "APPLIED AT", "DURATION"]
        var rows = [header]
        for s in statuses {
            var state = s.state.rawValue
            if s.outOfOrder { state += " (out of order)" }
            rows.append([s.versionText, s.name, state, s.appliedAt ?? "-", s.executionMs.map { "\($0) ms" } ?? "-"])
        }
        if statuses.isEmpty { return "no migrations found" }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        let table = rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(to: widths[column])
            }.joined(separator: "  ")
        }
        let notes = statuses.compactMap { s in s.note.map { "note: \(s.label): \($0)" } }
        return (table + (notes.isEmpty ? [] : [""] + notes)).joined(separator: "\n")
    }

    static func json(_ statuses: [MigrationStatus]) -> String {
        struct Entry: Encodable {
            let version: Int64
            let name: String
            let state: String
            let appliedAt: String?
            let executionMs: Int?
            let outOfOrder: Bool
            let up: Section?
            let note: String?
        }
        /// Where the up SQL sits, so CI can lint exactly what `up` will run.
        struct Section: Encodable {
            let file: String
            let firstLine: Int
            let lastLine: Int
            let transactional: Bool
        }
        struct Report: Encodable { let migrations: [Entry] }
        let report = Report(migrations: statuses.map {
            Entry(version: $0.version, name: $0.name, state: $0.state.rawValue, appliedAt: $0.appliedAt,
                  executionMs: $0.executionMs, outOfOrder: $0.outOfOrder,
                  up: $0.up.map { Section(file: $0.file, firstLine: $0.firstLine, lastLine: $0.lastLine, transactional: $0.transactional) },
                  note: $0.note)
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(report)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
