import Hashing

/// One versioned migration as read from disk.
public struct Migration: Equatable {
    /// A sequence number (0 and up), a timestamp such as 20261125093000, or Flyway's dotted "2.0.1"; its
    /// text is as the file name spells it ("0002" for version 2).
    public var version: MigrationVersion
    public var name: String
    public var up: SQLSection
    /// Nil when the migration cannot be rolled back: no down file, or no `-- migrate:down` section.
    public var down: SQLSection?
    /// The down is empty or only comments (0 bytes, `-- no-op`, an empty `-- migrate:down` section): rolling
    /// back runs nothing and removes the history row, as golang-migrate and dbmate do.
    public var downIsEmpty = false
    /// Lower-case hex SHA-256 of `up.text` with CRLF line endings read as LF: what the history compares
    /// to notice an edited file. A checkout that converts line endings (git's autocrlf on Windows) does
    /// not edit the SQL, so it must not look like an edit.
    public var checksum: String
    /// The SHA-256 of `up.text` exactly as read, which earlier versions recorded: still accepted, so
    /// CRLF files applied by them are not reported as changed.
    public var exactChecksum: String
    /// Something `status` should mention about the files, such as a down file named unlike its up file.
    public var note: String?
    /// Which tool's files it came from; Prisma's have no down by design, not by omission.
    public var layout = MigrationLayout.golangMigrate

    public init(version: MigrationVersion, name: String, up: SQLSection, down: SQLSection?) {
        self.version = version
        self.name = name
        self.up = up
        self.down = down
        (checksum, exactChecksum) = up.checksums
    }

    /// Whether a checksum in the history is this file's.
    public func matches(checksum recorded: String) -> Bool {
        recorded == checksum || recorded == exactChecksum
    }

    /// The version as its file name spells it, for every line that names the file.
    public var versionText: String { version.text }

    /// "20261125093000_create_users", "0002_touch_fn" or "V2.0.1__add_index": the file's name as on disk,
    /// without the layout's suffix, so that searching the logs for a file name finds its lines.
    public var label: String { Self.label(versionText, name, layout) }

    static func label(_ version: String, _ name: String, _ layout: MigrationLayout?) -> String {
        layout == .flyway ? "V\(version)\(FlywayFile.separator)\(name)" : "\(version)_\(name)"
    }
}

extension Migration: VersionOrdered {}

extension SQLSection {
    /// The SHA-256 (lower-case hex) of the SQL with CRLF line endings read as LF, and of the SQL exactly as
    /// read; the same when it has no CR. Hashed straight from the file's bytes: a CRLF file is fed to the
    /// digest in pieces between its CRs, never copied. A "\r" at the very end goes too: a section cut
    /// from a CRLF file ends with the "\r" of a line whose "\n" is outside it.
    var checksums: (normalized: String, exact: String) {
        if let released { return (released.normalized, released.exact) }
        return withBytes { bytes in
            let exact = SHA256.hash(bytes).hex
            guard bytes.contains(UInt8(ascii: "\r")) else { return (exact, exact) }
            var digest = SHA256()
            var from = 0
            for i in bytes.indices where bytes[i] == UInt8(ascii: "\r") {
                if i + 1 == bytes.count || bytes[i + 1] == UInt8(ascii: "\n") {
                    digest.update(UnsafeBufferPointer(rebasing: bytes[from..<i]))
                    from = i + 1
                }
            }
            digest.update(UnsafeBufferPointer(rebasing: bytes[from...]))
            return (digest.finalize().hex, exact)
        }
    }
}
