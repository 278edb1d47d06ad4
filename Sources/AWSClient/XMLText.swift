import System

/// Reads element text out of the small, flat XML documents the query protocol returns
/// (STS credentials, IAM results, `<Error><Code>`). Not a general XML parser: no namespaces or CDATA.
struct XMLText {
    let text: String

    init(_ bytes: [UInt8]) { text = String(decoding: bytes, as: UTF8.self) }
    init(_ text: String) { self.text = text }

    /// The decoded text of the first `<name>` element, searching inside the first element of each
    /// enclosing name in `path` order, e.g. `value("Credentials", "SessionToken")`.
    func value(_ path: String...) -> String? {
        var scope = Substring(text)
        for name in path {
            guard let inner = Self.firstElement(named: name, in: scope) else { return nil }
            scope = inner
        }
        return Self.decodeEntities(String(scope)).trimmingSpacesTabsAndNewlines()
    }

    /// Whether the document looks like XML at all.
    var isXML: Bool { text.trimmingSpacesTabsAndNewlines().hasPrefix("<") }

    private static func firstElement(named name: String, in scope: Substring) -> Substring? {
        var search = scope.startIndex
        while let open = scope[search...].firstRange(of: "<" + name) {
            let afterName = open.upperBound
            guard afterName < scope.endIndex else { return nil }
            let next = scope[afterName]
            if next == ">" || next == " " || next == "\n" || next == "\t" || next == "/" {
                guard let close = scope[afterName...].firstIndex(of: ">") else { return nil }
                if scope[scope.index(before: close)] == "/" { return scope[close..<close] } // <name/>
                let contentStart = scope.index(after: close)
                guard let end = scope[contentStart...].firstRange(of: "</" + name + ">") else { return nil }
                return scope[contentStart..<end.lowerBound]
            }
            search = afterName
        }
        return nil
    }

    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "&", let semi = s[i...].firstIndex(of: ";"), s.distance(from: i, to: semi) <= 10 {
                let entity = s[s.index(after: i)..<semi]
                var replacement: String?
                switch entity {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let n = UInt32(entity.dropFirst(2), radix: 16),
                        let u = Unicode.Scalar(n)
                    {
                        replacement = String(Character(u))
                    } else if entity.hasPrefix("#"), let n = UInt32(entity.dropFirst()), let u = Unicode.Scalar(n) {
                        replacement = String(Character(u))
                    }
                }
                if let replacement {
                    out += replacement
                    i = s.index(after: semi)
                    continue
                }
            }
            out.append(s[i])
            i = s.index(after: i)
        }
        return out
    }
}
