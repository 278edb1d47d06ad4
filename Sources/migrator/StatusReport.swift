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
            // Each status read in place: copying it (and its sections) for the loop cost a third of the table.
            for i in statuses.indices {
                var state = statuses[i].state.rawValue
                if statuses[i].outOfOrder { state += " (out of order)" }
                // What `down` does with it: runs its SQL, runs nothing (an empty down), or refuses (none).
                let down = statuses[i].up == nil ? "-" : statuses[i].down == nil ? "none" : statuses[i].downIsEmpty ? "empty" : "yes"
                rows.append([
                    statuses[i].versionText, statuses[i].name, state, down, statuses[i].appliedAt ?? "-",
                    statuses[i].executionMs.map { "\($0) ms" } ?? "-",
                ])
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

    /// One JSON document (see `migrator status --help`): its keys sorted, nil values left out, as
    /// JSONEncoder wrote it before (`JSONText`).
    static func json(_ statuses: [MigrationStatus], _ repeatable: [RepeatableStatus] = []) throws -> String {
        var json = JSONText()
        try json.object { report in
            try report.array("migrations", statuses) { entries, s in
                // Where the up SQL sits, so CI can lint exactly what `up` will run, and how `up` runs it.
                let up = try s.up.map { try $0.summary() }
                // A down let go after reading is read again for its last line.
                let downLastLine = try s.down.map { try $0.loaded().lastLine }
                entries.object { entry in
                    entry.string("appliedAt", s.appliedAt)
                    // Absent when there is no down (`down` refuses it) or no file.
                    if let down = s.down, let downLastLine {
                        entry.object("down") { d in
                            // Whether it is empty: rolling back runs nothing and records it.
                            d.bool("empty", s.downIsEmpty)
                            d.string("file", down.file)
                            d.number("firstLine", down.firstLine)
                            d.number("lastLine", downLastLine)
                        }
                    }
                    entry.number("executionMs", s.executionMs)
                    entry.string("name", s.name)
                    entry.string("note", s.note)
                    entry.bool("outOfOrder", s.outOfOrder)
                    // For a running migration whose migrator holds the lock now: that session.
                    entry.string("runningNow", s.runningNow)
                    entry.string("state", s.state.rawValue)
                    if let up {
                        entry.object("up") { u in
                            u.string("file", up.file)
                            u.number("firstLine", up.firstLine)
                            u.number("lastLine", up.lastLine)
                            // Whether it runs in a transaction: decided from its SQL as `up` decides it, not
                            // from the directive alone.
                            u.bool("transactional", up.transactional)
                            // Its own BEGIN … COMMIT is the transaction it runs in (a linter must not assume
                            // another around it).
                            u.bool("wrapped", up.wrapped)
                        }
                    }
                    // A number, as always, unless the version is Flyway's dotted one: then its text.
                    if let number = s.version.number, s.versionText.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                        entry.number("version", number)
                    } else {
                        entry.string("version", s.versionText)
                    }
                    entry.string("versionText", s.versionText)
                }
            }
            // Left out when there are none, so the output of projects without them stays as it was.
            if !repeatable.isEmpty {
                report.array("repeatable", repeatable) { entries, r in
                    entries.object { entry in
                        entry.string("appliedAt", r.appliedAt)
                        entry.number("executionMs", r.executionMs)
                        entry.string("file", r.file)
                        entry.string("name", r.label)
                        entry.string("state", r.state.rawValue)
                    }
                }
            }
        }
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
