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

    public var description: String {
        switch self {
        case .files(let error): return error.description
        case .noMigrations(let found): return found.description
        case .usage(let message): return message
        case .migrationFailed(let failure): return failure.description
        case .database(let what, let error): return "\(what): \(error)"
        case .validation(let problems):
            return "validation failed:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        case .lockTimeout(let message): return message
        case .connect(let error, let attempts, let seconds):
            let tries = attempts == 1 ? "" : " after \(attempts) attempts in \(Int(seconds.rounded())) s"
            return "could not connect to the database\(tries): \(error.message)"
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

    public var description: String {
        var where_ = file
        if let line { where_ += ":\(line)" }
        if let column { where_ += ":\(column)" }
        var text = "migration \(migration) failed at \(where_)\n"
        text += "  \(error.severity ?? "ERROR")"
        if let state = error.sqlState { text += " \(state)" }
        text += ": \(error.message)"
        if let detail = error.detail { text += "\n  DETAIL: \(detail)" }
        if let hint = error.hint { text += "\n  HINT: \(hint)" }
        if let advice { text += "\n" + advice }
        return text
    }
}
