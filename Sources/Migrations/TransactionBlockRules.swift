/// Statements that PostgreSQL 15 refuses inside a transaction block (SQLSTATE 25001,
/// "… cannot run inside a transaction block"). A migration holding one cannot run in the migrator's
/// transaction, so it runs outside one, as golang-migrate runs such a file (a lone statement sent
/// by itself is not in a transaction block).
enum TransactionBlockRules {
    /// What the statement is, as its first words say it, when PostgreSQL refuses it inside a
    /// transaction block; nil when it may run inside one.
    static func refusedStatement(_ statement: SQLStatement) -> String? {
        let words = SQLWords.of(statement, limit: 6)
        guard let first = words.first else { return nil }
        let rest = words.dropFirst()
        func starts(_ prefix: String...) -> Bool { rest.starts(with: prefix) }
        switch first {
        case "create":
            if starts("index", "concurrently") || starts("unique", "index", "concurrently") { return "CREATE INDEX CONCURRENTLY" }
            if starts("database") { return "CREATE DATABASE" }
            if starts("tablespace") { return "CREATE TABLESPACE" }
            if starts("subscription") { return "CREATE SUBSCRIPTION" }
        case "drop":
            if starts("index", "concurrently") { return "DROP INDEX CONCURRENTLY" }
            if starts("database") { return "DROP DATABASE" }
            if starts("tablespace") { return "DROP TABLESPACE" }
            if starts("subscription") { return "DROP SUBSCRIPTION" }
        case "reindex":
            if rest.contains("concurrently") { return "REINDEX CONCURRENTLY" }
            if let what = rest.first, ["schema", "database", "system"].contains(what) { return "REINDEX \(what.uppercased())" }
        case "vacuum":
            return "VACUUM"
        case "cluster":
            // Without a table, CLUSTER reclusters every table of the database, which it refuses in a block.
            if rest.allSatisfy({ $0 == "verbose" }) { return "CLUSTER without a table" }
        case "alter":
            if starts("system") { return "ALTER SYSTEM" }
            if starts("database"), rest.dropFirst(2).starts(with: ["set", "tablespace"]) { return "ALTER DATABASE … SET TABLESPACE" }
            if starts("subscription"), rest.contains("refresh") || rest.contains("publication") {
                return "ALTER SUBSCRIPTION … PUBLICATION"
            }
            if starts("table") || starts("index") {
                let all = SQLWords.of(statement)
                if let detach = all.firstIndex(of: "detach"), all[detach...].contains("concurrently") {
                    return "ALTER TABLE … DETACH PARTITION … CONCURRENTLY"
                }
            }
        case "discard":
            if starts("all") { return "DISCARD ALL" }
        case "commit", "rollback":
            if starts("prepared") { return "\(first.uppercased()) PREPARED" }
        default:
            break
        }
        return nil
    }
}
