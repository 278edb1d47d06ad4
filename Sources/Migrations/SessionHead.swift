import Postgres

/// What a command asks its session first, asked on the thread that opened it while the command is still
/// reading the migration files (`DatabaseSession.start(_:then:)`): the history table's name and, for a
/// command that locks, the migration lock, then the history's records. With a thousand migrations the
/// files take longer to read than the session to open, so these round trips cost no time of their own.
///
/// Only reads, and only what cannot go otherwise: it takes the lock on the first try or not at all (the
/// command waits for it, with its messages), leaves a history table of an earlier release for the command
/// to upgrade (which it logs), and leaves whatever failed for the command to ask again, so that every
/// error is met, and worded, where it always was. A session of bad files is closed unused, lock and all.
struct SessionHead {
    let history: HistoryTable
    /// The migration lock was taken; the command releases it.
    let locked: Bool
    /// Nil when they are left to the command. Read under the lock when `locked`.
    let records: [HistoryRecord]?
    /// For a command that does not lock and finds records: the repeatable migrations' history, which
    /// `status` then always reads.
    let repeatableRecords: [RepeatableHistory.Record]?

    static func read(_ db: Connection, _ config: MigratorConfig, locking: Bool) -> SessionHead? {
        guard let history = try? HistoryTable(connection: db, schema: config.schema, table: config.table) else { return nil }
        guard locking else {
            let records = try? history.records()
            let repeatable = records.map(\.isEmpty) == false ? try? RepeatableHistory(history).records() : nil
            return SessionHead(history: history, locked: false, records: records, repeatableRecords: repeatable)
        }
        guard (try? MigrationLock(connection: db, history: history).tryOnce()) == true else {
            return SessionHead(history: history, locked: false, records: nil, repeatableRecords: nil)
        }
        let current = (try? history.needsUpgrade()) == false
        return SessionHead(history: history, locked: true, records: current ? try? history.records() : nil, repeatableRecords: nil)
    }
}
