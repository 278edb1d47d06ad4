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
        // Repeatables follow the newest schema, so a run that stops short of it leaves them alone.
        stopsShort = target.map { t in all.contains { $0.version > t } } ?? false
        self.repeatables =
            stopsShort || repeatables.isEmpty
            ? []
            : RepeatableStatus.compute(repeatables, records: try repeatableRecords())
                .filter { $0.state == .pending || $0.state == .changed }
                .compactMap { s in repeatables.first { $0.name == s.name } }
    }
}
