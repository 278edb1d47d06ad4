internal import CCurl
import System

/// An HTTP client over one libcurl easy handle.
///
/// The handle is reused, so keep-alive connections survive between requests. Not thread-safe:
/// use one client per thread. libcurl reads `http_proxy`, `https_proxy` and `no_proxy` itself.
public final class HTTPClient {
    public struct Configuration: Sendable {
        /// Seconds allowed to establish the connection.
        public var connectTimeout: Double
        /// Seconds allowed for the whole transfer.
        public var timeout: Double
        /// The CA certificates HTTPS servers are verified with; by default the system's, found at the
        /// known paths (`TrustStore.locate` with the environment's `SSL_CERT_FILE` and `AWS_CA_BUNDLE` is
        /// what the AWS configuration passes).
        public var trustStore: TrustStore

        public init(connectTimeout: Double = 10, timeout: Double = 60, trustStore: TrustStore = .systemDefault) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.trustStore = trustStore
        }
    }

    public let configuration: Configuration
    private let handle: EasyHandle
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    // Filled by the callbacks during one transfer.
    private var responseBody: [UInt8] = []
    private var responseHeaders: [(name: String, value: String)] = []
    private var cancellation = Cancellation.never

    public init(configuration: Configuration = Configuration()) throws {
        HTTPClient.globalInit
        self.configuration = configuration
        handle = try EasyHandle()
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Sends the request and returns whatever status the server answered with.
    /// Throws `HTTPError` only when no response arrived. `timeout` overrides the configured total;
    /// once `cancellation` turns true the transfer ends soon with an `.aborted` error.
    // Long because libcurl takes every option, callback and the body's pointer before `curl_easy_perform`,
    // inside the closure that keeps that pointer valid: one place shows what the transfer holds on to.
    public func send(_ request: HTTPRequest, timeout: Double? = nil, cancellation: Cancellation = .never) throws -> HTTPResponse {
        responseBody = []
        responseHeaders = []
        self.cancellation = cancellation
        defer { self.cancellation = .never }
        errorBuffer.withUnsafeMutableBufferPointer { $0[0] = 0 }

        let trust = configuration.trustStore
        if trust.isEmpty, request.url.prefix(8).lowercased() == "https://" {
            throw HTTPError(noTrustFor: request.url, message: trust.emptyMessage)
        }
        let headerList = HeaderList(request.headers.map { "\($0.name): \($0.value)" } + ["Expect:"])
        // CURLOPT_POSTFIELDS needs a pointer even for an empty body (NULL makes libcurl read the body from a
        // callback), so an empty body is sent from one spare byte, of which libcurl reads none.
        let bodySize = request.body.count
        let body = request.body.isEmpty ? [0] : request.body
        let code: CURLcode = try body.withUnsafeBufferPointer { bodyBuffer in
            let h = handle.pointer
            curl_easy_reset(h)
            try check(ccurl_setopt_string(h, CURLOPT_URL, request.url), request)
            try check(ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1), request)
            try check(ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout)), request)
            try check(ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, milliseconds(timeout ?? configuration.timeout)), request)
            try check(ccurl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1), request)
            try check(ccurl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2), request)
            // Always set, also to nothing: the static libcurl has no compiled-in CA path to fall back on.
            try check(ccurl_setopt_string(h, CURLOPT_CAINFO, trust.bundle), request)
            try check(ccurl_setopt_string(h, CURLOPT_CAPATH, trust.directories), request)
            try check(ccurl_setopt_string(h, CURLOPT_PROXY_CAINFO, trust.bundle), request)
            try check(ccurl_setopt_string(h, CURLOPT_PROXY_CAPATH, trust.directories), request)
            try check(ccurl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1), request)
            try check(ccurl_setopt_pointer(h, CURLOPT_ERRORBUFFER, errorBufferPointer()), request)
            try check(ccurl_setopt_slist(h, CURLOPT_HTTPHEADER, headerList.pointer), request)

            let me = Unmanaged.passUnretained(self).toOpaque()
            try check(
                ccurl_setopt_data_callback(
                    h, CURLOPT_WRITEFUNCTION,
                    { data, size, count, userdata in
                        let client = Unmanaged<HTTPClient>.fromOpaque(userdata!).takeUnretainedValue()
                        let n = size * count
                        if n > 0, let data {
                            data.withMemoryRebound(to: UInt8.self, capacity: n) {
                                client.responseBody.append(contentsOf: UnsafeBufferPointer(start: $0, count: n))
                            }
                        }
                        return n
                    }), request)
            try check(ccurl_setopt_pointer(h, CURLOPT_WRITEDATA, me), request)
            try check(
                ccurl_setopt_data_callback(
                    h, CURLOPT_HEADERFUNCTION,
                    { data, size, count, userdata in
                        let client = Unmanaged<HTTPClient>.fromOpaque(userdata!).takeUnretainedValue()
                        let n = size * count
                        if let data { client.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: n)) }
                        return n
                    }), request)
            try check(ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, me), request)
            if cancellation.canBeCancelled {
                try check(ccurl_setopt_long(h, CURLOPT_NOPROGRESS, 0), request)
                try check(
                    ccurl_setopt_xferinfo_callback(
                        h, CURLOPT_XFERINFOFUNCTION,
                        { userdata, _, _, _, _ in
                            let client = Unmanaged<HTTPClient>.fromOpaque(userdata!).takeUnretainedValue()
                            return client.cancellation.isCancelled ? 1 : 0
                        }), request)
                try check(ccurl_setopt_pointer(h, CURLOPT_XFERINFODATA, me), request)
            }

            switch request.method {
            case "GET":
                try check(ccurl_setopt_long(h, CURLOPT_HTTPGET, 1), request)
            case "HEAD":
                try check(ccurl_setopt_long(h, CURLOPT_NOBODY, 1), request)
            default:
                if request.method != "POST" {
                    try check(ccurl_setopt_string(h, CURLOPT_CUSTOMREQUEST, request.method), request)
                }
                try check(ccurl_setopt_long(h, CURLOPT_POST, 1), request)
                try check(ccurl_setopt_offset(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodySize)), request)
                // libcurl reads the body from this pointer during curl_easy_perform, which runs inside this closure.
                let fields = UnsafeMutableRawPointer(mutating: bodyBuffer.baseAddress)
                try check(ccurl_setopt_pointer(h, CURLOPT_POSTFIELDS, fields), request)
            }
            return curl_easy_perform(h)
        }
        withExtendedLifetime(headerList) {}
        guard code == CURLE_OK else {
            throw HTTPError(code: code, detail: errorText(), url: request.url)
        }
        var status = 0
        _ = ccurl_getinfo_long(handle.pointer, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: responseHeaders, body: responseBody)
    }

    private func receiveHeaderLine(_ raw: UnsafeRawBufferPointer) {
        let line = String(decoding: raw, as: UTF8.self).trimmingSpacesTabsAndNewlines()
        if line.hasPrefix("HTTP/") {
            // A new status line: an interim (100, redirect) response's headers are discarded.
            responseHeaders = []
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = String(line[line.index(after: colon)...]).trimmingSpacesTabsAndNewlines()
        responseHeaders.append((name: name, value: value))
    }

    private func errorBufferPointer() -> UnsafeMutableRawPointer {
        errorBuffer.withUnsafeMutableBytes { $0.baseAddress! }
    }

    private func errorText() -> String {
        errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private func check(_ code: CURLcode, _ request: HTTPRequest) throws {
        if code != CURLE_OK { throw HTTPError(code: code, detail: "", url: request.url) }
    }

    private func milliseconds(_ seconds: Double) -> Int {
        max(1, Int((seconds * 1000).rounded()))
    }
}
