import Postgres
import System

/// The migrator's commands over one database. Each public method is one command of the executable.
///
/// Progress goes to `log`, one line per event, because inside an ECS task every line becomes a
/// CloudWatch Logs event. Nothing logged contains the connection string or its password.
public final class Migrator {
    public enum DownTarget: Sendable, Equatable {
        case steps(Int)
        case to(Int64)
        case all
    }

    public enum RepairAction: Sendable, Equatable {
        /// A migration left running did take effect: record it as applied.
        case markApplied
        /// A migration left running did not take effect (or was undone by hand): forget it.
        case markPending
        /// An applied migration's file was edited on purpose: record the new checksum.
        case acceptChecksum
    }

    let config: MigratorConfig
    let log: (String) -> Void
    var lockRetry: LockRetryPolicy
    /// Which files stay in memory once read: up to `config.residentBytes` in all; the others are read again,
    /// one at a time, when they run.
    let resident: ResidentFiles

    public init(config: MigratorConfig, log: @escaping (String) -> Void) {
        self.config = config
        self.log = log
        lockRetry = LockRetryPolicy(retries: config.lockRetries)
        resident = ResidentFiles(limit: config.residentBytes)
    }

    /// The migrations on disk; bad files, or none at all, stop everything here (exit 64).
    public func migrations() throws -> [Migration] {
        do {
            return try MigrationSource.load(directory: config.directory, resident: resident)
        } catch let error as MigrationFileError {
            throw MigratorError.files(error)
        } catch let found as NoMigrationsFound {
            throw MigratorError.noMigrations(found)
        }
    }

    /// The `R__NAME.sql` files, in name order; bad ones stop everything (exit 64).
    public func repeatableMigrations() throws -> [RepeatableMigration] {
        do {
            return try RepeatableMigration.load(directory: config.directory, resident: resident)
        } catch let error as MigrationFileError {
            throw MigratorError.files(error)
        }
    }

    // MARK: - up

    /// Applies pending migrations in version order, up to `target` when given. Returns the applied ones.
    @discardableResult
    public func up(to target: Int64? = nil, allowOutOfOrder: Bool = false, dryRun: Bool = false) throws -> [Migration] {
        let load = { () throws -> ([Migration], [RepeatableMigration]) in
            let all = try self.migrations()
            if let target { try self.requireKnown(target, among: all.map(\.version), option: "--to") }
            return (all, try self.repeatableMigrations())
        }
        return try withSession(locked: !dryRun, whileConnecting: load) { files, db, history in
            let (all, repeatables) = files
            let records = try history.records()
            if records.isEmpty { try refuseUnadoptedHistory(db, history) }
            let statuses = MigrationStatus.compute(migrations: all, records: records)
            var refusals = statuses.compactMap { refusal(for: $0, all: all) }
            let pending = statuses.filter { $0.state == .pending && (target == nil || $0.version <= target!) }
            if !allowOutOfOrder {
                refusals += pending.filter(\.outOfOrder).map {
                    "migration \($0.label) is older than the newest applied one; apply it with --allow-out-of-order if that is intended"
                }
            }
            guard refusals.isEmpty else { throw MigratorError.validation(refusals) }
            // Not refused: the image of the release being rolled back to lacks the newer release's files.
            let fileless = statuses.filter { $0.state == .fileMissing }.map(\.label)
            if !fileless.isEmpty {
                log(
                    "\(fileless.count) applied migration\(fileless.count == 1 ? " has" : "s have") no file here (a newer release's, or removed): "
                        + fileless.prefix(5).joined(separator: ", ") + (fileless.count > 5 ? ", …" : "") + "; left as they are")
            }
            let byVersion = Dictionary(uniqueKeysWithValues: all.map { ($0.version, $0) })
            let plan = pending.map { byVersion[$0.version]! }
            // Repeatables follow the newest schema, so a run that stops short of it with --to leaves them alone.
            let stopsShort = target.map { t in all.contains { $0.version > t } } ?? false
            let repeatHistory = try RepeatableHistory(history)
            let due =
                stopsShort || repeatables.isEmpty
                ? []
                : RepeatableStatus.compute(repeatables, records: try repeatHistory.records())
                    .filter { $0.state == .pending || $0.state == .changed }
                    .compactMap { s in repeatables.first { $0.name == s.name } }
            if let target, stopsShort, !repeatables.isEmpty {
                log("repeatable migrations are not run with --to \(target), which stops short of the newest migration")
            }
            if plan.isEmpty && due.isEmpty {
                let current = records.filter { $0.state == .applied }.map(\.version).max()
                log("nothing to apply; the database is at version \(current.map(String.init) ?? "none")")
                return []
            }
            // Everything that can stop the run is checked before anything runs, a file at a time, so that only
            // the migration at hand is in memory: every placeholder, and that each repeatable can run in a transaction.
            try checkPlaceholders(plan.map(\.up) + due.map(\.section))
            for r in due { _ = try repeatablePlan(r) }
            if dryRun {
                for m in plan {
                    let execution = ExecutionPlan(try runnable(m.up))
                    log(
                        "would apply \(m.label)"
                            + (execution.isTransactional ? "" : execution.note.map { " (\($0))" } ?? " (outside a transaction)"))
                }
                for r in due { log("would apply repeatable \(r.label)") }
                return plan
            }
            try history.create()
            let start = SystemClock.shared.now()
            for m in plan {
                let up = try runnable(m.up)
                try lockRetry.run(
                    m.label, log: log, nothingTookEffect: { try !history.records().contains { $0.version == m.version } },
                    holder: { LockHolder.blocking(up, on: db) }
                ) { try apply(m, up, db: db, history: history) }
            }
            if !due.isEmpty { try repeatHistory.create() }
            for r in due {
                let (section, begin, body) = try repeatablePlan(r)
                // In a transaction, so a lock timeout leaves nothing behind and is always safe to retry.
                try lockRetry.run(r.label, log: log, nothingTookEffect: { true }, holder: { LockHolder.blocking(section, on: db) }) {
                    try applyRepeatable(r, section, begin: begin, body: body, db: db, history: repeatHistory)
                }
            }
            let count = plan.count + due.count
            log("applied \(count) migration\(count == 1 ? "" : "s") in \(SystemClock.shared.milliseconds(since: start)) ms")
            return plan
        }
    }

