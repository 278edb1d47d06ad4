/// Where every migration stands: versioned ones by version, repeatable ones by name.
public struct MigrationReport {
    public var versioned: [MigrationStatus]
    public var repeatable: [RepeatableStatus]
}

extension Migrator {
    public func status() throws -> [MigrationStatus] {
        try report().versioned
    }

    public func report() throws -> MigrationReport {
        let load = { () throws -> ([Migration], [RepeatableMigration]) in (try self.migrations(), try self.repeatableMigrations()) }
        return try withStore(locked: false, whileConnecting: load) { files, store in
            let (all, repeatables) = files
            let records = try store.records()
            if records.isEmpty { try refuseUnadoptedHistory(store) }
            // A database that never ran one has no table to read; skip the catalog query then.
            let repeatRecords = records.isEmpty && repeatables.isEmpty ? [] : try store.repeatableRecords()
            var statuses = MigrationStatus.compute(migrations: all, records: records)
            // A migration recorded running while another migrator holds the lock is in progress, not left behind.
            if statuses.contains(where: { $0.state == .running }),
                let holder = try store.migrationLockHolder()
            {
                for i in statuses.indices where statuses[i].state == .running { statuses[i].runningNow = holder }
            }
            return MigrationReport(versioned: statuses, repeatable: RepeatableStatus.compute(repeatables, records: repeatRecords))
        }
    }

    /// Throws `.drift` listing every drift: changed or missing files, migrations left running,
    /// out-of-order pending migrations.
    public func validate() throws {
        let report = try report()
        let (statuses, repeatable) = (report.versioned, report.repeatable)
        let drift = Drift.all(in: statuses)
        for s in statuses where s.state == .running {
            if let holder = s.runningNow { log("\(s.label): being applied or rolled back now by \(holder); not drift") }
        }
        guard drift.isEmpty else { throw MigratorError.drift(drift) }
        // An edited repeatable is not drift: it is meant to change, and `up` runs it again.
        let due = repeatable.filter { $0.state == .pending || $0.state == .changed }.count
        log(
            "valid: \(statuses.filter { $0.state == .applied }.count) applied, \(statuses.filter { $0.state == .pending }.count) pending"
                + (repeatable.isEmpty ? "" : "; repeatable: \(repeatable.count - due) current, \(due) to apply"))
    }
}

extension Drift {
    /// Every drift, in version order. A migration recorded running while its migrator holds the lock is
    /// in progress, not drift.
    static func all(in statuses: [MigrationStatus]) -> [Drift] {
        statuses.compactMap { s in
            switch s.state {
            case .checksumChanged: return .checksumChanged(label: s.label)
            case .fileMissing: return .fileMissing(label: s.label)
            case .running where s.runningNow == nil: return .leftRunning(label: s.label)
            case .pending where s.outOfOrder: return .outOfOrder(label: s.label)
            default: return nil
            }
        }
    }
}
