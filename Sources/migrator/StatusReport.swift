import FoundationEssentials
import Migrations

/// `migrator status` output: an aligned table, or JSON.
enum StatusReport {
    /// The table as text, every line ending in a newline. Names and times come from files and the history
    /// table, so cells are escaped before the columns are measured.
    static func table(_ statuses: [MigrationStatus], _ repeatable: [RepeatableStatus] = []) -> [UInt8] {
        if statuses.isEmpty && repeatable.isEmpty { return Array("no migrations found\n".utf8) }
        var out: [UInt8] = []
        if !statuses.isEmpty {
            var rows = TextTable(header: ["VERSION", "NAME", "STATE", "DOWN", "APPLIED AT", "DURATION"])
            for s in statuses {
                var state = s.state.rawValue
                if s.outOfOrder { state += " (out of order)" }
                // What `down` does with it: runs its SQL, runs nothing (an empty down), or refuses (none).
                let down = s.up == nil ? "-" : s.down == nil ? "none" : s.downIsEmpty ? "empty" : "yes"
                rows.append([s.versionText, s.name, state, down, s.appliedAt ?? "-", s.executionMs.map { "\($0) ms" } ?? "-"])
            }
            rows.write(to: &out)
        }
        if !repeatable.isEmpty {
            if !out.isEmpty { out.append(UInt8(ascii: "\n")) }
            var rows = TextTable(header: ["REPEATABLE", "STATE", "APPLIED AT", "DURATION"])
            for r in repeatable {
                rows.append([r.label, r.state.rawValue, r.appliedAt ?? "-", r.executionMs.map { "\($0) ms" } ?? "-"])
            }
            rows.write(to: &out)
        }
        var notes: [String] = []
        for s in statuses {
            if let note = s.note { notes.append("note: \(s.label): \(note)") }
            if let holder = s.runningNow { notes.append("note: \(s.label): being applied or rolled back now by \(holder)") }
        }
        if !notes.isEmpty { out.append(UInt8(ascii: "\n")) }
        for note in notes {
            out.append(contentsOf: note.escapingOutputControls().utf8)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    static func json(_ statuses: [MigrationStatus], _ repeatable: [RepeatableStatus] = []) throws -> String {
        struct Entry: Encodable {
            let version: Int64
            let name: String
            let state: String
            let appliedAt: String?
            let executionMs: Int?
            let outOfOrder: Bool
            let up: Section?
            /// Absent when there is no down (`down` refuses it) or no file.
            let down: Down?
            let note: String?
            /// For a running migration whose migrator holds the lock now: that session.
            let runningNow: String?
        }
        /// Where the up SQL sits, so CI can lint exactly what `up` will run, and how `up` runs it.
        struct Section: Encodable {
            let file: String
            let firstLine: Int
            let lastLine: Int
            /// Whether it runs in a transaction: decided from its SQL as `up` decides it, not from the directive alone.
            let transactional: Bool
            /// Its own BEGIN … COMMIT is the transaction it runs in (a linter must not assume another around it).
            let wrapped: Bool

            init(_ section: SectionSummary) {
                file = section.file
                firstLine = section.firstLine
                lastLine = section.lastLine
                transactional = section.transactional
                wrapped = section.wrapped
            }
        }
        /// Where the down SQL sits, and whether it is empty (rolling back runs nothing and records it).
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
            /// Left out when there are none, so the output of projects without them stays as it was.
            let repeatable: [Repeatable]?
        }
        let report = Report(
            migrations: try statuses.map { s in
                Entry(
                    version: s.version, name: s.name, state: s.state.rawValue, appliedAt: s.appliedAt,
                    executionMs: s.executionMs, outOfOrder: s.outOfOrder,
                    up: try s.up.map { Section(try $0.summary()) },
                    // A down let go after reading is read again for its last line.
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
        return String(decoding: (try? encoder.encode(report)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