    private func refusal(for status: MigrationStatus, all: [Migration]) -> String? {
        let label = status.label
        switch status.state {
        case .running:
            if let holder = status.runningNow {
                return "migration \(label) is being applied or rolled back now by \(holder); wait for it to finish"
            }
            let m = all.first { $0.version == status.version }
            let files = ([m?.up.file] + [m?.down?.file].filter { $0 != m?.up.file }).compactMap { $0 }
            return "migration \(label) was left running: a migrator stopped while applying or rolling it back outside a transaction. "
                + "Check which statements of \(files.isEmpty ? "it" : files.joined(separator: " or ")) took effect. "
                + "If the migration is in effect, run `migrator repair --version \(status.version) --mark applied`; "
                + "if it is not (never applied, or wholly rolled back), run `migrator repair --version \(status.version) --mark pending`"
        case .checksumChanged:
            return "migration \(label) was changed after it was applied. Restore the file, or if the change is intended run "
                + "`migrator repair --version \(status.version) --accept-checksum`"
        default:
            return nil
        }
    }

    /// The refusal for a migration recorded running, which commands other than `repair` must not go past.
    private func leftRunning(_ record: HistoryRecord, all: [Migration]) -> MigratorError {
        let status = MigrationStatus.compute(migrations: all, records: [record]).first { $0.version == record.version }!
        return .validation([refusal(for: status, all: all)!])
    }

    /// Every missing placeholder value (file:line) in the sections about to run, listed before anything
    /// runs, and the run's placeholders line. The sections are read one at a time and nothing is kept.
    private func checkPlaceholders(_ sections: [SQLSection]) throws {
        guard !config.placeholders.isEmpty || sections.contains(where: \.substitutesAlways) else { return }
        var problems: [MigrationFileError.Problem] = []
        for section in sections { problems += config.placeholders.missingValues(in: try section.loaded()) }
        guard problems.isEmpty else { throw MigratorError.files(MigrationFileError(problems: problems, what: "placeholders")) }
        if !config.placeholders.isEmpty { log("placeholders: \(config.placeholders.summary)") }
    }

