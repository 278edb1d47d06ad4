import System

/// The values a run substitutes for `${name}` in migration SQL. Opt-in and strict: with no values
/// defined, SQL goes to the server exactly as on disk; with any, every `${name}` that would be substituted
/// needs a value, or nothing is applied.
///
/// What is substituted, as PostgreSQL's lexer would see the file: `${name}` anywhere in the code, inside
/// 'strings' and "identifiers" too (so `'${env}'` and `orders_${suffix}` work); never inside `--` or
/// `/* */` comments, and never inside a `$tag$ … $tag$` dollar-quoted body (function bodies, DO blocks):
/// a plv8 body's `${x}` is JavaScript, and the delimiters stay PostgreSQL's. `$${name}` outside those
/// writes a literal `${name}`. Names are letters, digits and `_` (not starting with a digit), matched
/// without regard to case, as `MIGRATOR_VAR_APP_USER` names `app_user`.
public struct Placeholders: Sendable, Equatable {
    /// Lower-cased name → value.
    public private(set) var values: [String: String]
    /// Lower-cased names whose values are printed although the name looks secret (`--var-show`).
    public private(set) var shown: Set<String>

    public static let environmentPrefix = "MIGRATOR_VAR_"

    public init(_ values: [String: String] = [:], shown: Set<String> = []) {
        self.values = Dictionary(values.map { ($0.key.lowercased(), $0.value) }) { _, last in last }
        self.shown = Set(shown.map { $0.lowercased() })
    }

    public var isEmpty: Bool { values.isEmpty }

    public static func isName<S: StringProtocol>(_ name: S) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    /// The words that make a name look secret, anywhere in it and in any case: `db_pass`, `PGPASSWORD`,
    /// `admin_pwd`, `client_secret`, `api_token`, `api_key`, `KeyId`, `credentials`, `private_key`,
    /// `sentry_dsn`, `auth_header`, `oauth_client`. Erring on the safe side: `monkey` is masked too, and
    /// `--var-show monkey` shows it.
    public static let secretWords = ["pass", "pwd", "secret", "token", "key", "credential", "private", "dsn", "auth"]

    /// A name that says it may hold a secret.
    public static func isSecret(_ name: String) -> Bool {
        let lower = name.lowercased()
        return secretWords.contains { lower.contains($0) }
    }

    /// Whether a value is kept out of everything printed: its name looks secret and `--var-show` does not name it.
    public func isMasked(_ name: String) -> Bool {
        Self.isSecret(name) && !shown.contains(name.lowercased())
    }

    /// One line for the run's output: every name and value, secrets masked.
    public var summary: String {
        values.keys.sorted().map { name in "\(name)=\(isMasked(name) ? "***" : values[name]!)" }.joined(separator: ", ")
    }

