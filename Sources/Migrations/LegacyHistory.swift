import Postgres

/// The history table of the tool a team used before the migrator, as that tool wrote it.
///
/// Recognised by its columns, not its name alone, because other frameworks (Rails, Diesel, goose) name
/// theirs `schema_migrations` too:
/// - golang-migrate: `version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL`, one row holding the
///   latest version applied;
/// - dbmate: `version varchar(128) PRIMARY KEY`, one row per applied version;
/// - goose: `goose_db_version` (`GooseHistory`); Prisma: `_prisma_migrations` (`PrismaHistory`).
public struct LegacyHistory: Sendable, Equatable {
    public enum Tool: String, Sendable, CaseIterable {
        case golangMigrate = "golang-migrate"
        case dbmate
        case goose
        case prisma

        /// The table the tool writes unless told otherwise.
        public var defaultTable: String {
            switch self {
            case .golangMigrate, .dbmate: return LegacyHistory.defaultTable
            case .goose: return GooseHistory.table
            case .prisma: return PrismaHistory.table
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
    var dirty: Bool
    /// Prisma only: migrations started and never finished nor rolled back (a failed `migrate deploy`).
    var unfinished: [String] = []
    /// Prisma only: by version, the migration (folder) name and the checksum recorded for it.
    var names: [Int64: String] = [:]
    var checksums: [Int64: String] = [:]

    /// "public.schema_migrations", for messages.
    var name: String { "\(schema).\(table)" }

    /// One line saying what the table records, for messages.
    var summary: String {
        switch tool {
        case .golangMigrate:
            guard let version = versions.first else { return "\(tool.rawValue)'s \(name), with no version applied" }
            return "\(tool.rawValue)'s \(name), at version \(version)\(dirty ? " (dirty)" : "")"
        case .dbmate, .goose, .prisma:
            let numbers = versions.compactMap { Int64($0) }
            return "\(tool.rawValue)'s \(name), with \(versions.count) applied version\(versions.count == 1 ? "" : "s")"
                + (numbers.max().map { ", the newest \($0)" } ?? "")
                + (unfinished.isEmpty ? "" : " and \(unfinished.count) that never finished")
        }
    }

    /// Which tool wrote a table with these columns (name → type as `format_type` prints it), or nil.
    static func tool(columns: [String: String]) -> Tool? {
        if columns == ["version": "bigint", "dirty": "boolean"] { return .golangMigrate }
        if columns.count == 1, let type = columns["version"],
            type == "text" || type.hasPrefix("character varying")
        {
            return .dbmate
        }
        if GooseHistory.matches(columns: columns) { return .goose }
        if PrismaHistory.matches(columns: columns) { return .prisma }
        return nil
    }

    /// Reads the table `table` (a name, or schema.name) in `schema`; nil when there is no such table.
    /// Throws `.usage` when it exists but no known tool wrote it.
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
            throw MigratorError.usage(
                "\(schema).\(table) (\(shape)) is not a history table of golang-migrate "
                    + "(version bigint, dirty boolean) or dbmate (version varchar), nor goose's \(GooseHistory.table) "
                    + "or Prisma's \(PrismaHistory.table); nothing was changed")
        }
        let qualified = try db.quoteIdentifier(schema) + "." + db.quoteIdentifier(table)
        switch tool {
        case .golangMigrate:
            let rows = try db.exec("SELECT version, dirty FROM \(qualified)").rows
            guard rows.count <= 1 else {
                throw MigratorError.usage(
                    "\(schema).\(table) has \(rows.count) rows, but golang-migrate keeps exactly one "
                        + "(the latest version); fix it with golang-migrate's `migrate force VERSION` first; nothing was changed")
            }
            return LegacyHistory(
                tool: tool, schema: schema, table: table, versions: rows.map { $0[0] ?? "" },
                dirty: rows.first?[1] == "t")
        case .dbmate:
            let rows = try db.exec("SELECT version FROM \(qualified) ORDER BY version").rows
            return LegacyHistory(tool: tool, schema: schema, table: table, versions: rows.map { $0[0] ?? "" }, dirty: false)
        case .goose: return try GooseHistory.read(db, qualified: qualified, schema: schema, table: table)
        case .prisma: return try PrismaHistory.read(db, qualified: qualified, schema: schema, table: table)
        }
    }

    /// The old tool's table that a database without migrator history has, in the history's schema or the
    /// session's current one; nil when there is none, or none that a known tool wrote.
    static func find(_ db: Connection, historySchema: String) throws -> LegacyHistory? {
        var schemas = [historySchema]
        if let current = try db.exec("SELECT current_schema() AS s").value("s"), current != historySchema { schemas.append(current) }
        for schema in schemas {
            for table in [defaultTable, GooseHistory.table, PrismaHistory.table] {
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
