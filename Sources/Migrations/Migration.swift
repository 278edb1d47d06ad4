import Hashing

/// One versioned migration as read from disk.
public struct Migration: Sendable, Equatable {
    /// A sequence number (0 and up) or a timestamp such as 20261125093000.
    public var version: Int64
    /// The version as its file name spells it ("0002" for version 2), for every line that names the file.
    public var versionText: String
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

    public init(version: Int64, name: String, up: SQLSection, down: SQLSection?) {
        self.version = version
        versionText = String(version)
        self.name = name
        self.up = up
        self.down = down
        exactChecksum = SHA256.hash(up.text).hex
        let hasCR =
            up.text.utf8.withContiguousStorageIfAvailable { $0.contains(UInt8(ascii: "\r")) }
            ?? up.text.utf8.contains(UInt8(ascii: "\r"))
        checksum =
            hasCR
            ? SHA256.hash(up.text.replacingCRLF()).hex
            : exactChecksum
    }

    /// Whether a checksum in the history is this file's.
    public func matches(checksum recorded: String) -> Bool {
        recorded == checksum || recorded == exactChecksum
    }

    /// "20261125093000_create_users" or "0002_touch_fn": the file's name as on disk, without the layout's
    /// suffix, so that searching the logs for a file name finds its lines.
    public var label: String { "\(versionText)_\(name)" }
}

extension String {
    /// "\r\n" → "\n", on the bytes ("\r\n" is one Character in Swift). A "\r" at the very end goes too:
    /// a section cut from a CRLF file ends with the "\r" of a line whose "\n" is outside it.
    func replacingCRLF() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var pendingCR = false
        for byte in utf8 {
            if pendingCR && byte != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\r")) }
            pendingCR = byte == UInt8(ascii: "\r")
            if !pendingCR { out.append(byte) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
