import System

extension Migrator {
    /// Rolls back applied migrations, newest first. Refuses before touching anything if a needed down
    /// section is missing (`DownPlan`). Returns the versions rolled back.
    @discardableResult
    public func down(_ target: DownTarget, dryRun: Bool = false) throws -> [MigrationVersion] {
        return try withStore(locked: !dryRun, whileConnecting: migrations) { all, store in
            let records = try store.records()
            if records.isEmpty { try refuseUnadoptedHistory(store) }
            let plan = try DownPlan(target, migrations: all, records: records).migrations
            if plan.isEmpty {
                log("nothing to roll back")
                return []
            }
            // An empty down sends nothing, so it has nothing to substitute either.
            try checkPlaceholders(plan.filter { !$0.downIsEmpty }.map { $0.down! })
            if dryRun {
                for m in plan { log("would roll back \(m.label)" + (m.downIsEmpty ? " (its down is empty: nothing to run)" : "")) }
                return plan.map(\.version)
            }
            let start = SystemClock.shared.now()
            for m in plan {
                if !m.downIsEmpty {
                    try rollBack(m, try runnable(m.down!), store: store)
                } else {
                    try store.delete(m.version)
                    log("rolled back \(m.label) (its down is empty: nothing to run)")
                }
            }
            log("rolled back \(plan.count) migration\(plan.count == 1 ? "" : "s") in \(SystemClock.shared.milliseconds(since: start)) ms")
            return plan.map(\.version)
        }
    }
}