    /// `text` with every secret value replaced by `${name}`, for server messages that may quote the SQL.
    ///
    /// The server may also quote only a piece of a value, case-folded: `PASSWORD 'Kq8'Zr7Tail'` fails with
    /// `unrecognized role option "zr7tail"`. So any run of 4 or more characters that also occurs in a
    /// secret, compared without case, becomes `***`. That may hide an ordinary word that a secret happens to
    /// contain, which is the price of never printing a piece of one. A value shorter than 6 characters
    /// counts only where it stands alone, any case, so that a token `ab` leaves "database" alone.
    public func redacting(_ text: String) -> String {
        let secrets = values.filter { isMasked($0.key) && !$0.value.isEmpty }
            .sorted { $0.value.unicodeScalars.count > $1.value.unicodeScalars.count }
        guard !secrets.isEmpty else { return text }
        let scalars = Array(text.unicodeScalars)
        let folded = scalars.map(\.properties.lowercaseMapping)
        func standsAlone(_ start: Int, _ end: Int) -> Bool {
            func isWord(_ i: Int) -> Bool {
                scalars.indices.contains(i) && (scalars[i].properties.isAlphabetic || ("0"..."9").contains(scalars[i]))
            }
            return !isWord(start - 1) && !isWord(end)
        }
        // Whole values first, longest first: where each begins, its name and length.
        var named: [Int: (name: String, length: Int)] = [:]
        var inNamed = [Bool](repeating: false, count: scalars.count)
        for (name, value) in secrets {
            let v = Array(value.unicodeScalars)
            var i = 0
            while i + v.count <= scalars.count {
                if !inNamed[i..<(i + v.count)].contains(true) && scalars[i..<(i + v.count)].elementsEqual(v)
                    && (v.count >= 6 || standsAlone(i, i + v.count))
                {
                    named[i] = (name, v.count)
                    for k in i..<(i + v.count) { inNamed[k] = true }
                    i += v.count
                } else {
                    i += 1
                }
            }
        }
        // Then pieces (or, of a short value, the whole of it in another case), outside the whole values.
        var masked = [Bool](repeating: false, count: scalars.count)
        for (_, value) in secrets {
            let v = value.unicodeScalars.map(\.properties.lowercaseMapping)
            let short = v.count < 6
            for i in scalars.indices where !inNamed[i] {
                var longest = 0
                for j in v.indices where v[j] == folded[i] && (!short || j == 0) {
                    var k = 0
                    while i + k < scalars.count, j + k < v.count, !inNamed[i + k], folded[i + k] == v[j + k] { k += 1 }
                    longest = max(longest, k)
                }
                if short ? longest == v.count && standsAlone(i, i + longest) : longest >= 4 {
                    for k in i..<(i + longest) { masked[k] = true }
                }
            }
        }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if let (name, length) = named[i] {
                out.append(contentsOf: "${\(name)}".unicodeScalars)
                i += length
            } else if masked[i] {
                out.append(contentsOf: "***".unicodeScalars)
                while i < scalars.count && masked[i] { i += 1 }
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Every section with its placeholders replaced, or every reference without a value (file:line) when
    /// any lacks one, so that nothing runs. With no values defined the sections come back as they are,
    /// but for goose's `ENVSUB ON` regions, which are substituted always.
    func substitute(_ sections: [SQLSection]) throws -> [SQLSection] {
        guard !isEmpty || sections.contains(where: \.substitutesAlways) else { return sections }
        var problems: [MigrationFileError.Problem] = []
        let out = sections.map { section -> SQLSection in
            let (result, missing) = substitute(section)
            problems += missing
            return result
        }
        guard problems.isEmpty else { throw MigrationFileError(problems: problems, what: "placeholders") }
        return out
    }

    /// Every `${name}` in `section` without a value, as `file:line`, found without substituting anything.
    func missingValues(in section: SQLSection) -> [MigrationFileError.Problem] {
        isEmpty && !section.substitutesAlways ? [] : references(in: section).missing
    }

    /// A `${name}` or `$${name}`, in the section's bytes, and what replaces it.
    private struct Reference {
        var range: Range<Int>
        var value: String
    }

    /// One pass finds every reference (and lists the missing values); a second writes the new SQL into one
    /// buffer of exactly its size. Nothing else is copied.
    private func substitute(_ section: SQLSection) -> (SQLSection, [MigrationFileError.Problem]) {
        let (found, missing) = references(in: section)
        guard !found.isEmpty, missing.isEmpty else { return (section, missing) }
        let size = section.byteCount + found.reduce(0) { $0 + $1.value.utf8.count - $1.range.count }
        var replacements: [PlaceholderMap.Replacement] = []
        let buffer = section.withBytes { s in
            TextBuffer(count: size) { out in
                var written = 0
                func write<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
                    written = UnsafeMutableBufferPointer(rebasing: out[written...]).initialize(from: bytes).1 + written
                }
                var from = 0
                for f in found {
                    write(UnsafeBufferPointer(rebasing: s[from..<f.range.lowerBound]))
                    replacements.append(
                        .init(
                            start: written, length: f.value.utf8.count, valueCodePoints: f.value.unicodeScalars.count,
                            originalLength: f.range.count))
                    write(f.value.utf8)
                    from = f.range.upperBound
                }
                write(UnsafeBufferPointer(rebasing: s[from...]))
                precondition(written == size, "substituted \(written) bytes, expected \(size)")
            }
        }
        var result = SQLSection(
            buffer: buffer, range: buffer.all, file: section.file, firstLine: section.firstLine, transactional: section.transactional)
        result.placeholders = PlaceholderMap(replacements: replacements)
        // Block bounds are line starts and a reference lies within a line: each moves by the references before it.
        func moved(_ position: Int) -> Int {
            position + found.lazy.filter { $0.range.upperBound <= position }.reduce(0) { $0 + $1.value.utf8.count - $1.range.count }
        }
        result.statementBlocks = section.statementBlocks.map { moved($0.lowerBound)..<moved($0.upperBound) }
        result.substitutionRegions = []
        return (result, missing)
    }

    private func references(in section: SQLSection) -> (found: [Reference], missing: [MigrationFileError.Problem]) {
        var found: [Reference] = []
        var missing: [MigrationFileError.Problem] = []
        // goose's ENVSUB regions, where they are set: references only there, dollar-quoted bodies included.
        let regions = section.substitutionRegions
        func inRegion(_ k: Int) -> Bool { regions.map { $0.contains { $0.contains(k) } } ?? true }
        section.withBytes { s in
            var line = section.firstLine
            var i = 0
            func copy(to end: Int) {
                let stop = min(end, s.count)
                while i < stop {
                    if s[i] == UInt8(ascii: "\n") { line += 1 }
                    i += 1
                }
            }
            /// `${name}` or `$${name}` at `i`: records its replacement and returns true.
            func placeholder() -> Bool {
                let escaped = s[i] == UInt8(ascii: "$") && i + 1 < s.count && s[i + 1] == UInt8(ascii: "$")
                let open = escaped ? i + 1 : i
                guard s[open] == UInt8(ascii: "$"), open + 1 < s.count, s[open + 1] == UInt8(ascii: "{") else { return false }
                var close = open + 2
                while close < s.count && s[close] != UInt8(ascii: "}") && close - open < 200 { close += 1 }
                guard close < s.count, s[close] == UInt8(ascii: "}") else { return false }
                let name = String(decoding: UnsafeBufferPointer(rebasing: s[(open + 2)..<close]), as: UTF8.self)
                guard inRegion(i) else { return false }
                guard Self.isName(name) else {
                    // Flyway's built-in ${flyway:user} and the like would be filled by Flyway: never sent as written.
                    if regions != nil, name.hasPrefix("flyway:") {
                        missing.append(
                            .init(
                                file: "\(section.file):\(line)",
                                reason:
                                    "${\(name)} is one of Flyway's built-in placeholders, which the migrator does not fill: write its value, or use a ${name} of your own"
                            ))
                        return false
                    }
                    // goose's ${NAME:-default} and the like would be substituted by goose: never sent as written.
                    let head = name.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                    if regions != nil, Self.isName(head), let mark = name.dropFirst(head.count).first, ":-=?+".contains(mark) {
                        missing.append(
                            .init(
                                file: "\(section.file):\(line)",
                                reason:
                                    "${\(name)} uses a shell-style modifier, which placeholders do not have: write ${\(head)} and give it a value"
                            ))
                    }
                    return false
                }
                let value: String
                if escaped {
                    value = "${\(name)}"
                } else if let v = values[name.lowercased()] {
                    value = v
                } else {
                    missing.append(
                        .init(
                            file: "\(section.file):\(line)",
                            reason: "${\(name)} has no value", hint: .setPlaceholder(name)))
                    value = ""
                }
                found.append(Reference(range: i..<(close + 1), value: value))
                i = close + 1
                return true
            }
            /// Code up to `end` (a quoted string's or identifier's closing quote included), placeholders found.
            func substitute(to end: Int) {
                while i < end {
                    if s[i] == UInt8(ascii: "$"), placeholder() { continue }
                    copy(to: i + 1)
                }
            }

            while i < s.count {
                let c = s[i]
                if let end = SQLLexer.endOfComment(s, at: i) {
                    copy(to: end)
                    continue
                }
                switch c {
                case UInt8(ascii: "'"):
                    substitute(to: SQLLexer.endOfQuoted(s, from: i, quote: c, backslashEscapes: SQLLexer.opensEscapeString(s, at: i)))
                case UInt8(ascii: "\""):
                    substitute(to: SQLLexer.endOfQuoted(s, from: i, quote: c, backslashEscapes: false))
                case UInt8(ascii: "$"):
                    if placeholder() { continue }
                    if let tagEnd = SQLLexer.dollarQuote(s, at: i) {
                        let end = SQLLexer.endOfDollarQuote(s, tagEnd: tagEnd, from: i)
                        // goose substitutes inside function bodies too.
                        if regions != nil { substitute(to: end) } else { copy(to: end) }
                    } else {
                        copy(to: i + 1)
                    }
                default:
                    copy(to: i + 1)
                }
            }
        }
        return (found, missing)
    }
}

/// Where the SQL sent to the server came from in the file, once placeholders changed lengths: server
/// error positions count characters of the substituted SQL, the file's line:column those of the file.
/// Values and `${name}` are each one line, so a replacement moves columns, never lines.
public struct PlaceholderMap: Sendable, Equatable {
    struct Replacement: Sendable, Equatable {
        /// Bytes into the substituted SQL where the value starts, and its length there.
        var start: Int
        var length: Int
        /// The value's length in characters (code points), as columns count.
        var valueCodePoints: Int
        /// Length of `${name}` (or `$${name}`, ASCII) in the file.
        var originalLength: Int
    }

    var replacements: [Replacement]
}