    /// A section as it runs: in memory (read again if it was let go) and its placeholders substituted. The
    /// checksums stay those of the files.
    private func runnable(_ section: SQLSection) throws -> SQLSection {
        let loaded = try section.loaded()
        guard !config.placeholders.isEmpty || loaded.substitutesAlways else { return loaded }
        do {
            return try config.placeholders.substitute([loaded])[0]
        } catch let error as MigrationFileError {
            throw MigratorError.files(error)
        }
    }

    /// A repeatable migration as it runs, refused unless it runs in a transaction.
    private func repeatablePlan(_ r: RepeatableMigration) throws -> (SQLSection, begin: String, body: Range<Int>) {
        let section = try runnable(r.section)
        let execution = ExecutionPlan(section)
        guard case .transaction(let begin, let body) = execution.mode else {
            throw MigratorError.usage(
                "repeatable migration \(r.label) \(execution.note ?? "cannot run in a transaction")"
                    + "; a repeatable migration always runs in its own transaction: move that statement to a versioned migration; nothing was applied"
            )
        }
        return (section, begin, body)
    }

    /// `up` is the migration's up section as it runs (placeholders substituted).
    private func apply(_ m: Migration, _ up: SQLSection, db: Connection, history: HistoryTable) throws {
        let start = SystemClock.shared.now()
        let plan = ExecutionPlan(up)
        if let note = plan.note { log("\(m.label) \(note)") }
        switch plan.mode {
        case .transaction(let begin, let body):
            // The whole section goes as one simple query, so DO blocks and function bodies need no splitting;
            // the history row commits with it or not at all.
            try db.exec(begin)
            try runInTransaction(body, m.label, up, db: db)
            do {
                // The history row is written as the migrator's own role and settings, not the migration's.
                try DatabaseSession.reset(db, config, after: up)
                try history.insert(m, state: .applied, executionMs: SystemClock.shared.milliseconds(since: start), appliedBy: appliedBy(db))
                try db.exec("COMMIT")
            } catch let error as PostgresError {
                _ = try? db.exec("ROLLBACK")
                throw MigratorError.database("recording \(m.label) in the history failed; the migration was rolled back", error)
            }
        case .statements(let statements):
            try history.insert(m, state: .running, executionMs: 0, appliedBy: appliedBy(db))
            if let stop = try StatementRun.run(statements, db: db) {
                var advice: String
                if !stop.tookEffect {
                    // Nothing it ran was committed, so nothing of it took effect: no history row either.
                    try history.delete(m.version)
                    advice = "  Nothing of it took effect and the history is unchanged."
                } else {
                    advice = "  " + stop.whatTookEffect("It", firstLine: up.firstLine) + " It stays recorded as running."
                    if stop.mayLeaveInvalidIndex {
                        advice +=
                            " A failed \(stop.statementKind ?? "CONCURRENTLY statement") leaves an INVALID index behind"
                            + " (SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid); drop it with DROP INDEX CONCURRENTLY."
                    }
                    advice += " Fix the database, then run `migrator repair --version \(m.version) --mark applied` or `--mark pending`."
                }
                throw failure(m.label, up, stop.error, offset: stop.statement.offset, statementLine: stop.statement.line, advice: advice)
            }
            try requireNoOpenTransaction(
                m, up, db: db, what: "the migration",
                advice:
                    "It stays recorded as running. Add the COMMIT, undo what took effect, then run `migrator repair --version \(m.version) --mark pending`."
            )
            try DatabaseSession.reset(db, config, after: up)
            try history.markApplied(m.version, executionMs: SystemClock.shared.milliseconds(since: start))
        }
        log("applied \(m.label) (\(SystemClock.shared.milliseconds(since: start)) ms)")
    }

