import AWSSigV4
import FoundationEssentials
import HTTP
import System

/// One operation to send: the service, where, and the unsigned request parts.
struct OperationRequest {
    var service: AWSService
    var operation: String
    var endpoint: Endpoint
    var region: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}

/// Sends signed requests: attempts, backoff and quota (standard retry mode), clock-skew correction,
/// error decoding, and the debug trace. Not `Sendable`: one thread uses it at a time (its libcurl handle
/// allows no more), and the compiler keeps it so.
final class AWSTransport {
    static let userAgent = "ecs-run-aws/1.0"

    private let http: HTTPClient
    let retry: RetryPolicy
    let quota = RetryQuota()
    let clock: AWSClock
    let trace: DebugTrace

    init(httpConfiguration: HTTPClient.Configuration, retry: RetryPolicy, clock: AWSClock, trace: DebugTrace) throws {
        do {
            http = try HTTPClient(configuration: httpConfiguration)
        } catch {
            throw AWSError(kind: .transport, code: "NetworkError", message: "cannot start libcurl: \(error)")
        }
        self.retry = retry
        self.clock = clock
        self.trace = trace
    }

    /// Sends `request`, signed with whatever `credentials` returns at each attempt (nil: unsigned),
    /// and returns the first 2xx response. Throws the last `AWSError` otherwise, or a `.cancelled` one
    /// once `cancellation` turns true, in flight, before a retry or during its backoff.
    func send(
        _ request: OperationRequest, cancellation: Cancellation = .never,
        credentials: () throws -> SigV4Credentials?
    ) throws -> HTTPResponse {
        try send(request, cancellation: cancellation, credentials: credentials, read: { $0 })
    }

    /// Like `send`, but a 2xx answer is only a success once `read` takes it: an `AWSError` that `read`
    /// throws as retryable (a malformed answer to a call that is safe to repeat) is retried like a 5xx.
    /// Once `noNewAttempt` turns true, no further attempt is sent (a retry, or a skew correction's); the
    /// one in flight runs on until `cancellation`.
    // Long because one call's attempts share their state across the loop (the count, the one clock-skew
    // correction, the last retry's cost); split up, that state would have to travel between functions.
    func send<Output>(
        _ request: OperationRequest, cancellation: Cancellation = .never, noNewAttempt: Cancellation = .never,
        credentials: () throws -> SigV4Credentials?, read: (HTTPResponse) throws -> Output
    ) throws -> Output {
        let noNewAttempt = noNewAttempt.or(cancellation)
        var sent = false
        var attempt = 0
        var correctedSkew = false
        var lastRetryCost: Int?
        let name = "\(request.service.signingName).\(request.operation)"
        let url = request.endpoint.url(path: "/")
        while true {
            if sent, noNewAttempt.isCancelled {
                throw AWSError.cancelled("\(name) was abandoned before its retry")
            }
            sent = true
            attempt += 1
            let creds = try credentials()
            let signedAt = clock.now()
            let httpRequest = build(request, url: url, credentials: creds, at: signedAt)
            let started = SystemClock.shared.now()
            let outcome: Result<HTTPResponse, HTTPError>
            do {
                outcome = .success(try http.send(httpRequest, cancellation: cancellation))
            } catch let error as HTTPError {
                outcome = .failure(error)
            }
            let receivedAt = clock.base()
            let millis = SystemClock.shared.milliseconds(since: started)

            let error: AWSError
            switch outcome {
            case .success(let response):
                let requestID = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
                trace(
                    "\(name) attempt \(attempt)/\(retry.maxAttempts) POST \(url) -> \(response.status) in \(millis) ms\(requestID.map { ", request id \($0)" } ?? "")"
                )
                if (200..<300).contains(response.status) {
                    do {
                        let output = try read(response)
                        quota.release(lastRetryCost)
                        return output
                    } catch let unreadable as AWSError where unreadable.isRetryable {
                        error = unreadable
                        trace("\(name) attempt \(attempt): the answer could not be read (retryable)")
                    }
                    break
                }
                error = ErrorResponse.decode(response)
                if !correctedSkew, let serverTime = ClockSkew.serverTime(of: response, error: error, signedAt: signedAt) {
                    // The signature failed because our clock is off: adopt AWS's time, for this retry and
                    // every later request of the run, and try once more at once.
                    correctedSkew = true
                    clock.adopt(serverTime: serverTime, receivedAt: receivedAt)
                    trace(
                        "\(name): \(error.code) and the clock is off by \(Int(serverTime.timeIntervalSince(signedAt).rounded())) s from AWS's time; retrying once with the corrected time (offset \(Int(clock.offset.rounded())) s from now on)"
                    )
                    attempt -= 1
                    continue
                }
                trace("\(name) attempt \(attempt) failed: \(error.code)\(error.isRetryable ? " (retryable)" : "")")
            case .failure(let httpError):
                error = Self.transportError(httpError, url: url)
                trace("\(name) attempt \(attempt)/\(retry.maxAttempts) POST \(url) -> \(error.code) after \(millis) ms")
            }

            guard error.isRetryable else { throw error }
            guard attempt < retry.maxAttempts else {
                trace("\(name): giving up after \(attempt) attempt\(attempt == 1 ? "" : "s")")
                throw error
            }
            let cost = error.code == "Timeout" ? RetryQuota.timeoutCost : RetryQuota.retryCost
            guard quota.acquire(cost) else {
                trace("\(name): retry quota exhausted; not retrying")
                throw error
            }
            lastRetryCost = cost
            if noNewAttempt.isCancelled {
                throw AWSError.cancelled("\(name) was abandoned before its retry")
            }
            let delay = retry.backoff(afterAttempt: attempt)
            trace("\(name): retrying in \(Int((delay * 1000).rounded())) ms")
            guard backOff(delay, cancellation: noNewAttempt) else {
                throw AWSError.cancelled("\(name) was abandoned during the wait before its retry")
            }
        }
    }

