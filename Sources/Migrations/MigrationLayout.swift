/// The migration layouts the migrator reads: which tool's files a migration came from. One directory holds
/// one tool's files (and `R__` repeatables); golang-migrate's and dbmate's may be mixed, as the migrator has always read them.
public enum MigrationLayout: String, Sendable, CaseIterable {
    /// `VERSION_NAME.up.sql` and `VERSION_NAME.down.sql`.
    case golangMigrate = "golang-migrate"
    /// `VERSION_NAME.sql` with `-- migrate:up` and `-- migrate:down`.
    case dbmate
    /// `VERSION_NAME.sql` with `-- +goose Up` and `-- +goose Down` (`GooseFile`).
    case goose
    /// `TIMESTAMP_NAME/migration.sql` folders beside `migration_lock.toml` (`PrismaFolder`). No downs.
    case prisma = "Prisma"
    /// `V<version>__<description>.sql` and `U<version>__<description>.sql` (`FlywayFile`).
    case flyway = "Flyway"

    /// Layouts that may share a directory have the same family.
    var family: Int {
        switch self {
        case .golangMigrate, .dbmate: return 0
        case .goose: return 1
        case .prisma: return 2
        case .flyway: return 3
        }
    }
}
