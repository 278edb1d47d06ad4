import System

/// The AWS query protocol (STS, IAM): a form-encoded `Action=...&Version=...` body, XML answers.
enum QueryProtocol {
    static let contentType = "application/x-www-form-urlencoded; charset=utf-8"

    static func body(action: String, version: String, parameters: [(String, String)]) -> [UInt8] {
        let all = [("Action", action), ("Version", version)] + parameters
        return Array(PercentEncoding.query(all).utf8)
    }
}