    /// Sleeps `delay` before a retry, in short slices when the call can be cancelled, so the caller's
    /// deadline or Ctrl-C is not held up by a backoff of up to 20 s; false when cancelled meanwhile.
    private func backOff(_ delay: Double, cancellation: Cancellation) -> Bool {
        guard cancellation.canBeCancelled else {
            retry.sleep(delay)
            return true
        }
        var left = delay
        while left > 0 {
            if cancellation.isCancelled { return false }
            let slice = min(left, 0.1)
            retry.sleep(slice)
            left -= slice
        }
        return !cancellation.isCancelled
    }

    private func build(_ request: OperationRequest, url: String, credentials: SigV4Credentials?, at date: Date) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [(name: "Host", value: request.endpoint.hostHeader)]
        headers += request.headers
        let path = request.endpoint.basePath + "/"
        var signed = SigV4Request(method: "POST", path: path, headers: headers, body: request.body)
        if let credentials {
            let signer = SigV4Signer(credentials: credentials, region: request.region, service: request.service.signingName)
            signed = signer.headerSignature(for: signed, at: date).signedRequest
        }
        signed.headers.append((name: "User-Agent", value: Self.userAgent))
        return HTTPRequest(method: "POST", url: url, headers: signed.headers, body: request.body)
    }

    static func transportError(_ error: HTTPError, url: String) -> AWSError {
        switch error.kind {
        case .timeout:
            return AWSError(
                kind: .transport, code: "Timeout", message: "no answer from \(url) in time: \(error.message)", isRetryable: true)
        case .connection:
            return AWSError(
                kind: .transport, code: "NetworkError", message: "could not talk to \(url): \(error.message)", isRetryable: true)
        case .tls:
            return AWSError(
                kind: .transport, code: "TLSError", message: "TLS with \(url) failed: \(error.message) (AWS_CA_BUNDLE names a CA bundle)")
        case .aborted:
            return AWSError.cancelled("the request to \(url) was abandoned")
        case .usage, .other:
            return AWSError(kind: .transport, code: "NetworkError", message: "request to \(url) failed: \(error.message)")
        }
    }
}
