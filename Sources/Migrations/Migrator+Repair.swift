/// The commands that change only the history: the decisions are the store's contract alone, so the
/// tests run them against `MemoryStore` as well as PostgreSQL.
extension Migrator {
    /// Records every migration up to `version` as applied without running it.
    @discardableResult
    public func baseline(version: MigrationVersion) throws -> [Migration] {
        let load = { () throws -> [Migration] in
            let all = try self.migrations()
            try Self.requireKnown(version, among: all.map(\.version), option: .migration)
            return all
        }
        return try withStore(locked: true, whileConnecting: load) { all, history in
            try history.createHistory()
            let records = try history.records()
            // Recording over a migration left running would hide it; it needs a person and `repair` first.
            if let running = records.first(where: { $0.state == .running && $0.version <= version }) {
                throw Self.leftRunning(running, all: all)
            }
            let recorded = Set(records.map(\.version))
            let chosen = all.filter { $0.version <= version && !recorded.contains($0.version) }
            try history.transaction(failed: { .database("baseline failed; nothing was recorded", $0) }) {
                for m in chosen {
                    try history.insert(m, state: .applied, executionMs: 0, appliedBy: "baseline by " + history.appliedBy)
                    log("baselined \(m.label) (recorded as applied, not run)")
                }
            }
            if chosen.isEmpty { log("nothing to baseline: every migration up to \(version) is already recorded") }
            return chosen
        }
    }

    public func repair(version: MigrationVersion, action: RepairAction) throws {
        try withStore(locked: true, whileConnecting: migrations) { all, history in
            let records = try history.records()
            try Self.requireKnown(version, among: all.map(\.version) + records.map(\.version), option: .migration)
            let record = records.first { $0.version == version }
            let file = all.first { $0.version == version }
            switch action {
            case .markApplied, .markPending:
                guard let record, record.state == .running else { throw MigratorError.repairRefused(.notLeftRunning(version)) }
                if action == .markApplied {
                    try history.markApplied(version, executionMs: record.executionMs)
                    if let file { try history.updateChecksum(version, to: file.checksum) }
                    log(
                        "repaired \(file?.label ?? Migration.label(record.version.text, record.name, all.first?.layout)): recorded as applied; its SQL was not run again"
                    )
                } else {
                    try history.delete(version)
                    log(
                        "repaired \(file?.label ?? Migration.label(record.version.text, record.name, all.first?.layout)): removed from the history; the next `up` runs it again"
                    )
                }
            case .acceptChecksum:
                guard let record, record.state == .applied else { throw MigratorError.repairRefused(.notApplied(version)) }
                guard let file else { throw MigratorError.repairRefused(.noFile(version)) }
                guard !file.matches(checksum: record.checksum) else {
                    log("migration \(file.label) is unchanged; nothing to repair")
                    return
                }
                try history.updateChecksum(version, to: file.checksum)
                log("repaired \(file.label): accepted the edited file's checksum \(file.checksum.prefix(12)); its SQL was not run again")
            }
        }
    }
}
