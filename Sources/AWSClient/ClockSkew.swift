import FoundationEssentials
import HTTP
import System

/// The SDKs' clock-skew rule: an error whose code can mean "your clock is off" (`RequestTimeTooSkewed`,
/// `InvalidSignatureException` with "Signature expired", …) is about the clock only when AWS's time is
/// more than `threshold` away from the time the request was signed with. AWS's time comes from the
/// answer's `Date` header or, when that agrees with ours (a proxy that rewrote it), from the time AWS
/// names in the message: "Signature expired: 20250101T000000Z is now earlier than 20250101T005500Z
/// (20250101T010000Z - 5 min.)".
enum ClockSkew {
    /// AWS accepts signatures up to 5 minutes off; less than this is not worth correcting.
    static let threshold: Double = 4 * 60

    /// AWS's time when `error` says the request was refused for the time it was signed at; else nil.
    static func serverTime(of response: HTTPResponse, error: AWSError, signedAt: Date) -> Date? {
        guard Retryable.clockSkewCodes.contains(error.code) else { return nil }
        let candidates = [response.header("Date").flatMap(UTCTime.parseHTTPDate), serverTime(inMessage: error.message)]
        return candidates.compactMap { $0 }.first { abs($0.timeIntervalSince(signedAt)) > threshold }
    }

    /// The server's time in "(20250101T010000Z - 5 min.)" or "(… + 5 min.)"; nil when there is none.
    static func serverTime(inMessage message: String) -> Date? {
        let bytes = Array(message.utf8)
        // "(" + 16 characters of YYYYMMDDTHHMMSSZ + " - " or " + ".
        guard bytes.count >= 20 else { return nil }
        for start in bytes.indices where bytes[start] == UInt8(ascii: "(") && start + 20 <= bytes.count {
            let stamp = bytes[(start + 1)..<(start + 17)]
            let after = bytes[(start + 17)..<(start + 20)]
            guard after.elementsEqual(" - ".utf8) || after.elementsEqual(" + ".utf8) else { continue }
            if let date = parseTimestamp(Array(stamp)) { return date }
        }
        return nil
    }

    /// `20250101T010000Z`.
    private static func parseTimestamp(_ s: [UInt8]) -> Date? {
        guard s.count == 16, s[8] == UInt8(ascii: "T"), s[15] == UInt8(ascii: "Z"),
            s.enumerated().allSatisfy({ $0.offset == 8 || $0.offset == 15 || (48...57).contains($0.element) })
        else { return nil }
        let text = String(decoding: s, as: UTF8.self)
        func part(_ from: Int, _ count: Int) -> String {
            let start = text.index(text.startIndex, offsetBy: from)
            return String(text[start..<text.index(start, offsetBy: count)])
        }
        return UTCTime.parseISO8601(
            "\(part(0, 4))-\(part(4, 2))-\(part(6, 2))T\(part(9, 2)):\(part(11, 2)):\(part(13, 2))Z")
    }
}
