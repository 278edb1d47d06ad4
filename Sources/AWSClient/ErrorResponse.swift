import FoundationEssentials
import HTTP
import System

/// Turns an error answer into an `AWSError`, whatever shape the body has: JSON 1.1 (`__type`,
/// `code`, `message`/`Message`), the `x-amzn-ErrorType` header, query-protocol XML, or the HTML and
/// text that proxies and emulators send.
enum ErrorResponse {
    static func decode(_ response: HTTPResponse) -> AWSError {
        var code: String?
        var message: String?
        var requestID = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")

        if let header = response.header("x-amzn-ErrorType"), !header.isEmpty {
            code = sanitize(header)
        }
        if let json = try? JSONDecoder().decode(JSONBody.self, from: Data(response.body)) {
            if code == nil { code = (json.code ?? json.type).map(sanitize) }
            message = json.message ?? json.Message ?? json.errorMessage
        } else {
            let xml = XMLText(response.body)
            if xml.isXML, xml.text.contains("<Code>") || xml.text.contains("<Error") {
                if code == nil { code = xml.value("Error", "Code") ?? xml.value("Code") }
                message = xml.value("Error", "Message") ?? xml.value("Message")
                if requestID == nil { requestID = xml.value("RequestId") ?? xml.value("RequestID") }
            } else if !response.body.isEmpty {
                message = summary(of: response.bodyText)
            }
        }
        let finalCode = (code?.isEmpty == false ? code! : nil) ?? statusCode(response.status)
        return AWSError(
            kind: .service, code: finalCode, message: message ?? "HTTP \(response.status) with no error details",
            status: response.status, requestID: requestID,
            isRetryable: Retryable.isRetryable(code: finalCode, status: response.status))
    }

    private struct JSONBody: Decodable {
        var type: String?
        var code: String?
        var message: String?
        var Message: String?
        var errorMessage: String?

        enum CodingKeys: String, CodingKey {
            case type = "__type", code, message, Message, errorMessage
        }
    }

    /// `aws.protocoltests#FooError:http://internal.amazon.com/` → `FooError`.
    static func sanitize(_ raw: String) -> String {
        var s = Substring(raw.trimmingSpacesTabsAndNewlines())
        if let colon = s.firstIndex(of: ":") { s = s[..<colon] }
        if let hash = s.lastIndex(of: "#") { s = s[s.index(after: hash)...] }
        return String(s)
    }

    static func statusCode(_ status: Int) -> String {
        switch status {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 413: return "RequestEntityTooLarge"
        case 429: return "TooManyRequestsException"
        case 500: return "InternalServerError"
        case 502: return "BadGateway"
        case 503: return "ServiceUnavailable"
        case 504: return "GatewayTimeout"
        default: return "HTTP\(status)"
        }
    }

    /// The visible text of an HTML or plain body, tags dropped, whitespace collapsed, at most 300 characters.
    static func summary(of text: String) -> String {
        var out = ""
        var inTag = false
        var lastWasSpace = true
        for c in text {
            if c == "<" { inTag = true; continue }
            if c == ">" { inTag = false; if !lastWasSpace { out.append(" "); lastWasSpace = true }; continue }
            if inTag { continue }
            if c.isWhitespace {
                if !lastWasSpace { out.append(" "); lastWasSpace = true }
            } else {
                out.append(c)
                lastWasSpace = false
            }
            if out.count >= 300 { out += "…"; break }
        }
        return out.trimmingSpacesTabsAndNewlines()
    }
}

/// Which errors the standard retry mode retries.
enum Retryable {
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]
    static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"]
    static let transientStatuses: Set<Int> = [500, 502, 503, 504]

    static func isRetryable(code: String, status: Int?) -> Bool {
        if throttlingCodes.contains(code) || transientCodes.contains(code) { return true }
        if let status, transientStatuses.contains(status) || status == 429 { return true }
        return false
    }

    /// Codes that can mean "your clock is off"; acted on only when the `Date` header confirms it.
    static let clockSkewCodes: Set<String> = [
        "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
        "SignatureDoesNotMatch", "AuthFailure", "InvalidSignature",
    ]
}
