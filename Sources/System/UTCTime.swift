import FoundationEssentials

/// A moment's calendar fields in UTC (proleptic Gregorian), and the text forms the programs write and
/// read, computed with Howard Hinnant's day algorithms instead of a Calendar or gmtime.
public struct UTCTime: Equatable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Whole milliseconds past the second, rounded down.
    public var millisecond: Int
    /// Days since 1970-01-01, so 0 is a Thursday.
    let daysSince1970: Int

    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        millisecond = Int(((seconds - whole) * 1000).rounded(.down))
        var days = Int(whole) / 86_400
        var rest = Int(whole) % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        daysSince1970 = days
        (year, month, day) = Self.civil(fromDays: days)
        (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60)
    }

    /// `2024-05-01T12:34:56Z`
    public var iso8601: String {
        "\(Self.pad(year, 4))-\(Self.pad(month))-\(Self.pad(day))T\(Self.pad(hour)):\(Self.pad(minute)):\(Self.pad(second))Z"
    }

    /// `2024-05-01T12:34:56.250Z`
    public var iso8601Milliseconds: String {
        String(iso8601.dropLast()) + "." + Self.pad(millisecond, 3) + "Z"
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 7231 IMF-fixdate).
    public var httpDate: String {
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((daysSince1970 % 7) + 7) % 7]
        return "\(weekday), \(Self.pad(day)) \(Self.months[month - 1]) \(Self.pad(year, 4)) "
            + "\(Self.pad(hour)):\(Self.pad(minute)):\(Self.pad(second)) GMT"
    }

    /// `20240501123456` as a number: a version that sorts by time.
    public var digits: Int64 {
        let date = (Int64(year) * 100 + Int64(month)) * 100 + Int64(day)
        return ((date * 100 + Int64(hour)) * 100 + Int64(minute)) * 100 + Int64(second)
    }

    public static func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Year, month and day of a day counted from 1970-01-01.
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a civil date.
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension UTCTime {
    /// `2024-05-01T12:34:56Z`, with optional fractional seconds and a `Z` or `±hh:mm` offset; the
    /// forms AWS sends credential expirations in. Spaces, tabs and line ends around it are ignored.
    public static func parseISO8601(_ text: String) -> Date? {
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
                    let m = number(s, i + 4, 2)
                else { return nil }
                offset = sign * (h * 3600 + m * 60)
                i += 6
            default:
                return nil
            }
        }
        guard i == s.count, valid(month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
        let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 7231 IMF-fixdate), as in HTTP's `Date` header.
    public static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.trimmingSpacesTabsAndNewlines().split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT" || parts[5] == "UTC",
            let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, let h = Int(time[0]), let m = Int(time[1]), let s = Int(time[2]),
            valid(month: month + 1, day: day, hour: h, minute: m, second: s)
        else { return nil }
        return Date(timeIntervalSince1970: Double(days(fromCivil: year, month + 1, day) * 86_400 + h * 3600 + m * 60 + s))
    }

    private static func valid(month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Bool {
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
