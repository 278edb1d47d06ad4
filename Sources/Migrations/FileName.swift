import System

/// A migration file name taken apart.
struct FileName {
    enum Kind { case up, down, combined }
    let version: MigrationVersion
    /// The version's digits as the file name spells them, leading zeros included.
    let versionText: String
    let name: String
    let kind: Kind

    init?(_ file: String) {
        // On the bytes: a thousand names must not cost a Character walk each.
        var end = file.utf8.count - 4 // ".sql"
        let bytes = Array(file.utf8)
        guard end > 0 else { return nil }
        func hasSuffix(_ suffix: StaticString) -> Bool {
            let n = suffix.utf8CodeUnitCount
            return end >= n && bytes[(end - n)..<end].elementsEqual(UnsafeBufferPointer(start: suffix.utf8Start, count: n))
        }
        let kind: Kind
        if hasSuffix(".up") {
            kind = .up
            end -= 3
        } else if hasSuffix(".down") {
            kind = .down
            end -= 5
        } else {
            kind = .combined
        }
        guard let underscore = bytes[..<end].firstIndex(of: UInt8(ascii: "_")), underscore > 0, underscore + 1 < end,
            bytes[..<underscore].allSatisfy({ (0x30...0x39).contains($0) })
        else { return nil }
        versionText = String(decoding: bytes[..<underscore], as: UTF8.self)
        // golang-migrate parses the digits as an unsigned integer and dbmate keeps them as text: 0 is a version.
        guard let number = Int64(versionText) else { return nil }
        version = MigrationVersion(UInt64(number), text: versionText)
        name = String(decoding: bytes[(underscore + 1)..<end], as: UTF8.self)
        self.kind = kind
    }
}

extension FileName {
    /// Why a `.sql` file name is not a migration's, as specifically as can be said.
    static func problem(_ file: String) -> String {
        let expected = "expected VERSION_NAME.sql, VERSION_NAME.up.sql or VERSION_NAME.down.sql with VERSION a number (0 or more)"
        var stem = Substring(file.dropLast(4))
        for suffix in [".up", ".down"] where stem.hasSuffix(suffix) { stem = stem.dropLast(suffix.count) }
        let digits = stem.prefix { $0.isASCII && $0.isNumber }
        let rest = stem.dropFirst(digits.count)
        if !digits.isEmpty, rest.hasPrefix("_") {
            if Int64(digits) == nil { return "not a migration name: the version \(digits) is larger than \(Int64.max)" }
            if rest.dropFirst().isEmpty { return "not a migration name: nothing follows the version's _; \(expected)" }
        }
        return "not a migration name: \(expected)"
    }
}
