/// A migration's version: one number (golang-migrate, dbmate, goose, Prisma: `0002`, `20261125093000`) or
/// Flyway's dotted parts (`1`, `1.1`, `2.0.1`, `1_1` read as `1.1`).
///
/// Ordered and compared as Flyway orders its versions, part by part as numbers: `1.10` comes after `1.9`,
/// and trailing zero parts do not count, so `1` and `1.0` are the same version (and two files of them a
/// duplicate). A one-part version orders as its number, as it always has. The text stays as written, for
/// the file names it labels (`0002_touch_fn`, `V1_1__add`); messages and the history show a one-number
/// version as its number, as they always have, and Flyway's as written (`description`).
public struct MigrationVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The first part, and the others (empty for the one-number versions of every layout but Flyway's):
    /// kept apart so that a one-number version allocates nothing and hashes and compares as a number does,
    /// which status and a no-op `up` do thousands of times.
    private let first: UInt64
    private let rest: [UInt64]

    /// The numeric parts without trailing zero parts, at least one: what orders and identifies the version.
    public var parts: [UInt64] { [first] + rest }
    /// As written: "0002", "2.0.1", "1_1".
    public let text: String

    /// A one-part version; `text` defaults to the number's digits.
    public init(_ number: UInt64, text: String? = nil) {
        first = number
        rest = []
        self.text = text ?? String(number)
    }

    /// Digits in parts separated by `.` or `_`, as Flyway writes them ("2.0.1", "1_1", "0002"); nil for any
    /// other text, an empty part, or a part larger than `UInt64.max`.
    public init?(parsing text: String) {
        if let number = Self.number(text.utf8) {
            first = number
            rest = []
            self.text = text
            return
        }
        var parts: [UInt64] = []
        for part in text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            .flatMap({ $0.split(separator: UInt8(ascii: "_"), omittingEmptySubsequences: false) })
        {
            guard !part.isEmpty, part.allSatisfy({ (0x30...0x39).contains($0) }),
                let number = UInt64(String(decoding: part, as: UTF8.self))
            else { return nil }
            parts.append(number)
        }
        while parts.count > 1 && parts.last == 0 { parts.removeLast() }
        first = parts[0]
        rest = Array(parts.dropFirst())
        self.text = text
    }

    /// Only ASCII digits, at most `UInt64.max`: the one-number versions, read without splitting.
    private static func number(_ digits: String.UTF8View) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard (0x30...0x39).contains(byte) else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// The number of a one-part version that fits in `Int64` (every version of the one-number layouts).
    public var number: Int64? {
        rest.isEmpty ? Int64(exactly: first) : nil
    }

    /// What the history table's `version` column holds: a one-number version as its number, as earlier
    /// releases recorded it (`2` for `0002`, so `WHERE version = '2'` finds it whatever the padding);
    /// Flyway's dotted versions as written.
    public var recorded: String {
        text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) ? String(first) : text
    }

    /// PostgreSQL's `numeric[]` literal of the parts ("{1,10}"): the history table's ordering column.
    var orderLiteral: String {
        "{" + parts.map(String.init).joined(separator: ",") + "}"
    }

    /// As messages and the history show it: `recorded`.
    public var description: String { recorded }

    public static func == (a: Self, b: Self) -> Bool { a.first == b.first && a.rest == b.rest }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(first)
        if !rest.isEmpty { hasher.combine(rest) }
    }

    /// Part by part; a version that is a prefix of another comes first (`1.1` before `1.1.1`).
    public static func < (a: Self, b: Self) -> Bool {
        a.first != b.first ? a.first < b.first : a.rest.lexicographicallyPrecedes(b.rest)
    }
}

extension MigrationVersion: CustomDebugStringConvertible {
    /// The version's identity, whatever its spelling: "2" for `0002`, "1.1" for `1_1` and `1.1.0`.
    public var debugDescription: String { parts.map(String.init).joined(separator: ".") }
}

extension MigrationVersion: ExpressibleByIntegerLiteral {
    public init(integerLiteral number: UInt64) {
        self.init(number)
    }
}

extension MigrationVersion: Encodable {
    /// A number when the version is one (as `status --output json` always wrote it), else the text as
    /// written (Flyway's "2.0.1").
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let number, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            try container.encode(number)
        } else {
            try container.encode(text)
        }
    }
}
