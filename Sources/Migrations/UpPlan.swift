/// What `up` would do, from the files and the history alone: which migrations it applies, in order, and
/// which repeatable ones; or why it refuses. Computed before anything runs, and without a database, so it
/// is tested on its own.
struct UpPlan {
    /// The pending migrations to apply, oldest first.
    var migrations: [Migration]
    /// The repeatable migrations that are new or changed, by name; none when `target` stops short.
    var repeatables: [RepeatableMigration]
    /// Applied migrations with no file here (a newer release's, or removed), by label.
    var fileless: [String]
    /// `target` is older than the newest migration, so repeatables are left alone.
    var stopsShort: Bool

    var isEmpty: Bool { migrations.isEmpty && repeatables.isEmpty }

    /// Throws `.refused` with every refusal: migrations left running or being applied, changed files,
    /// and (unless allowed) pending migrations older than the newest applied one. `repeatableRecords` is
    /// read only when repeatables can run.
    init(
        migrations all: [Migration], records: [HistoryRecord], target: MigrationVersion?, allowOutOfOrder: Bool,
        repeatables: [RepeatableMigration], repeatableRecords: () throws -> [RepeatableHistory.Record]
    ) throws {
        if let settled = Self.settled(all, records: records, target: target, allowOutOfOrder: allowOutOfOrder) {
            (migrations, fileless) = settled
        } else {
            let statuses = MigrationStatus.compute(migrations: all, records: records)
            var refusals = statuses.compactMap { Refusal($0, all: all) }
            let pending = statuses.filter { $0.state == .pending && (target == nil || $0.version <= target!) }
            if !allowOutOfOrder {
                refusals += pending.filter(\.outOfOrder).map { .outOfOrder(label: $0.label) }
            }
            guard refusals.isEmpty else { throw MigratorError.refused(refusals) }
            fileless = statuses.filter { $0.state == .fileMissing }.map(\.label)
            let byVersion = Dictionary(uniqueKeysWithValues: all.map { ($0.version, $0) })
            migrations = pending.map { byVersion[$0.version]! }
        }
        // Repeatables follow the newest schema, so a run that stops short of it leaves them alone.
        stopsShort = target.map { t in all.contains { $0.version > t } } ?? false
        self.repeatables =
            stopsShort || repeatables.isEmpty
            ? []
            : RepeatableStatus.compute(repeatables, records: try repeatableRecords())
                .filter { $0.state == .pending || $0.state == .changed }
                .compactMap { s in repeatables.first { $0.name == s.name } }
    }

    /// The usual case, without a `MigrationStatus` per migration (a no-op `up` over a thousand applied
    /// ones spent a tenth of its instructions building and sorting them): every record is applied, and
    /// every one with a file still has its checksum. Nil when some record is running or changed, or a
    /// pending migration is out of order, and the full comparison decides what to refuse. One walk along
    /// the files and the records, both in version order (`all` as `MigrationSource` returns it).
    private static func settled(
        _ all: [Migration], records unordered: [HistoryRecord], target: MigrationVersion?, allowOutOfOrder: Bool
    ) -> (pending: [Migration], fileless: [String])? {
        let records = unordered.inVersionOrder
        let newestRecorded = records.last?.version
        // A record without a file is named as the directory's files are.
        let layout = all.first?.layout
        var pending: [Migration] = []
        var fileless: [String] = []
        var next = 0
        for i in all.indices {
            while next < records.count && records[next].version < all[i].version {
                guard records[next].state == .applied else { return nil }
                fileless.append(Migration.label(records[next].version.text, records[next].name, layout))
                next += 1
            }
            if next < records.count && records[next].version == all[i].version {
                guard records[next].state == .applied, all[i].matches(checksum: records[next].checksum) else { return nil }
                next += 1
            } else if target.map({ all[i].version <= $0 }) ?? true {
                if !allowOutOfOrder, let newestRecorded, all[i].version < newestRecorded { return nil }
                pending.append(all[i])
            }
        }
        for r in records[next...] {
            guard r.state == .applied else { return nil }
            fileless.append(Migration.label(r.version.text, r.name, layout))
        }
        return (pending, fileless)
    }
}
