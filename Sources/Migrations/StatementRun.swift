import Postgres

/// Runs a section statement by statement outside the migrator's transaction, and when one fails, works
/// out what took effect: exactly the statements that were committed, i.e. after which the session was
/// not inside a transaction block (the file's own BEGIN … COMMIT blocks commit as a whole, or not at all).
struct StatementRun {
    var statement: SQLStatement
    var error: PostgresError
    /// Whether anything the section ran was committed before the failure (or the failing statement may
    /// have left something behind, as a failed CREATE INDEX CONCURRENTLY leaves an INVALID index).
    var tookEffect: Bool
    /// 1-based line (within the section) of the first statement that did not take effect.
    var firstUncommittedLine: Int?
    /// The failure happened inside a transaction block the SQL had opened; it was rolled back.
    var rolledBackOpenTransaction: Bool
    var mayLeaveInvalidIndex: Bool
    /// What the failing statement is, when PostgreSQL refuses it in a transaction block ("REINDEX CONCURRENTLY").
    var statementKind: String?

    /// What took effect, with the line counted in the file, whose section starts at `firstLine`.
    func statementsRun(firstLine: Int) -> MigrationFailure.StatementsRun {
        MigrationFailure.StatementsRun(
            firstUncommittedLine: firstUncommittedLine.map { firstLine + $0 - 1 }, rolledBackOpenTransaction: rolledBackOpenTransaction)
    }

    /// Nil when every statement succeeded. The statements are read one at a time as they run.
    static func run(_ statements: SQLStatements, db: Connection) throws -> StatementRun? {
        var committedSome = false
        /// The line of the statement after the last one committed.
        var firstUncommittedLine: Int?
        var afterCommit = false
        for statement in statements {
            if afterCommit { firstUncommittedLine = statement.line }
            afterCommit = false
            let wasIdle = db.transactionStatus == .idle
            do {
                try statement.withCString { _ = try db.exec(cString: $0) }
            } catch let error as PostgresError {
                let status = db.transactionStatus
                let open = status == .inTransaction || status == .failedTransaction
                if open { _ = try? db.exec("ROLLBACK") }
                // A lost connection takes a block the SQL had opened with it; without one, nothing was open.
                let rolledBack = open || (!wasIdle && status == .unknown)
                let kind = wasIdle ? TransactionBlockRules.refusedStatement(statement) : nil
                let invalidIndex = kind?.contains("CONCURRENTLY") ?? false
                return StatementRun(
                    statement: statement, error: error,
                    tookEffect: committedSome || invalidIndex,
                    firstUncommittedLine: committedSome ? firstUncommittedLine : nil,
                    rolledBackOpenTransaction: rolledBack, mayLeaveInvalidIndex: invalidIndex, statementKind: kind)
            }
            if db.transactionStatus == .idle {
                committedSome = true
                afterCommit = true
            }
        }
        return nil
    }
}
