/// The two trimmings the programs need. They differ on purpose: AWS files and answers are trimmed of
/// exactly the four ASCII blanks the SDKs strip there, migration files of any white space a person may type.
extension StringProtocol {
    /// Without leading and trailing spaces, tabs, CRs and LFs (and nothing else: not \v, \f or Unicode
    /// spaces), as AWS config files, token files, answers and HTTP header lines are read. "\r\n" is one
    /// Character in Swift, equal to neither "\r" nor "\n", so it is named too.
    public func trimmingSpacesTabsAndNewlines() -> String {
        func isBlank(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" }
        var s = Substring(self)
        while let c = s.first, isBlank(c) { s.removeFirst() }
        while let c = s.last, isBlank(c) { s.removeLast() }
        return String(s)
    }

    /// Without leading and trailing white space as `Character.isWhitespace` has it (Unicode spaces too),
    /// as migration directives are read.
    public func trimmingUnicodeWhitespace() -> String {
        let whole = String(self)
        let bytes = whole.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            // ASCII: white space is " " and \t…\r, found without Character breaking.
            let isSpace = { (b: UInt8) in b == 0x20 || (0x09...0x0D).contains(b) }
            guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
                return ""
            }
            return String(decoding: bytes[first...last], as: UTF8.self)
        }
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
