import Postgres

/// The history table of the tool a team used before the migrator, as that tool wrote it.
///
/// Recognised by its columns, not its name alone, because other frameworks (Rails, Diesel, goose) name
/// theirs `schema_migrations` too; each tool's shape, rows and meaning are its `LegacyHistoryReader`'s.
public struct LegacyHistory: Sendable, Equatable {
    public enum Tool: String, Sendable, CaseIterable {
        case golangMigrate = "golang-migrate"
        case dbmate
        case goose
        case prisma
        case flyway

        /// The table the tool writes unless told otherwise.
        public var defaultTable: String {
            switch self {
            case .golangMigrate, .dbmate: return LegacyHistory.defaultTable
            case .goose: return GooseHistory.table
            case .prisma: return PrismaHistory.table
            case .flyway: return FlywayHistory.table
            }
        }
    }

    /// The name golang-migrate and dbmate use unless told otherwise.
    public static let defaultTable = "schema_migrations"

    var tool: Tool
    var schema: String
    var table: String
    /// The versions as the table holds them: golang-migrate's one row, or every row of dbmate's.
    var versions: [String]
    /// golang-migrate only: its row says a migration failed partway.
    var dirty: Bool = false
    /// Prisma only: migrations started and never finished nor rolled back (a failed `migrate deploy`).
    var unfinished: [String] = []
    /// Flyway only: the highest version a `BASELINE` row names; files up to it count as applied.
    var baseline: String? = nil
    /// Flyway only: the migrations recorded with `success = false`, "VERSION (SCRIPT)".
    var failed: [String] = []
    /// Prisma and Flyway: by version, the migration's name (Prisma's folder, Flyway's script) and the
    /// checksum recorded for it.
    var names: [MigrationVersion: String] = [:]
    var checksums: [MigrationVersion: String] = [:]

    /// "public.schema_migrations", for messages.
    var name: String { "\(schema).\(table)" }

    /// One line saying what the table records, for messages.
    var summary: String { tool.reader.summary(self) }

    /// Which tool wrote a table with these columns (name → type as `format_type` prints it), or nil.
    static func tool(columns: [String: String]) -> Tool? {
        Tool.allCases.first { $0.reader.recognises(columns: columns) }
    }

    /// Reads the table `table` (a name, or schema.name) in `schema`; nil when there is no such table.
    /// Throws `.adoptionRefused(.notAHistoryTable)` when it exists but no known tool wrote it.
    static func read(_ db: Connection, schema: String, table: String) throws -> LegacyHistory? {
        var schema = schema
        var table = table
        if let dot = table.firstIndex(of: ".") {
            schema = String(table[..<dot])
            table = String(table[table.index(after: dot)...])
        }
        let result = try db.query(
            """
            SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            """, [schema, table])
        guard !result.rows.isEmpty else { return nil }
        var columns: [String: String] = [:]
        for row in result.rows { columns[row[0] ?? ""] = row[1] ?? "" }
        guard let tool = tool(columns: columns) else {
            let shape = columns.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            throw MigratorError.adoptionRefused(.notAHistoryTable(table: "\(schema).\(table)", columns: shape))
        }
        let qualified = try db.quoteIdentifier(schema) + "." + db.quoteIdentifier(table)
        var history = LegacyHistory(tool: tool, schema: schema, table: table, versions: [])
        try tool.reader.read(db, qualified: qualified, into: &history)
        return history
    }

    /// The old tool's table that a database without migrator history has, in the history's schema or the
    /// session's current one; nil when there is none, or none that a known tool wrote.
    static func find(_ db: Connection, historySchema: String) throws -> LegacyHistory? {
        var schemas = [historySchema]
        if let current = try db.exec("SELECT current_schema() AS s").value("s"), current != historySchema { schemas.append(current) }
        for schema in schemas {
            for table in Set(Tool.allCases.map(\.defaultTable)).sorted() {
                do {
                    if let found = try read(db, schema: schema, table: table) { return found }
                } catch is MigratorError {
                    // A schema_migrations of another framework: not ours to adopt or to refuse over.
                }
            }
        }
        return nil
    }
}
