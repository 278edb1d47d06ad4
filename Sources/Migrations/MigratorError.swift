import Postgres

/// Why a command failed, with the exit code the `migrator` executable documents.
public enum MigratorError: Error, CustomStringConvertible {
    /// Bad migration files: nothing ran. Exit 64.
    case files(MigrationFileError)
    /// No migration in the directory, and what is there instead: nothing ran. Exit 64.
    case noMigrations(NoMigrationsFound)
    /// A usage problem found only after reading files or history (an unknown version, a missing down). Exit 64.
    case usage(String)
    /// A migration failed and was rolled back (or, outside a transaction, left `running`). Exit 1.
    case migrationFailed(MigrationFailure)
    /// The database refused something outside a migration (history, lock). Exit 1.
    case database(String, PostgresError)
    /// Validation found drift, or `up` refused because of it. Exit 3.
    case validation([String])
    /// Another migrator held the lock for longer than --lock-wait. Exit 4.
    case lockTimeout(String)
    /// No connection within --wait. Exit 5.
    case connect(PostgresError, attempts: Int, seconds: Double)

    public var exitCode: Int32 {
        switch self {
        case .files, .noMigrations, .usage: return 64
        case .migrationFailed, .database: return 1
        case .validation: return 3
        case .lockTimeout: return 4
        case .connect: return 5
        }
    }

    public var description: String { lines.joined(separator: "\n") }

    /// The message a line at a time, as the migrator's own words break it. Text from files and the server
    /// inside a line may hold newlines and other control characters of its own: the executable escapes
    /// them when it writes each line, so such text cannot start a line that looks like the migrator's.
    public var lines: [String] {
        switch self {
        case .files(let error): return error.lines
        case .noMigrations(let found): return [found.description]
        case .usage(let message): return [message]
        case .migrationFailed(let failure): return failure.lines
        case .database(let what, let error):
            return ["\(what): \(error.message)" + (error.sqlState.map { " (SQLSTATE \($0))" } ?? "")]
                + (error.detail.map { ["DETAIL: \($0)"] } ?? []) + (error.hint.map { ["HINT: \($0)"] } ?? [])
        case .validation(let problems):
            return ["validation failed:"] + problems.map { "  - \($0)" }
        case .lockTimeout(let message): return [message]
        case .connect(let error, let attempts, let seconds):
            let tries = attempts == 1 ? "" : " after \(attempts) attempts in \(Int(seconds.rounded())) s"
            return ["could not connect to the database\(tries): \(error.message)"]
        }
    }
}

/// A migration that the server rejected, located in its file.
public struct MigrationFailure: CustomStringConvertible, Sendable {
    public var migration: String
    public var file: String
    public var line: Int?
    public var column: Int?
    public var error: PostgresError
    /// For a migration outside a transaction: what the person must check and run next.
    public var advice: String?

    public var description: String { lines.joined(separator: "\n") }

    /// The message a line at a time (see `MigratorError.lines`).
    public var lines: [String] {
        var where_ = file
        if let line { where_ += ":\(line)" }
        if let column { where_ += ":\(column)" }
        var lines = ["migration \(migration) failed at \(where_)"]
        lines.append("  \(error.severity ?? "ERROR")" + (error.sqlState.map { " \($0)" } ?? "") + ": \(error.message)")
        if let detail = error.detail { lines.append("  DETAIL: \(detail)") }
        if let hint = error.hint { lines.append("  HINT: \(hint)") }
        if let advice { lines.append(advice) }
        return lines
    }
}
