import System

extension Migrator {
    /// Applies pending migrations in version order, up to `target` when given. Returns the applied ones.
    @discardableResult
    public func up(to target: MigrationVersion? = nil, allowOutOfOrder: Bool = false, dryRun: Bool = false) throws -> [Migration] {
        let load = { () throws -> ([Migration], [RepeatableMigration]) in
            let all = try self.migrations()
            if let target { try Self.requireKnown(target, among: all.map(\.version), option: .target) }
            return (all, try self.repeatableMigrations())
        }
        return try withStore(locked: !dryRun, whileConnecting: load) { files, store in
            let (all, repeatables) = files
            let records = try store.records()
            if records.isEmpty { try refuseUnadoptedHistory(store) }
            let plan = try UpPlan(
                migrations: all, records: records, target: target, allowOutOfOrder: allowOutOfOrder,
                repeatables: repeatables, repeatableRecords: store.repeatableRecords)
            if !plan.fileless.isEmpty {
                // Not refused: the image of the release being rolled back to lacks the newer release's files.
                let fileless = plan.fileless
                log(
                    "\(fileless.count) applied migration\(fileless.count == 1 ? " has" : "s have") no file here (a newer release's, or removed): "
                        + fileless.prefix(5).joined(separator: ", ") + (fileless.count > 5 ? ", …" : "") + "; left as they are")
            }
            if let target, plan.stopsShort, !repeatables.isEmpty { progress(.repeatablesNotRun(target: target)) }
            if plan.isEmpty {
                let current = records.filter { $0.state == .applied }.map(\.version).max()
                log("nothing to apply; the database is at version \(current.map(\.description) ?? "none")")
                return []
            }
            let checked = try checkBeforeRunning(plan)
            if dryRun {
                for m in plan.migrations {
                    let execution = ExecutionPlan(try runnable(m.up))
                    log(
                        "would apply \(m.label)"
                            + (execution.isTransactional ? "" : execution.note.map { " (\($0))" } ?? " (outside a transaction)"))
                }
                for r in plan.repeatables { log("would apply repeatable \(r.label)") }
                return plan.migrations
            }
            try apply(plan, repeatables: checked, store: store)
            return plan.migrations
        }
    }

    /// Everything that can stop the run is checked before anything runs, a file at a time, so that only
    /// the migration at hand is in memory: every placeholder, and that each repeatable can run in a
    /// transaction. Returns how each repeatable runs, decided (and its SQL split) once, here; its bytes are
    /// let go again until it runs.
    private func checkBeforeRunning(_ plan: UpPlan) throws -> [RunnableRepeatable] {
        try checkPlaceholders(plan.migrations.map(\.up) + plan.repeatables.map(\.section))
        return try plan.repeatables.map(repeatablePlan)
    }

    private func apply(_ plan: UpPlan, repeatables: [RunnableRepeatable], store: MigrationStore) throws {
        try store.createHistory()
        let start = SystemClock.shared.now()
        for m in plan.migrations {
            let up = try runnable(m.up)
            try lockRetry.run(
                m.label, log: log, nothingTookEffect: { try !store.records().contains { $0.version == m.version } },
                holder: { store.blockingHolder(of: up) }
            ) { try apply(m, up, store: store) }
        }
        if !repeatables.isEmpty { try store.createRepeatableHistory() }
        for r in repeatables {
            let section = try runnable(r.migration.section)
            // In a transaction, so a lock timeout leaves nothing behind and is always safe to retry.
            try lockRetry.run(r.migration.label, log: log, nothingTookEffect: { true }, holder: { store.blockingHolder(of: section) }) {
                try applyRepeatable(r, section, store: store)
            }
        }
        let count = plan.migrations.count + repeatables.count
        log("applied \(count) migration\(count == 1 ? "" : "s") in \(SystemClock.shared.milliseconds(since: start)) ms")
    }

    /// A repeatable migration as it runs, refused unless it runs in a transaction.
    func repeatablePlan(_ r: RepeatableMigration) throws -> RunnableRepeatable {
        let section = try runnable(r.section)
        let execution = ExecutionPlan(section)
        guard case .transaction(let begin, let body) = execution.mode else {
            throw MigratorError.repeatableNeedsTransaction(label: r.label, reason: execution.note)
        }
        return RunnableRepeatable(migration: r, begin: begin, body: body)
    }

    /// The refusal for a migration recorded running, which commands other than `repair` must not go past.
    static func leftRunning(_ record: HistoryRecord, all: [Migration]) -> MigratorError {
        let status = MigrationStatus.compute(migrations: all, records: [record]).first { $0.version == record.version }!
        return .refused([Refusal(status, all: all)!])
    }
}

/// A repeatable migration checked to run in a transaction, and how: decided once per run.
struct RunnableRepeatable {
    var migration: RepeatableMigration
    /// Opens its transaction: "BEGIN", or the file's own.
    var begin: String
    /// The bytes of its section as it runs (placeholders substituted) that run in the transaction.
    var body: Range<Int>
}

extension Refusal {
    /// Why `up` will not go past this migration, if it will not.
    init?(_ status: MigrationStatus, all: [Migration]) {
        switch status.state {
        case .running:
            if let holder = status.runningNow {
                self = .beingApplied(label: status.label, by: holder)
                return
            }
            let m = all.first { $0.version == status.version }
            let files = ([m?.up.file] + [m?.down?.file].filter { $0 != m?.up.file }).compactMap { $0 }
            self = .leftRunning(version: status.version, label: status.label, files: files)
        case .checksumChanged:
            self = .checksumChanged(version: status.version, label: status.label)
        default:
            return nil
        }
    }
}
