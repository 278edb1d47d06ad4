import Hashing

/// One versioned migration as read from disk.
public struct Migration: Sendable, Equatable {
    /// A positive integer: a sequence number or a timestamp such as 20261125093000.
    public var version: Int64
    public var name: String
    public var up: SQLSection
    /// Nil when the migration cannot be rolled back (no down file, or an empty down section).
    public var down: SQLSection?
    /// Lower-case hex SHA-256 of `up.text`: what the history compares to notice an edited file.
    public var checksum: String

    public init(version: Int64, name: String, up: SQLSection, down: SQLSection?) {
        self.version = version
        self.name = name
        self.up = up
        self.down = down
        checksum = SHA256.hash(up.text).hex
    }

    /// "20261125093000_create_users", as people refer to it.
    public var label: String { "\(version)_\(name)" }
}
