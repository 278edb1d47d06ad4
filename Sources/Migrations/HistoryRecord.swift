/// One row of the history table.
public struct HistoryRecord: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Applied and committed.
        case applied
        /// A migration's up or down section started outside a transaction and has not been recorded as
        /// finished: some of its statements may have taken effect.
        case running
    }

    public var version: MigrationVersion
    public var name: String
    public var checksum: String
    public var state: State
    /// ISO 8601, as the server formats it.
    public var appliedAt: String
    public var executionMs: Int
    public var appliedBy: String
}

extension HistoryRecord {
    /// `records` in version order: as given when they already are (the history table's usual order,
    /// checked without copying a record), else sorted.
    static func inVersionOrder(_ records: [HistoryRecord]) -> [HistoryRecord] {
        for i in records.indices.dropFirst() where !(records[i - 1].version < records[i].version) {
            return records.sorted { $0.version < $1.version }
        }
        return records
    }
}
