/// Text from files, the database server or other processes must not be able to forge lines in the
/// output (a file named `x\napplied 0003_backdoor.sql`), move the cursor or recolour a terminal (ESC
/// sequences), or reorder what a reader sees (bidirectional overrides). These are the characters that can.
extension Unicode.Scalar {
    /// C0 and C1 controls and DEL (general category Cc), the line and paragraph separators U+2028 and
    /// U+2029, and the bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E,
    /// U+2066–U+2069).
    public var isOutputControl: Bool {
        switch value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}

extension String {
    public var containsOutputControls: Bool {
        // Printable ASCII, nearly every line and file name, is decided on the contiguous bytes: through the
        // generic views this check cost 7,000 instructions a name.
        let ascii = utf8.withContiguousStorageIfAvailable { bytes in !bytes.contains { $0 < 0x20 || $0 >= 0x7F } }
        if ascii == true { return false }
        return unicodeScalars.contains(where: \.isOutputControl)
    }

    /// The text with every output control written out as an escape, Go's %q style: `\n`, `\r`, `\t`,
    /// `\x1b` below U+0080 and `\u202e` above. Everything else, backslashes too, is left as it is.
    public func escapingOutputControls() -> String {
        guard containsOutputControls else { return self }
        var out = ""
        for scalar in unicodeScalars {
            guard scalar.isOutputControl else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(scalar.value, radix: 16)
                let width = scalar.value < 0x80 ? 2 : 4
                out += (width == 2 ? "\\x" : "\\u") + String(repeating: "0", count: width - hex.count) + hex
            }
        }
        return out
    }
}
