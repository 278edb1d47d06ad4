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

    /// Joins files and history, ordered by version.
    static func compute(migrations: [Migration], records: [HistoryRecord]) -> [MigrationStatus] {
        let byVersion = Dictionary(uniqueKeysWithValues: records.map { ($0.version, $0) })
        let newestRecorded = records.map(\.version).max()
        var out: [MigrationStatus] = []
        // A history row without its file is named as the directory's files are.
        let layout = migrations.first?.layout
        for m in migrations {
            if let r = byVersion[m.version] {
                let state: State = r.state == .running ? .running : (m.matches(checksum: r.checksum) ? .applied : .checksumChanged)
                out.append(
                    MigrationStatus(
                        version: m.version, versionText: m.versionText, name: m.name, state: state,
                        appliedAt: r.appliedAt, executionMs: r.executionMs, outOfOrder: false, up: m.up, down: m.down,
                        downIsEmpty: m.downIsEmpty, note: m.note, layout: m.layout))
            } else {
                out.append(
                    MigrationStatus(
                        version: m.version, versionText: m.versionText, name: m.name, state: .pending,
                        appliedAt: nil, executionMs: nil, outOfOrder: newestRecorded.map { m.version < $0 } ?? false, up: m.up,
                        down: m.down,
                        downIsEmpty: m.downIsEmpty, note: m.note, layout: m.layout))
            }
        }
        let files = Set(migrations.map(\.version))
        for r in records where !files.contains(r.version) {
            out.append(
                MigrationStatus(
                    version: r.version, versionText: r.version.text, name: r.name,
                    state: r.state == .running ? .running : .fileMissing,
                    appliedAt: r.appliedAt, executionMs: r.executionMs, outOfOrder: false, layout: layout))
        }
        return out.sorted { $0.version < $1.version }
    }
}
