/// The AWS query protocol (STS, IAM): a form-encoded `Action=...&Version=...` body, XML answers.
enum QueryProtocol {
    static let contentType = "application/x-www-form-urlencoded; charset=utf-8"

    static func body(action: String, version: String, parameters: [(String, String)]) -> [UInt8] {
        let all = [("Action", action), ("Version", version)] + parameters
        return Array(all.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&").utf8)
    }

    /// Percent-encodes everything but the unreserved characters, as the SDKs do for query bodies.
    static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return out
    }
}
