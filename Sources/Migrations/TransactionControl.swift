/// Statements that open or end the session's transaction. A file that says `BEGIN; … COMMIT;` itself
/// (golang-migrate adds no transaction of its own, so many files do) must not run inside the migrator's
/// transaction as it is: its COMMIT would commit part of the work without its history row.
enum TransactionControl: Equatable {
    /// BEGIN [WORK | TRANSACTION] [modes], START TRANSACTION [modes].
    case begin
    /// COMMIT or END [WORK | TRANSACTION], without AND CHAIN.
    case commit
    /// Anything else that ends or opens a transaction: ROLLBACK, ABORT, COMMIT AND CHAIN, PREPARE TRANSACTION.
    case other

    /// Nil for statements that leave the transaction be, SAVEPOINT, RELEASE and ROLLBACK TO SAVEPOINT among them.
    init?(_ statement: SQLStatement) {
        let words = SQLWords.of(statement, limit: 4)
        let rest = words.dropFirst().drop { $0 == "work" || $0 == "transaction" }
        switch words.first {
        case "begin":
            self = .begin
        case "start" where words.dropFirst().first == "transaction":
            self = .begin
        case "commit", "end":
            if rest.first == "prepared" { return nil } // another transaction's; see TransactionBlockRules
            self = rest.isEmpty || rest.starts(with: ["and", "no", "chain"]) ? .commit : .other
        case "abort":
            self = .other
        case "rollback":
            // ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] … works inside a transaction; ROLLBACK PREPARED
            // is another transaction's.
            if rest.first == "to" || rest.first == "prepared" { return nil }
            self = .other
        case "prepare" where words.dropFirst().first == "transaction":
            self = .other
        default:
            return nil
        }
    }
}
