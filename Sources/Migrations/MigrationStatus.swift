/// Where one version stands: its file compared with its history record.
public struct MigrationStatus: Equatable {
    public enum State: String, Sendable, CaseIterable {
        case applied
        case pending
        /// Its up or down section started outside a transaction and was never recorded as finished.
        case running
        /// Applied, but its file's up SQL has changed since.
        case checksumChanged = "checksum changed"
        /// Recorded in the history, but no file has its version.
        case fileMissing = "file missing"
    }

    public var version: MigrationVersion
    /// The version as the file name spells it; as recorded when there is no file.
    public var versionText: String
    public var name: String
    public var state: State
    public var appliedAt: String?
    public var executionMs: Int?
    /// A pending migration older than the newest one already recorded.
    public var outOfOrder: Bool
    /// The file's up section; nil when the file is missing.
    public var up: SQLSection? = nil
    /// The file's down section; nil when there is none (`down` refuses) or the file is missing.
    public var down: SQLSection? = nil
    /// The down is empty or only comments: `down` records the rollback and runs nothing.
    public var downIsEmpty = false
    /// What `status` says about the files beside the state, such as a down file named unlike its up file.
    public var note: String? = nil
    /// For a running migration: the migrator session that holds the migration lock now, so the migration
    /// is being applied or rolled back at this moment rather than left behind by a migrator that stopped.
    public var runningNow: String? = nil
    /// The layout of its file, or of the directory when the file is missing.
    public var layout: MigrationLayout? = nil

    /// The migration as its file is named: "0002_touch_fn", "V1.1__add_index".
    public var label: String { Migration.label(versionText, name, layout) }

    /// Joins files and history, ordered by version: one walk along both, which are in version order
    /// (records that are not are sorted first), so nothing is hashed and nothing sorted afterwards.
    static func compute(migrations files: [Migration], records unordered: [HistoryRecord]) -> [MigrationStatus] {
        let records = unordered.inVersionOrder
        let migrations = files.inVersionOrder
        let newestRecorded = records.last?.version
        var out: [MigrationStatus] = []
        out.reserveCapacity(migrations.count + records.count)
        // A history row without its file is named as the directory's files are.
        let layout = migrations.first?.layout
        func fileless(_ r: HistoryRecord) -> MigrationStatus {
            MigrationStatus(
                version: r.version, versionText: r.version.text, name: r.name,
                state: r.state == .running ? .running : .fileMissing,
                appliedAt: r.appliedAt, executionMs: r.executionMs, outOfOrder: false, layout: layout)
        }
        var next = 0
        for i in migrations.indices {
            while next < records.count && records[next].version < migrations[i].version {
                out.append(fileless(records[next]))
                next += 1
            }
            let m = migrations[i]
            if next < records.count && records[next].version == m.version {
                let state: State =
                    records[next].state == .running
                    ? .running : (m.matches(checksum: records[next].checksum) ? .applied : .checksumChanged)
                out.append(
                    MigrationStatus(
                        version: m.version, versionText: m.versionText, name: m.name, state: state,
                        appliedAt: records[next].appliedAt, executionMs: records[next].executionMs, outOfOrder: false, up: m.up,
                        down: m.down, downIsEmpty: m.downIsEmpty, note: m.note, layout: m.layout))
                next += 1
            } else {
                out.append(
                    MigrationStatus(
                        version: m.version, versionText: m.versionText, name: m.name, state: .pending,
                        appliedAt: nil, executionMs: nil, outOfOrder: newestRecorded.map { m.version < $0 } ?? false, up: m.up,
                        down: m.down,
                        downIsEmpty: m.downIsEmpty, note: m.note, layout: m.layout))
            }
        }
        for r in records[next...] { out.append(fileless(r)) }
        return out
    }
}
