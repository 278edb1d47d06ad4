extension Migrator {
    /// Records as applied, without running them, the migrations that another tool's history table says
    /// are applied: all in one transaction, under the migration lock, into a history that does not exist
    /// yet. The old table is only read, so the team can still go back to its old tool.
    @discardableResult
    public func adopt(_ tool: LegacyHistory.Tool, table: String = LegacyHistory.defaultTable, dryRun: Bool = false) throws -> [Migration] {
        return try withStore(locked: !dryRun, whileConnecting: migrations) { all, store in
            guard let legacy = try store.legacyHistory(table: table) else {
                throw MigratorError.adoptionRefused(.noTable(table.contains(".") ? table : "\(store.historySchema).\(table)"))
            }
            guard legacy.tool == tool else {
                throw MigratorError.adoptionRefused(.otherTool(table: legacy.name, found: legacy.tool, asked: tool))
            }
            if let count = try store.recordCount() {
                throw MigratorError.adoptionRefused(.historyExists(history: store.historyName, records: String(count), legacy: legacy.name))
            }
            let plan = try AdoptionPlan(legacy, migrations: all).applied
            log("found \(legacy.summary)")
            let verb = dryRun ? "would record" : "recorded"
            if dryRun {
                for m in plan { log("\(verb) \(m.label) as applied (not run)") }
                progress(.adoptionCounted(recorded: plan.count, left: all.count - plan.count, dryRun: true))
                return plan
            }
            let by = "adopted from \(legacy.tool.rawValue) \(legacy.name) by " + store.appliedBy
            try store.transaction(failed: { .database("adopting \(legacy.name) failed; nothing was recorded", $0) }) {
                // Created even when the plan is empty: the adoption is then recorded as done, and `up` no
                // longer refuses over the old table.
                try store.createHistory()
                for m in plan { try store.insert(m, state: .applied, executionMs: 0, appliedBy: by) }
            }
            for m in plan { log("\(verb) \(m.label) as applied (not run)") }
            progress(.adopted(legacy: legacy.name, table: legacy.table, recorded: plan.count, left: all.count - plan.count))
            return plan
        }
    }

    /// On a database the migrator has never touched: refuses when another tool's history is there, because
    /// running every migration again (or guessing which ran) could destroy data.
    func refuseUnadoptedHistory(_ store: MigrationStore) throws {
        guard try store.recordCount() == nil, let legacy = try store.findLegacyHistory(),
            !legacy.versions.isEmpty || !legacy.unfinished.isEmpty
        else { return }
        throw MigratorError.notAdopted(found: legacy.summary, tool: legacy.tool, history: store.historyName)
    }
}
