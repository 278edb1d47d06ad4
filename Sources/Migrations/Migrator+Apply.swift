import Postgres
import System

/// Running one section: a migration's up or down, or a repeatable migration, with its history change.
extension Migrator {
    /// `up` is the migration's up section as it runs (placeholders substituted).
    func apply(_ m: Migration, _ up: SQLSection, db: Connection, history: HistoryTable) throws {
        let start = SystemClock.shared.now()
        let plan = ExecutionPlan(up)
        if let note = plan.note { log("\(m.label) \(note)") }
        switch plan.mode {
        case .transaction(let begin, let body):
            // The whole section goes as one simple query, so DO blocks and function bodies need no splitting;
            // the history row commits with it or not at all.
            try transaction(
                db, begin: begin, failed: { .database("recording \(m.label) in the history failed; the migration was rolled back", $0) }
            ) {
                try runInTransaction(body, m.label, up, db: db)
                // The history row is written as the migrator's own role and settings, not the migration's.
                try DatabaseSession.reset(db, config, after: up)
                try history.insert(m, state: .applied, executionMs: SystemClock.shared.milliseconds(since: start), appliedBy: appliedBy(db))
            }
        case .statements(let statements):
            try history.insert(m, state: .running, executionMs: 0, appliedBy: appliedBy(db))
            if let stop = try StatementRun.run(statements, db: db) {
                let aftermath: MigrationFailure.Aftermath
                if !stop.tookEffect {
                    // Nothing it ran was committed, so nothing of it took effect: no history row either.
                    try history.delete(m.version)
                    aftermath = .upUndone
                } else {
                    aftermath = .upPartial(
                        stop.statementsRun(firstLine: up.firstLine),
                        invalidIndex: stop.mayLeaveInvalidIndex ? stop.statementKind ?? "CONCURRENTLY statement" : nil)
                }
                throw failure(m, up, stop.error, offset: stop.statement.offset, statementLine: stop.statement.line, aftermath: aftermath)
            }
            try requireNoOpenTransaction(m, up, db: db, what: "the migration", aftermath: .upLeftTransactionOpen)
            try DatabaseSession.reset(db, config, after: up)
            try history.markApplied(m.version, executionMs: SystemClock.shared.milliseconds(since: start))
        }
        log("applied \(m.label) (\(SystemClock.shared.milliseconds(since: start)) ms)")
    }

    func rollBack(_ m: Migration, _ down: SQLSection, db: Connection, history: HistoryTable) throws {
        let start = SystemClock.shared.now()
        let plan = ExecutionPlan(down)
        if let note = plan.note { log("\(m.label) (down) \(note)") }
        switch plan.mode {
        case .transaction(let begin, let body):
            try transaction(
                db, begin: begin,
                failed: { .database("recording the rollback of \(m.label) in the history failed; the rollback was undone", $0) }
            ) {
                try runInTransaction(body, m.label, down, db: db)
                try DatabaseSession.reset(db, config, after: down)
                try history.delete(m.version)
            }
        case .statements(let statements):
            // Marked first, as `up` inserts its row first: a failure or a kill halfway leaves a migration
            // that is neither applied nor rolled back, and `up`, `down` and `validate` must not take it for applied.
            try history.setState(m.version, .running)
            if let stop = try StatementRun.run(statements, db: db) {
                let aftermath: MigrationFailure.Aftermath
                if !stop.tookEffect {
                    try history.setState(m.version, .applied)
                    aftermath = .downUndone
                } else {
                    aftermath = .downPartial(stop.statementsRun(firstLine: down.firstLine))
                }
                throw failure(m, down, stop.error, offset: stop.statement.offset, statementLine: stop.statement.line, aftermath: aftermath)
            }
            try requireNoOpenTransaction(m, down, db: db, what: "the down migration", aftermath: .downLeftTransactionOpen)
            try DatabaseSession.reset(db, config, after: down)
            try history.delete(m.version)
        }
        log("rolled back \(m.label) (\(SystemClock.shared.milliseconds(since: start)) ms)")
    }

    /// Runs a repeatable migration and records its checksum in one transaction.
    func applyRepeatable(
        _ r: RepeatableMigration, _ section: SQLSection, begin: String, body: Range<Int>,
        db: Connection, history: RepeatableHistory
    ) throws {
        let start = SystemClock.shared.now()
        try transaction(
            db, begin: begin, failed: { .database("recording \(r.label) in \(history.table) failed; the migration was rolled back", $0) }
        ) {
            try runInTransaction(body, r.label, section, db: db)
            try DatabaseSession.reset(db, config, after: section)
            try history.record(r, executionMs: SystemClock.shared.milliseconds(since: start), appliedBy: appliedBy(db))
        }
        log("applied repeatable \(r.label) (\(SystemClock.shared.milliseconds(since: start)) ms)")
    }

    /// Runs the bytes `body` of a section inside the open transaction (as one query, or in `QueryChunks` when
    /// large); on failure rolls it back and names the statement that failed: the character the server points
    /// at, or else the statement's first line.
    private func runInTransaction(_ body: Range<Int>, _ label: String, _ section: SQLSection, db: Connection) throws {
        for chunk in QueryChunks(section: section, body: body) {
            do {
                try section.withCString(chunk) { _ = try db.exec(cString: $0) }
            } catch let error as PostgresError {
                _ = try? db.exec("ROLLBACK")
                // Split only now, on the text the server ran: its statements are the results it answered with.
                let line =
                    error.position == nil
                    ? error.statementIndex.flatMap { index in SQLStatements(section, part: chunk).dropFirst(index).first { _ in true }?.line
                    }
                    : nil
                throw failure(
                    label, nil, section, error, offset: section.codePoints(before: chunk.lowerBound), statementLine: line, aftermath: nil)
            }
        }
    }

    /// After a section run outside a transaction: a BEGIN without its COMMIT would be rolled back when the
    /// session ends, together with the history update, so it must not be reported as done.
    private func requireNoOpenTransaction(
        _ m: Migration, _ section: SQLSection, db: Connection, what: String, aftermath: MigrationFailure.Aftermath
    ) throws {
        guard db.transactionStatus != .idle else { return }
        _ = try? db.exec("ROLLBACK")
        let error = PostgresError(kind: .query, message: "\(what) leaves a transaction open (a BEGIN without its COMMIT)")
        throw failure(m, section, error, offset: 0, statementLine: nil, aftermath: aftermath)
    }

    private func failure(
        _ m: Migration, _ section: SQLSection, _ error: PostgresError, offset: Int, statementLine: Int?,
        aftermath: MigrationFailure.Aftermath
    ) -> MigratorError {
        failure(m.label, m.version, section, error, offset: offset, statementLine: statementLine, aftermath: aftermath)
    }

    private func failure(
        _ label: String, _ version: MigrationVersion?, _ section: SQLSection, _ error: PostgresError, offset: Int,
        statementLine: Int?, aftermath: MigrationFailure.Aftermath?
    ) -> MigratorError {
        var line: Int?
        var column: Int?
        if let position = error.position {
            let location = section.location(ofCharacter: position, offset: offset)
            line = location.line
            column = location.column
        } else if let statementLine {
            line = section.firstLine + statementLine - 1
        }
        // The server may quote the SQL it ran, secret values included.
        var error = error
        let placeholders = config.placeholders
        error.message = placeholders.redacting(error.message)
        error.detail = error.detail.map(placeholders.redacting)
        error.hint = error.hint.map(placeholders.redacting)
        return .migrationFailed(
            MigrationFailure(
                migration: label, version: version, file: section.file, line: line, column: column,
                error: error, aftermath: aftermath))
    }
}
