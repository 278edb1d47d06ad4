/// Durations as people write them: `90s`, `30m`, `2h`, `1h30m`, `1m30s`, `500ms`, or plain seconds (`45`).
public enum DurationText {
    public struct Invalid: Error, CustomStringConvertible {
        public let text: String
        public var tooLong = false
        public var zero = false
        public var negative = false
        public var description: String {
            if negative { return "\"\(text)\" is negative; give a duration above zero, e.g. 90s, 30m or 2h" }
            if tooLong { return "\"\(text)\" is longer than the longest duration accepted, 365d" }
            if zero { return "\"\(text)\" is no time at all; give a duration above zero, e.g. 90s, 30m or 2h" }
            return "\"\(text)\" is not a duration; use for example 90s, 30m, 2h or 1h30m"
        }
    }

    /// The longest duration accepted: a year, far beyond any sensible wait, and small enough that every
    /// caller can turn it into whole milliseconds.
    public static let maximum: Double = 365 * 86400

    /// Seconds in `text`; throws for anything else, including negative durations, durations over `maximum`,
    /// and zero unless `allowingZero` (for options where 0 means "do not wait").
    public static func seconds(_ text: String, allowingZero: Bool = false) throws -> Double {
        let trimmed = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        if trimmed.hasPrefix("-"), (try? seconds(String(trimmed.dropFirst()), allowingZero: true)) != nil {
            throw Invalid(text: text, negative: true)
        }
        if trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let plain = Double(trimmed) {
            guard plain > 0 || allowingZero else { throw Invalid(text: text, zero: true) }
            guard plain <= maximum else { throw Invalid(text: text, tooLong: true) }
            return plain
        }
        var total = 0.0
        var rest = Substring(trimmed)
        var units: Set<String> = []
        guard !rest.isEmpty else { throw Invalid(text: text) }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), !unit.isEmpty, !units.contains(String(unit)) else { throw Invalid(text: text) }
            units.insert(String(unit))
            switch unit {
            case "ms": total += value / 1000
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86400
            default: throw Invalid(text: text)
            }
        }
        guard total.isFinite, total >= 0 else { throw Invalid(text: text) }
        guard total > 0 || allowingZero else { throw Invalid(text: text, zero: true) }
        guard total <= maximum else { throw Invalid(text: text, tooLong: true) }
        return total
    }

    /// `75` → `1m15s`, `3600` → `1h0m0s`; whole seconds below a minute keep one decimal under 10 s.
    public static func format(_ seconds: Double) -> String {
        let s = max(0, seconds)
        if s < 10 { return String(Int(s * 10) / 10) + "." + String(Int(s * 10) % 10) + "s" }
        let whole = Int(s)
        let h = whole / 3600, m = whole % 3600 / 60, sec = whole % 60
        if h > 0 { return "\(h)h\(m)m\(sec)s" }
        if m > 0 { return "\(m)m\(sec)s" }
        return "\(sec)s"
    }
}
