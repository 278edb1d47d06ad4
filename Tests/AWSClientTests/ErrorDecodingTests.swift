@testable import AWSClient
import HTTP
import XCTest

/// Error answers of every shape become one AWSError with code, message, status and request id.
final class ErrorDecodingTests: XCTestCase {
    // Long by its table: one row per shape of error answer the services send.
    func testShapes() {
        let cases:
            [(
                name: String, status: Int, headers: [(name: String, value: String)], body: String,
                code: String, message: String, requestID: String?, retryable: Bool
            )] = [
                (
                    "JSON __type with namespace", 400, [(name: "x-amzn-RequestId", value: "r-1")],
                    #"{"__type":"com.amazonaws.ecs#ClusterNotFoundException","message":"Cluster not found."}"#,
                    "ClusterNotFoundException", "Cluster not found.", "r-1", false
                ),
                (
                    "JSON __type without namespace, Message", 400, [],
                    #"{"__type":"InvalidParameterException","Message":"bad value"}"#, "InvalidParameterException", "bad value", nil, false
                ),
                (
                    "x-amzn-ErrorType header wins", 400,
                    [
                        (
                            name: "x-amzn-ErrorType",
                            value: "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"
                        )
                    ],
                    #"{"__type":"Other","message":"Rate exceeded"}"#, "ThrottlingException", "Rate exceeded", nil, true
                ),
                (
                    "JSON code field", 400, [], #"{"code":"ResourceNotFoundException","message":"no group"}"#,
                    "ResourceNotFoundException", "no group", nil, false
                ),
                (
                    "query XML", 403, [],
                    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not &lt;allowed&gt; &amp; more</Message></Error><RequestId>x-9</RequestId></ErrorResponse>",
                    "AccessDenied", "not <allowed> & more", "x-9", false
                ),
                (
                    "moto's Errors wrapper", 403, [],
                    "<?xml version=\"1.0\"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>sig</Message></Error></Errors></ErrorResponse>",
                    "SignatureDoesNotMatch", "sig", nil, false
                ),
                (
                    "proxy HTML 502", 502, [],
                    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
                    "BadGateway", "502 Bad Gateway 502 Bad Gateway nginx", nil, true
                ),
                ("empty 503", 503, [], "", "ServiceUnavailable", "HTTP 503 with no error details", nil, true),
                ("plain text 504", 504, [], "upstream request timeout", "GatewayTimeout", "upstream request timeout", nil, true),
                ("429 without body", 429, [], "", "TooManyRequestsException", "HTTP 429 with no error details", nil, true),
                ("500 JSON", 500, [], #"{"__type":"ServerException","message":"oops"}"#, "ServerException", "oops", nil, true),
                ("unknown 418", 418, [], "teapot", "HTTP418", "teapot", nil, false),
                (
                    "x-amz-request-id header", 404, [(name: "x-amz-request-id", value: "s3-style")], "", "NotFound",
                    "HTTP 404 with no error details", "s3-style", false
                ),
            ]
        for c in cases {
            let error = ErrorResponse.decode(HTTPResponse(status: c.status, headers: c.headers, body: Array(c.body.utf8)))
            XCTAssertEqual(error.kind, .service, c.name)
            XCTAssertEqual(error.code, c.code, c.name)
            XCTAssertEqual(error.message, c.message, c.name)
            XCTAssertEqual(error.status, c.status, c.name)
            XCTAssertEqual(error.requestID, c.requestID, c.name)
            XCTAssertEqual(error.isRetryable, c.retryable, c.name)
        }
    }

    func testDescriptions() {
        let cases: [(name: String, error: AWSError, contains: [String])] = [
            (
                "service",
                AWSError(kind: .service, code: "ClusterNotFoundException", message: "Cluster not found.", status: 400, requestID: "abc"),
                ["ClusterNotFoundException: Cluster not found.", "HTTP 400", "request id abc"]
            ),
            (
                "bad signature", AWSError(kind: .service, code: "SignatureDoesNotMatch", message: "x", status: 403),
                ["SignatureDoesNotMatch", "Check your AWS credentials"]
            ),
            (
                "unknown key", AWSError(kind: .service, code: "UnrecognizedClientException", message: "x", status: 400),
                ["Check your AWS credentials"]
            ),
            ("expired", AWSError(kind: .service, code: "ExpiredTokenException", message: "x", status: 400), ["expired"]),
            ("denied", AWSError(kind: .service, code: "AccessDeniedException", message: "x", status: 400), ["IAM permission"]),
            ("transport", AWSError(kind: .transport, code: "Timeout", message: "no answer", isRetryable: true), ["Timeout: no answer"]),
            (
                "cancelled, worded as before", AWSError.cancelled("the request to http://x was abandoned"),
                ["RequestAbandoned: the request to http://x was abandoned"]
            ),
        ]
        for c in cases {
            for text in c.contains {
                XCTAssertTrue(c.error.description.contains(text), "\(c.name): \(c.error.description)")
            }
        }
    }

    func testSanitizeCodes() {
        let cases = [
            ("aws.protocoltests.restjson#FooError", "FooError"), ("FooError:http://internal", "FooError"),
            ("ns#FooError:http://x", "FooError"), (" Plain ", "Plain"),
        ]
        for (raw, expected) in cases { XCTAssertEqual(ErrorResponse.sanitize(raw), expected, raw) }
    }
}
