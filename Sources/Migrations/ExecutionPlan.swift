/// How the migrator runs one section, decided from its SQL just before it runs (so a no-op `up` never
/// splits the files it does not run), with the strongest guarantee the SQL allows:
///
/// 1. In the migrator's own transaction, together with its history row, unless the file opted out.
/// 2. A file wrapped by hand in `BEGIN; … COMMIT;` the same way: its body runs in the migrator's
///    transaction, opened with the file's own BEGIN (and its isolation level, if it names one).
/// 3. Outside a transaction, statement by statement, recorded as running first, when it opted out, holds a
///    statement PostgreSQL refuses in a transaction block, or controls transactions itself otherwise.
///
/// Deciding reads the statements one at a time and keeps none of them, and the plan points into the
/// section's bytes: a large data migration is never held twice.
public struct ExecutionPlan: Equatable {
    public enum Mode: Equatable {
        /// `begin` opens the transaction and the bytes `body` of the section run in it as one query: the
        /// whole section, or of a file wrapped by hand in BEGIN … COMMIT, what lies between the two. Server
        /// error positions count from the start of `body` (`SQLSection.location(ofCharacter:offset:)` with
        /// the code points before it).
        case transaction(begin: String, body: Range<Int>)
        case statements(SQLStatements)
    }

    public var mode: Mode
    /// Why the SQL itself made the section run outside a transaction, for one line of the run's output.
    public var note: String?

    public var isTransactional: Bool {
        if case .transaction = mode { return true }
        return false
    }

    /// The section wraps itself in BEGIN … COMMIT, and that transaction is the one it runs in.
    public private(set) var isWrapped = false

    public init(_ section: SQLSection) {
        let statements = SQLStatements(section)
        guard section.transactional else {
            self.init(mode: .statements(statements), note: nil)
            return
        }
        func place(_ s: SQLStatement) -> String { "\(section.file):\(section.firstLine + s.line - 1)" }
        // One pass: the first refused statement decides at once; transaction control needs the first
        // and the last statement, and whether there is any other.
        var firstControl: (index: Int, statement: SQLStatement, kind: TransactionControl)?
        var lastControl: (index: Int, statement: SQLStatement, kind: TransactionControl)?
        var controls = 0
        var count = 0
        for s in statements {
            if let what = TransactionBlockRules.refusedStatement(s) {
                self.init(
                    mode: .statements(statements),
                    note: "runs outside a transaction, statement by statement: \(what) (\(place(s))) cannot run inside one")
                return
            }
            if let kind = TransactionControl(s) {
                controls += 1
                if firstControl == nil { firstControl = (count, s, kind) }
                lastControl = (count, s, kind)
            }
            count += 1
        }
        guard let firstControl, let lastControl else {
            self.init(mode: .transaction(begin: "BEGIN", body: 0..<section.byteCount), note: nil)
            return
        }
        if controls == 2, firstControl.index == 0, firstControl.kind == .begin, lastControl.index == count - 1, lastControl.kind == .commit
        {
            // The body between the wrapper's statements runs as it is: no copy with the wrapper blanked out.
            let base = section.range.lowerBound
            let body = (firstControl.statement.end - base)..<(lastControl.statement.range.lowerBound - base)
            self.init(mode: .transaction(begin: firstControl.statement.text, body: body), note: nil)
            isWrapped = true
            return
        }
        self.init(
            mode: .statements(statements),
            note: "runs outside a transaction, statement by statement: it controls its own transactions (\(place(firstControl.statement)))")
    }

    init(mode: Mode, note: String?) {
        self.mode = mode
        self.note = note
    }
}

/// Where a section's SQL sits in its file and how `up` runs it: what a linter of it alone must know
/// (`status --output json`).
public struct SectionSummary: Sendable, Equatable {
    public var file: String
    public var firstLine: Int
    public var lastLine: Int
    /// Whether it runs in a transaction, decided from its SQL as `up` decides it, not from the directive alone.
    public var transactional: Bool
    /// Its own BEGIN … COMMIT is the transaction it runs in.
    public var wrapped: Bool
}

extension SQLSection {
    /// Read again first when its bytes were let go after loading (`ResidentFiles`).
    public func summary() throws -> SectionSummary {
        let section = try loaded()
        let plan = ExecutionPlan(section)
        return SectionSummary(
            file: file, firstLine: firstLine, lastLine: section.lastLine, transactional: plan.isTransactional, wrapped: plan.isWrapped)
    }
}
