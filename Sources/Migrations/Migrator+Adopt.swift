import Postgres

extension Migrator {
    /// Records as applied, without running them, the migrations that another tool's history table says
    /// are applied: all in one transaction, under the migration lock, into a history that does not exist
    /// yet. The old table is only read, so the team can still go back to its old tool.
    @discardableResult
    public func adopt(_ tool: LegacyHistory.Tool, table: String = LegacyHistory.defaultTable, dryRun: Bool = false) throws -> [Migration] {
        return try withSession(locked: !dryRun, whileConnecting: migrations) { all, db, history in
            guard let legacy = try LegacyHistory.read(db, schema: history.schema, table: table) else {
                throw MigratorError.usage(
                    "there is no table \(table.contains(".") ? table : "\(history.schema).\(table)") to adopt"
                        + " (name another with --migrations-table); nothing was changed")
            }
            guard legacy.tool == tool else {
                throw MigratorError.usage(
                    "\(legacy.name) was written by \(legacy.tool.rawValue), not \(tool.rawValue): "
                        + "run `migrator adopt \(legacy.tool.rawValue)`; nothing was changed")
            }
            if try history.exists() {
                let count = try db.exec("SELECT count(*) AS n FROM \(history.qualified)").value("n") ?? "?"
                throw MigratorError.usage(
                    "\(history.schema).\(history.table) already exists (\(count) records): this database "
                        + "already has migrator history, so adopting \(legacy.name) would overwrite what it knows. "
                        + "If that table is empty and unused, drop it and adopt again; nothing was changed")
            }
            let plan = try AdoptionPlan(legacy, migrations: all).applied
            log("found \(legacy.summary)")
            let verb = dryRun ? "would record" : "recorded"
            if dryRun {
                for m in plan { log("\(verb) \(m.label) as applied (not run)") }
                log("\(verb) \(plan.count) migration\(plan.count == 1 ? "" : "s"); \(all.count - plan.count) left for `migrator up`")
                return plan
            }
            let by = "adopted from \(legacy.tool.rawValue) \(legacy.name) by " + appliedBy(db)
            try db.exec("BEGIN")
            do {
                // Created even when the plan is empty: the adoption is then recorded as done, and `up` no
                // longer refuses over the old table.
                try history.create()
                for m in plan { try history.insert(m, state: .applied, executionMs: 0, appliedBy: by) }
                try db.exec("COMMIT")
            } catch let error as PostgresError {
                _ = try? db.exec("ROLLBACK")
                throw MigratorError.database("adopting \(legacy.name) failed; nothing was recorded", error)
            }
            for m in plan { log("\(verb) \(m.label) as applied (not run)") }
            log(
                "adopted \(legacy.name): \(verb) \(plan.count) migration\(plan.count == 1 ? "" : "s"); "
                    + "\(all.count - plan.count) left for `migrator up`; \(legacy.table) was left as it is")
            return plan
        }
    }

    /// On a database the migrator has never touched: refuses when another tool's history is there, because
    /// running every migration again (or guessing which ran) could destroy data.
    func refuseUnadoptedHistory(_ db: Connection, _ history: HistoryTable) throws {
        guard try !history.exists(), let legacy = try LegacyHistory.find(db, historySchema: history.schema),
            !legacy.versions.isEmpty || !legacy.unfinished.isEmpty
        else { return }
        throw MigratorError.validation([
            "found \(legacy.summary), and no migrator history (\(history.schema).\(history.table)); "
                + "the migrator will not guess which migrations already ran. Adopt that history first: "
                + "`migrator adopt \(legacy.tool.rawValue)` (`--dry-run` shows what it would record; see `migrator adopt --help`)"
        ])
    }
}
