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

extension HistoryRecord: VersionOrdered {}