    /// Runs a repeatable migration and records its checksum in one transaction.
    private func applyRepeatable(
        _ r: RepeatableMigration, _ section: SQLSection, begin: String, body: Range<Int>,
        db: Connection, history: RepeatableHistory
    ) throws {
        let start = SystemClock.shared.now()
        try db.exec(begin)
        try runInTransaction(body, r.label, section, db: db)
        do {
            try DatabaseSession.reset(db, config, after: section)
            try history.record(r, executionMs: SystemClock.shared.milliseconds(since: start), appliedBy: appliedBy(db))
            try db.exec("COMMIT")
        } catch let error as PostgresError {
            _ = try? db.exec("ROLLBACK")
            throw MigratorError.database("recording \(r.label) in \(history.table) failed; the migration was rolled back", error)
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
                throw failure(label, section, error, offset: section.codePoints(before: chunk.lowerBound), statementLine: line, advice: nil)
            }
        }
    }

    /// After a section run outside a transaction: a BEGIN without its COMMIT would be rolled back when the
    /// session ends, together with the history update, so it must not be reported as done.
    private func requireNoOpenTransaction(_ m: Migration, _ section: SQLSection, db: Connection, what: String, advice: String) throws {
        guard db.transactionStatus != .idle else { return }
        _ = try? db.exec("ROLLBACK")
        let error = PostgresError(kind: .query, message: "\(what) leaves a transaction open (a BEGIN without its COMMIT)")
        throw failure(
            m.label, section, error, offset: 0, statementLine: nil,
            advice:
                "  The open transaction was rolled back; statements before its BEGIN took effect. " + advice)
    }

    private func failure(
        _ label: String, _ section: SQLSection, _ error: PostgresError, offset: Int,
        statementLine: Int?, advice: String?
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
                migration: label, file: section.file, line: line, column: column,
                error: error, advice: advice))
    }

    /// Refuses a version that names no migration, listing the nearest ones.
    private func requireKnown(_ version: Int64, among versions: [Int64], option: String) throws {
        let known = Set(versions).sorted()
        guard !known.contains(version) else { return }
        let below = known.filter { $0 < version }.suffix(2)
        let above = known.filter { $0 > version }.prefix(2)
        let nearest = (below + above).map(String.init)
        throw MigratorError.usage(
            "\(option) \(version): no migration has this version"
                + (nearest.isEmpty ? " (there are no migrations)" : "; the nearest are \(nearest.joined(separator: ", "))")
                + "; nothing was changed")
    }

    func appliedBy(_ db: Connection) -> String {
        [db.user, config.appliedByExtra].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    // MARK: - down

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
                if version != 0 { try requireKnown(version, among: all.map(\.version) + records.map(\.version), option: "--to") }
                chosen = applied.filter { $0.version > version }
            case .all: chosen = applied
            }
            if chosen.isEmpty {
                log("nothing to roll back")
                return []
            }
            let byVersion = Dictionary(uniqueKeysWithValues: all.map { ($0.version, $0) })
            let missing = chosen.filter { byVersion[$0.version]?.down == nil }
            if let prisma = missing.lazy.compactMap({ byVersion[$0.version] }).first(where: { $0.layout == .prisma }) {
                throw MigratorError.usage(
                    "cannot roll back \(prisma.label): Prisma migrations have no down migrations (Prisma writes none);"
                        + " to undo one, add a new migration folder that reverses it; nothing was rolled back")
            }
            guard missing.isEmpty else {
                throw MigratorError.usage(
                    "cannot roll back: no down migration for "
                        + missing.map { r in
                            byVersion[r.version].map(\.label) ?? "\(r.version)_\(r.name) (its file is missing)"
                        }.joined(separator: ", ")
                        + "; nothing was rolled back (a down that should do nothing is an empty down file or -- migrate:down section)")
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

    private func rollBack(_ m: Migration, _ down: SQLSection, db: Connection, history: HistoryTable) throws {
        let start = SystemClock.shared.now()
        let plan = ExecutionPlan(down)
        if let note = plan.note { log("\(m.label) (down) \(note)") }
        switch plan.mode {
        case .transaction(let begin, let body):
            try db.exec(begin)
            try runInTransaction(body, m.label, down, db: db)
            do {
                try DatabaseSession.reset(db, config, after: down)
                try history.delete(m.version)
                try db.exec("COMMIT")
            } catch let error as PostgresError {
                _ = try? db.exec("ROLLBACK")
                throw MigratorError.database("recording the rollback of \(m.label) in the history failed; the rollback was undone", error)
            }
        case .statements(let statements):
            // Marked first, as `up` inserts its row first: a failure or a kill halfway leaves a migration
            // that is neither applied nor rolled back, and `up`, `down` and `validate` must not take it for applied.
            try history.setState(m.version, .running)
            let repair = "`migrator repair --version \(m.version) --mark pending` (rolled back) or `--mark applied` (in effect)"
            if let stop = try StatementRun.run(statements, db: db) {
                var advice: String
                if !stop.tookEffect {
                    try history.setState(m.version, .applied)
                    advice = "  Nothing of the down migration took effect; the history still lists \(m.label) as applied."
                } else {
                    advice =
                        "  " + stop.whatTookEffect("The down migration", firstLine: down.firstLine)
                        + " \(m.label) is recorded as running. Finish or undo the rollback by hand, then run \(repair)."
                }
                throw failure(m.label, down, stop.error, offset: stop.statement.offset, statementLine: stop.statement.line, advice: advice)
            }
            try requireNoOpenTransaction(
                m, down, db: db, what: "the down migration",
                advice: "\(m.label) is recorded as running. Add the COMMIT, finish or undo the rollback by hand, then run \(repair).")
            try DatabaseSession.reset(db, config, after: down)
            try history.delete(m.version)
        }
        log("rolled back \(m.label) (\(SystemClock.shared.milliseconds(since: start)) ms)")
    }

    // MARK: - status, validate

    public func status() throws -> [MigrationStatus] {
        try report().versioned
    }

    /// Versioned migrations by version, and repeatable ones by name.
    public func report() throws -> (versioned: [MigrationStatus], repeatable: [RepeatableStatus]) {
        let load = { () throws -> ([Migration], [RepeatableMigration]) in (try self.migrations(), try self.repeatableMigrations()) }
        return try withSession(locked: false, whileConnecting: load) { files, db, history in
            let (all, repeatables) = files
            let records = try history.records()
            if records.isEmpty { try refuseUnadoptedHistory(db, history) }
            let repeatable = try RepeatableHistory(history)
            // A database that never ran one has no table to read; skip the catalog query then.
            let repeatRecords = records.isEmpty && repeatables.isEmpty ? [] : try repeatable.records()
            var statuses = MigrationStatus.compute(migrations: all, records: records)
            // A migration recorded running while another migrator holds the lock is in progress, not left behind.
            if statuses.contains(where: { $0.state == .running }),
                let holder = try LockHolder.ofAdvisoryLock(MigrationLock(connection: db, history: history).key, on: db)
            {
                for i in statuses.indices where statuses[i].state == .running { statuses[i].runningNow = holder.description }
            }
            return (statuses, RepeatableStatus.compute(repeatables, records: repeatRecords))
        }
    }

    /// Throws `.validation` listing every drift: changed or missing files, migrations left running,
    /// out-of-order pending migrations.
    public func validate() throws {
        let (statuses, repeatable) = try report()
        var problems: [String] = []
        for s in statuses {
            let label = s.label
            switch s.state {
            case .checksumChanged: problems.append("\(label): the file changed after it was applied")
            case .fileMissing: problems.append("\(label): applied, but its file is missing")
            case .running where s.runningNow != nil:
                log("\(label): being applied or rolled back now by \(s.runningNow!); not drift")
            case .running: problems.append("\(label): left running outside a transaction; see `migrator repair`")
            case .pending where s.outOfOrder: problems.append("\(label): pending, but older than the newest applied migration")
            default: break
            }
        }
        guard problems.isEmpty else { throw MigratorError.validation(problems) }
        // An edited repeatable is not drift: it is meant to change, and `up` runs it again.
        let due = repeatable.filter { $0.state == .pending || $0.state == .changed }.count
        log(
            "valid: \(statuses.filter { $0.state == .applied }.count) applied, \(statuses.filter { $0.state == .pending }.count) pending"
                + (repeatable.isEmpty ? "" : "; repeatable: \(repeatable.count - due) current, \(due) to apply"))
    }

    // MARK: - baseline, repair

    /// Records every migration up to `version` as applied without running it.
    @discardableResult
    public func baseline(version: Int64) throws -> [Migration] {
        let load = { () throws -> [Migration] in
            let all = try self.migrations()
            try self.requireKnown(version, among: all.map(\.version), option: "--version")
            return all
        }
        return try withSession(locked: true, whileConnecting: load) { all, db, history in
            try history.create()
            let records = try history.records()
            // Recording over a migration left running would hide it; it needs a person and `repair` first.
            if let running = records.first(where: { $0.state == .running && $0.version <= version }) {
                throw leftRunning(running, all: all)
            }
            let recorded = Set(records.map(\.version))
            let chosen = all.filter { $0.version <= version && !recorded.contains($0.version) }
            try db.exec("BEGIN")
            do {
                for m in chosen {
                    try history.insert(m, state: .applied, executionMs: 0, appliedBy: "baseline by " + appliedBy(db))
                    log("baselined \(m.label) (recorded as applied, not run)")
                }
                try db.exec("COMMIT")
            } catch let error as PostgresError {
                _ = try? db.exec("ROLLBACK")
                throw MigratorError.database("baseline failed; nothing was recorded", error)
            }
            if chosen.isEmpty { log("nothing to baseline: every migration up to \(version) is already recorded") }
            return chosen
        }
    }

    public func repair(version: Int64, action: RepairAction) throws {
        try withSession(locked: true, whileConnecting: migrations) { all, _, history in
            let records = try history.records()
            try requireKnown(version, among: all.map(\.version) + records.map(\.version), option: "--version")
            let record = records.first { $0.version == version }
            let file = all.first { $0.version == version }
            switch action {
            case .markApplied, .markPending:
                guard let record, record.state == .running else {
                    throw MigratorError.usage(
                        "migration \(version) is not left running; `repair --mark` only resolves a migration left running (see `migrator status`)"
                    )
                }
                if action == .markApplied {
                    try history.markApplied(version, executionMs: record.executionMs)
                    if let file { try history.updateChecksum(version, to: file.checksum) }
                    log("repaired \(file?.label ?? "\(version)_\(record.name)"): recorded as applied; its SQL was not run again")
                } else {
                    try history.delete(version)
                    log("repaired \(file?.label ?? "\(version)_\(record.name)"): removed from the history; the next `up` runs it again")
                }
            case .acceptChecksum:
                guard let record, record.state == .applied else {
                    throw MigratorError.usage("migration \(version) is not applied; nothing to accept")
                }
                guard let file else {
                    throw MigratorError.usage("migration \(version) has no file; restore it before accepting its checksum")
                }
                guard !file.matches(checksum: record.checksum) else {
                    log("migration \(file.label) is unchanged; nothing to repair")
                    return
                }
                try history.updateChecksum(version, to: file.checksum)
                log("repaired \(file.label): accepted the edited file's checksum \(file.checksum.prefix(12)); its SQL was not run again")
            }
        }
    }

    // MARK: - session

    func withSession<T>(locked: Bool, _ body: (Connection, HistoryTable) throws -> T) throws -> T {
        try withSession(locked: locked, whileConnecting: {}) { _, db, history in try body(db, history) }
    }

    /// Runs `load` (reading the migration files) while the session is being opened, then `body` with what
    /// it loaded. Bad files stop everything as before; the session, if it opened, is closed unused.
    func withSession<Loaded, T>(
        locked: Bool, whileConnecting load: () throws -> Loaded, _ body: (Loaded, Connection, HistoryTable) throws -> T
    ) throws -> T {
        let opening = DatabaseSession.start(config)
        let loaded: Loaded
        do {
            loaded = try load()
        } catch {
            opening.abandon()
            throw error
        }
        let db = try opening.finish(log: log)
        let history: HistoryTable
        do {
            history = try HistoryTable(connection: db, schema: config.schema, table: config.table)
        } catch let error as PostgresError {
            throw MigratorError.database("reading the history table failed", error)
        }
        guard locked else {
            do { return try body(loaded, db, history) } catch let error as PostgresError {
                throw MigratorError.database("reading \(history.schema).\(history.table) failed", error)
            }
        }
        let lock = MigrationLock(connection: db, history: history)
        do {
            try lock.acquire(wait: config.lockWait, reportInterval: config.lockReportInterval, log: log)
        } catch let error as PostgresError {
            throw MigratorError.database("taking the migration lock failed", error)
        }
        defer { lock.release() }
        do {
            return try body(loaded, db, history)
        } catch let error as PostgresError {
            throw MigratorError.database("updating \(history.schema).\(history.table) failed", error)
        }
    }
}
