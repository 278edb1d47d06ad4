/// Durations as people type them: 500ms, 90s, 10m, 2h, 1h30m; a bare number is seconds.
enum DurationText {
    static func seconds(_ text: String) -> Double? {
        if let plain = Double(text), plain >= 0 { return plain }
        var total = 0.0
        var number = ""
        var chars = Array(text)
        var i = 0
        guard !chars.isEmpty else { return nil }
        while i < chars.count {
            let c = chars[i]
            if c.isNumber || c == "." {
                number.append(c)
                i += 1
                continue
            }
            guard let value = Double(number) else { return nil }
            number = ""
            if c == "m" && i + 1 < chars.count && chars[i + 1] == "s" {
                total += value / 1000
                i += 2
                continue
            }
            switch c {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            default: return nil
            }
            i += 1
        }
        chars.removeAll()
        return number.isEmpty ? total : nil
    }
}
