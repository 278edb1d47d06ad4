import ArgumentParser
import Migrations

/// `--to 20261125093000`, `--version 2.0.1`: a version as its file name writes it (Flyway's `1_1` too).
extension MigrationVersion: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}
