/// JSON written straight into bytes, exactly as `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]`
/// writes the same values: no white space, `"`, `\` and controls below U+0020 escaped (`\b \t \n \f \r`,
/// else `\u00xx`), everything else as it is. The caller writes each object's keys in sorted order, and a
/// nil value leaves its key out, as synthesized `Encodable` conformances do.
///
/// `status --output json` over a thousand migrations spent 80 M instructions in `JSONEncoder`, more than
/// loading and checksumming every file; this writes the same document for a few.
struct JSONText {
    private(set) var bytes: [UInt8] = []
    /// Whether the object or array being written has no member yet (no comma before the next).
    private var empty = true

    mutating func object(_ key: String? = nil, _ members: (inout JSONText) throws -> Void) rethrows {
        if let key { self.key(key) } else { separate() }
        bytes.append(UInt8(ascii: "{"))
        empty = true
        try members(&self)
        bytes.append(UInt8(ascii: "}"))
        empty = false
    }

    mutating func array<Items: Sequence>(_ key: String, _ items: Items, _ element: (inout JSONText, Items.Element) throws -> Void)
        rethrows
    {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        empty = true
        for item in items { try element(&self, item) }
        bytes.append(UInt8(ascii: "]"))
        empty = false
    }

    mutating func string(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        quoted(value)
    }

    mutating func number<Number: BinaryInteger>(_ key: String, _ value: Number?) {
        guard let value else { return }
        self.key(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ key: String, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    private mutating func separate() {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
    }

    private mutating func key(_ key: String) {
        separate()
        quoted(key)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var utf8 = text
        utf8.withUTF8 { text in
            var plain = 0
            for (index, byte) in text.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: text[plain..<index])
                plain = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
                case 0x08: bytes.append(contentsOf: #"\b"#.utf8)
                case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
                case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
                case 0x0C: bytes.append(contentsOf: #"\f"#.utf8)
                case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: #"\u00"#.utf8)
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                }
            }
            bytes.append(contentsOf: text[plain...])
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
