/// How the migrator runs one section, decided from its SQL just before it runs (so a no-op `up` never
/// splits the files it does not run), with the strongest guarantee the SQL allows:
///
/// 1. In the migrator's own transaction, together with its history row, unless the file opted out.
/// 2. A file wrapped by hand in `BEGIN; … COMMIT;` the same way: its body runs in the migrator's
///    transaction, opened with the file's own BEGIN (and its isolation level, if it names one).
/// 3. Outside a transaction, statement by statement, recorded as running first, when it opted out, holds a
///    statement PostgreSQL refuses in a transaction block, or controls transactions itself otherwise.
public struct ExecutionPlan: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        /// `begin` opens the transaction and `sql` runs in it as one query. Hand-written BEGIN and COMMIT
        /// are blanked out of `sql` with spaces, so server error positions still point into the file.
        case transaction(begin: String, sql: String)
        case statements([SQLStatement])
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
        guard section.transactional else {
            self.init(mode: .statements(SQLSplitter.split(section.text)), note: nil)
            return
        }
        let statements = SQLSplitter.split(section.text)
        func place(_ s: SQLStatement) -> String { "\(section.file):\(section.firstLine + s.line - 1)" }
        for s in statements {
            if let what = TransactionBlockRules.refusedStatement(s) {
                self.init(
                    mode: .statements(statements),
                    note:
                        "runs outside a transaction, statement by statement: \(what) (\(place(s))) cannot run inside one")
                return
            }
        }
        let control = statements.indices.compactMap { i in TransactionControl(statements[i]).map { (i, $0) } }
        guard let first = control.first else {
            self.init(mode: .transaction(begin: "BEGIN", sql: section.text), note: nil)
            return
        }
        let last = statements.count - 1
        if control.count == 2, control[0] == (0, .begin), control[1] == (last, .commit) {
            let sql = Self.blanking([statements[0], statements[last]], in: section.text)
            self.init(mode: .transaction(begin: statements[0].text, sql: sql), note: nil)
            isWrapped = true
            return
        }
        self.init(
            mode: .statements(statements),
            note:
                "runs outside a transaction, statement by statement: it controls its own transactions (\(place(statements[first.0])))")
    }

    init(mode: Mode, note: String?) {
        self.mode = mode
        self.note = note
    }

    /// `text` with every scalar of the statements, newlines aside, replaced by a space.
    private static func blanking(_ statements: [SQLStatement], in text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        for s in statements {
            let end = s.offset + s.text.unicodeScalars.count
            for i in s.offset..<end where scalars[i] != "\n" && scalars[i] != "\r" { scalars[i] = " " }
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }
}
