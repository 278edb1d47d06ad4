import System

/// Running one section: a migration's up or down, or a repeatable migration, with its history change.
extension Migrator {
    /// `up` is the migration's up section as it runs (placeholders substituted).
    func apply(_ m: Migration, _ up: SQLSection, store: MigrationStore) throws {
        let start = SystemClock.shared.now()
        let plan = ExecutionPlan(up)
        if let note = plan.note { log("\(m.label) \(note)") }
        switch plan.mode {
        case .transaction(let begin, let body):
            // The whole section goes as one simple query, so DO blocks and function bodies need no splitting;
            // the history row commits with it or not at all.
            try store.transaction(
                begin: begin, failed: { .database("recording \(m.label) in the history failed; the migration was rolled back", $0) }
            ) {
                try runInTransaction(body, m.label, up, store: store)
                // The history row is written as the migrator's own role and settings, not the migration's.
                try store.resetSession(after: up)
                try store.insert(m, state: .applied, executionMs: SystemClock.shared.milliseconds(since: start), appliedBy: store.appliedBy)
            }
        case .statements(let statements):
            try store.insert(m, state: .running, executionMs: 0, appliedBy: store.appliedBy)
            if let stop = try store.runStatements(statements) {
                let aftermath: MigrationFailure.Aftermath
                if !stop.tookEffect {
                    // Nothing it ran was committed, so nothing of it took effect: no history row either.
                    try store.delete(m.version)
                    aftermath = .upUndone
                } else {
                    aftermath = .upPartial(
                        stop.statementsRun(firstLine: up.firstLine),
                        invalidIndex: stop.mayLeaveInvalidIndex ? stop.statementKind ?? "CONCURRENTLY statement" : nil)
                }
                throw failure(m, up, stop.error, offset: stop.statement.offset, statementLine: stop.statement.line, aftermath: aftermath)
            }
            try requireNoOpenTransaction(m, up, store: store, what: "the migration", aftermath: .upLeftTransactionOpen)
            try store.resetSession(after: up)
            try store.markApplied(m.version, executionMs: SystemClock.shared.milliseconds(since: start))
        }
        log("applied \(m.label) (\(SystemClock.shared.milliseconds(since: start)) ms)")
    }

    func rollBack(_ m: Migration, _ down: SQLSection, store: MigrationStore) throws {
        let start = SystemClock.shared.now()
        let plan = ExecutionPlan(down)
        if let note = plan.note { log("\(m.label) (down) \(note)") }
        switch plan.mode {
        case .transaction(let begin, let body):
            try store.transaction(
                begin: begin,
                failed: { .database("recording the rollback of \(m.label) in the history failed; the rollback was undone", $0) }
            ) {
                try runInTransaction(body, m.label, down, store: store)
                try store.resetSession(after: down)
                try store.delete(m.version)
            }
        case .statements(let statements):
            // Marked first, as `up` inserts its row first: a failure or a kill halfway leaves a migration
            // that is neither applied nor rolled back, and `up`, `down` and `validate` must not take it for applied.
            try store.setState(m.version, .running)
            if let stop = try store.runStatements(statements) {
                let aftermath: MigrationFailure.Aftermath
                if !stop.tookEffect {
                    try store.setState(m.version, .applied)
                    aftermath = .downUndone
                } else {
                    aftermath = .downPartial(stop.statementsRun(firstLine: down.firstLine))
                }
                throw failure(m, down, stop.error, offset: stop.statement.offset, statementLine: stop.statement.line, aftermath: aftermath)
            }
            try requireNoOpenTransaction(m, down, store: store, what: "the down migration", aftermath: .downLeftTransactionOpen)
            try store.resetSession(after: down)
            try store.delete(m.version)
        }
        log("rolled back \(m.label) (\(SystemClock.shared.milliseconds(since: start)) ms)")
    }

    /// Runs a repeatable migration and records its checksum in one transaction. `section` is its SQL as it
    /// runs, which `r` was planned on.
    func applyRepeatable(_ r: RunnableRepeatable, _ section: SQLSection, store: MigrationStore) throws {
        let start = SystemClock.shared.now()
        let label = r.migration.label
        try store.transaction(
            begin: r.begin,
            failed: { .database("recording \(label) in \(store.historyName)_repeatable failed; the migration was rolled back", $0) }
        ) {
            try runInTransaction(r.body, label, section, store: store)
            try store.resetSession(after: section)
            try store.recordRepeatable(r.migration, executionMs: SystemClock.shared.milliseconds(since: start), appliedBy: store.appliedBy)
        }
        log("applied repeatable \(label) (\(SystemClock.shared.milliseconds(since: start)) ms)")
    }

    /// Runs the bytes `body` of a section inside the open transaction (as one query, or in `QueryChunks` when
    /// large); on failure names the statement that failed: the character the server points at, or else the
    /// statement's first line. The store's `transaction` rolls it back.
    private func runInTransaction(_ body: Range<Int>, _ label: String, _ section: SQLSection, store: MigrationStore) throws {
        for chunk in QueryChunks(section: section, body: body) {
            do {
                try store.execute(section, bytes: chunk)
            } catch let error as StoreError {
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
        _ m: Migration, _ section: SQLSection, store: MigrationStore, what: String, aftermath: MigrationFailure.Aftermath
    ) throws {
        guard store.closeOpenTransaction() else { return }
        let error = StoreError(kind: .query, message: "\(what) leaves a transaction open (a BEGIN without its COMMIT)")
        throw failure(m, section, error, offset: 0, statementLine: nil, aftermath: aftermath)
    }

    private func failure(
        _ m: Migration, _ section: SQLSection, _ error: StoreError, offset: Int, statementLine: Int?,
        aftermath: MigrationFailure.Aftermath
    ) -> MigratorError {
        failure(m.label, m.version, section, error, offset: offset, statementLine: statementLine, aftermath: aftermath)
    }

    private func failure(
        _ label: String, _ version: MigrationVersion?, _ section: SQLSection, _ error: StoreError, offset: Int,
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
