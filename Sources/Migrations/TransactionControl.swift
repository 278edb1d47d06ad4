/// Finds statements that would end the transaction a migration runs in. A transactional migration that
/// says `BEGIN; … COMMIT;` itself would commit part of its work outside our transaction, leaving the
/// database changed with no history row: such files are refused before anything runs.
enum TransactionControl {
    /// The 1-based lines (within `section`) of top-level BEGIN, START TRANSACTION, COMMIT, END, ABORT and
    /// ROLLBACK statements (ROLLBACK TO SAVEPOINT stays allowed: it works inside our transaction).
    static func lines(in section: SQLSection) -> [Int] {
        SQLSplitter.split(section.text).compactMap { statement in
            let words = codeWords(statement.text, count: 3)
            switch words.first {
            case "begin", "commit", "abort", "end": break
            case "start" where words.dropFirst().first == "transaction": break
            case "rollback":
                // ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] … and ROLLBACK PREPARED … leave our transaction be.
                let next = words.dropFirst().drop { $0 == "work" || $0 == "transaction" }.first
                if next == "to" || next == "prepared" { return nil }
            default: return nil
            }
            return section.firstLine + statement.line - 1
        }
    }

    /// The first `count` words of the statement's code, lower-cased, skipping leading comments.
    private static func codeWords(_ text: String, count: Int) -> [String] {
        let scalars = text.unicodeScalars
        guard let start = SQLSplitter.firstCode(in: scalars, skippingSemicolons: false) else { return [] }
        let code = Substring(scalars[start...])
        return code.split(maxSplits: count, whereSeparator: { !$0.isLetter }).prefix(count).map { $0.lowercased() }
    }
}
