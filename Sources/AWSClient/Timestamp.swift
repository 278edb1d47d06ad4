import FoundationEssentials
import System

/// Parses the timestamp forms AWS sends: ISO 8601 (credential expirations) and HTTP dates (`Date` header).
enum Timestamp {
    /// `2024-05-01T12:34:56Z`, with optional fractional seconds and a `Z` or `±hh:mm` offset.
    static func parseISO8601(_ text: String) -> Date? {
        let s = Array(text.trimmingSpacesTabsAndNewlines().utf8)
        guard s.count >= 19, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"),
              s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t") || s[10] == UInt8(ascii: " "),
              s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
              let year = number(s, 0, 4), let month = number(s, 5, 2), let day = number(s, 8, 2),
              let hour = number(s, 11, 2), let minute = number(s, 14, 2), let second = number(s, 17, 2)
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            while i < s.count, let d = digit(s[i]) {
                fraction += Double(d) * scale
                scale /= 10
                i += 1
            }
        }
        var offset = 0
        if i < s.count {
            switch s[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                i += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
                guard i + 6 <= s.count, let h = number(s, i + 1, 2), s[i + 3] == UInt8(ascii: ":"),
                      let m = number(s, i + 4, 2) else { return nil }
                offset = sign * (h * 3600 + m * 60)
                i += 6
            default:
                return nil
            }
        }
        guard i == s.count, validate(month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
        let seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 7231 IMF-fixdate).
    static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.trimmingSpacesTabsAndNewlines().split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT" || parts[5] == "UTC",
              let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, let h = Int(time[0]), let m = Int(time[1]), let s = Int(time[2]),
              validate(month: month + 1, day: day, hour: h, minute: m, second: s) else { return nil }
        return Date(timeIntervalSince1970: Double(daysFromCivil(year, month + 1, day) * 86_400 + h * 3600 + m * 60 + s))
    }

    /// `2024-05-01T12:34:56Z`
    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ n: Int, _ w: Int = 2) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(rest / 3600)):\(pad(rest % 3600 / 60)):\(pad(rest % 60))Z"
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    static func formatHTTPDate(_ date: Date) -> String {
        let iso = format(date)  // yyyy-mm-ddThh:mm:ssZ
        let parts = iso.split(whereSeparator: { $0 == "-" || $0 == "T" || $0 == "Z" })
        let days = Int(date.timeIntervalSince1970.rounded(.down)) / 86_400
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        return "\(weekday), \(parts[2]) \(months[Int(parts[1])! - 1]) \(parts[0]) \(parts[3]) GMT"
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func validate(month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Bool {
        (1...12).contains(month) && (1...31).contains(day) && (0...23).contains(hour)
            && (0...59).contains(minute) && (0...60).contains(second)
    }

    private static func digit(_ c: UInt8) -> Int? {
        c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") ? Int(c - UInt8(ascii: "0")) : nil
    }

    private static func number(_ s: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= s.count else { return nil }
        var n = 0
        for i in start..<(start + count) {
            guard let d = digit(s[i]) else { return nil }
            n = n * 10 + d
        }
        return n
    }
}
