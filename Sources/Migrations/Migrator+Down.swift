import Postgres
import System

extension Migrator {
    /// Rolls back applied migrations, newest first. Refuses before touching anything if a needed down
    /// section is missing. Returns the versions rolled back.
    @discardableResult
    public func down(_ target: DownTarget, dryRun: Bool = false) throws -> [Int64] {
        return try withSession(locked: !dryRun, whileConnecting: migrations) { all, db, history in
            let records = try history.records()
            if records.isEmpty { try refuseUnadoptedHistory(db, history) }
            if let running = records.first(where: { $0.state == .running }) { throw leftRunning(running, all: all) }
            let applied = records.filter { $0.state == .applied }.sorted { $0.version > $1.version }
            let chosen: [HistoryRecord]
            switch target {
            case .steps(let n): chosen = Array(applied.prefix(max(n, 0)))
            case .to(let version):
                // Without a version-0 migration, 0 means "everything" (below every version); any other target must be a
                // real version, so a typo cannot roll back everything.
                if version != 0 { try requireKnown(version, among: all.map(\.version) + records.map(\.version), option: .target) }
                chosen = applied.filter { $0.version > version }
            case .all: chosen = applied
            }
            if chosen.isEmpty {
                log("nothing to roll back")
                return []
            }
            let byVersion = Dictionary(uniqueKeysWithValues: all.map { ($0.version, $0) })
            let missing = chosen.filter { byVersion[$0.version]?.down == nil }
            guard missing.isEmpty else {
                throw MigratorError.noDownMigration(
                    missing.map { r in byVersion[r.version].map(\.label) ?? "\(r.version)_\(r.name) (its file is missing)" })
            }
            // An empty down sends nothing, so it has nothing to substitute either.
            try checkPlaceholders(chosen.map { byVersion[$0.version]! }.filter { !$0.downIsEmpty }.map { $0.down! })
            if dryRun {
                for r in chosen {
                    let m = byVersion[r.version]!
                    log("would roll back \(m.label)" + (m.downIsEmpty ? " (its down is empty: nothing to run)" : ""))
                }
                return chosen.map(\.version)
            }
            let start = SystemClock.shared.now()
            for r in chosen {
                let m = byVersion[r.version]!
                if !m.downIsEmpty {
                    try rollBack(m, try runnable(m.down!), db: db, history: history)
                } else {
                    try history.delete(m.version)
                    log("rolled back \(m.label) (its down is empty: nothing to run)")
                }
            }
            log(
                "rolled back \(chosen.count) migration\(chosen.count == 1 ? "" : "s") in \(SystemClock.shared.milliseconds(since: start)) ms"
            )
            return chosen.map(\.version)
        }
    }
}
