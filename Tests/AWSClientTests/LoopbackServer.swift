import Foundation
import HTTP
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests: each request goes to `handler`, which answers,
/// resets the connection, or stalls. One thread per connection; every connection is closed after one
/// answer. Requests are recorded in arrival order. The handler runs on the connections' threads, so it is
/// `@Sendable`, and what it shares with the test goes behind a `Mutex`.
final class LoopbackServer: Sendable {
    struct Request {
        var method: String
        var path: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    enum Reply {
        case respond(status: Int, headers: [(name: String, value: String)], body: [UInt8])
        /// Closes the connection with a TCP reset before answering.
        case reset
        /// Answers nothing for this long (bounded), then closes.
        case stall(seconds: Double)

        static func json(_ status: Int, _ text: String, headers: [(name: String, value: String)] = []) -> Reply {
            .respond(
                status: status, headers: [(name: "Content-Type", value: "application/x-amz-json-1.1")] + headers, body: Array(text.utf8))
        }

        static func text(_ status: Int, _ text: String, contentType: String = "text/plain") -> Reply {
            .respond(status: status, headers: [(name: "Content-Type", value: contentType)], body: Array(text.utf8))
        }
    }

    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let state = Mutex<(recorded: [Request], stopped: Bool)>(([], false))
    private let acceptThreadDone = DispatchSemaphore(value: 0)

    var requests: [Request] { state.withLock { $0.recorded } }

    init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        listener = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    func stop() {
        let wasStopped = state.withLock { state in
            defer { state.stopped = true }
            return state.stopped
        }
        guard !wasStopped else { return }
        _ = acceptThreadDone.wait(timeout: .now() + 5)
        close(listener)
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        defer { acceptThreadDone.signal() }
        while !isStopped {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 100) > 0 else { continue }
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { continue }
            let thread = Thread { [self] in serve(fd) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        guard let request = readRequest(fd) else { close(fd); return }
        state.withLock { $0.recorded.append(request) }
        switch handler(request) {
        case .respond(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
            var all = headers
            if !all.contains(where: { $0.name.lowercased() == "date" }) {
                all.append((name: "Date", value: Self.httpDate(Date())))
            }
            all.append((name: "Content-Length", value: String(body.count)))
            all.append((name: "Connection", value: "close"))
            for h in all { head += "\(h.name): \(h.value)\r\n" }
            head += "\r\n"
            writeAll(fd, Array(head.utf8) + body)
            shutdown(fd, Int32(SHUT_WR))
            close(fd)
        case .reset:
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(fd)
        case .stall(let seconds):
            let deadline = Date().addingTimeInterval(min(seconds, 30))
            while Date() < deadline && !isStopped { usleep(20_000) }
            close(fd)
        }
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var headerEnd: Int?
        let deadline = Date().addingTimeInterval(10)
        while headerEnd == nil {
            guard Date() < deadline, let n = readSome(fd, &buffer), n > 0 else { return nil }
            data.append(contentsOf: buffer[0..<n])
            headerEnd = Self.find([13, 10, 13, 10], in: data)
        }
        let head = String(decoding: data[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let length = Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
        var body = Array(data[(headerEnd! + 4)...])
        while body.count < length {
            guard Date() < deadline, let n = readSome(fd, &buffer), n > 0 else { return nil }
            body.append(contentsOf: buffer[0..<n])
        }
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }

    private func readSome(_ fd: Int32, _ buffer: inout [UInt8]) -> Int? {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, 5000) > 0 else { return nil }
        let n = read(fd, &buffer, buffer.count)
        return n >= 0 ? n : nil
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    static func reason(_ status: Int) -> String {
        [
            200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout",
        ][status] ?? "Status"
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// A server that answers request n with `plan[n]`, and forwards to `upstream` past the plan or at nil.
    static func planned(_ plan: [Reply?], otherwise upstream: String) throws -> LoopbackServer {
        let index = Mutex(0)
        return try LoopbackServer { request in
            let step = index.withLock { index in
                defer { index += 1 }
                return index < plan.count ? plan[index] : nil
            }
            return step ?? forward(request, to: upstream)
        }
    }

    /// Sends the request on to `upstream` unchanged (same Host header, so signatures still verify).
    static func forward(_ request: Request, to upstream: String) -> Reply {
        let skip: Set<String> = ["content-length", "connection", "expect", "accept"]
        let headers = request.headers.filter { !skip.contains($0.name.lowercased()) }
        do {
            let client = try HTTPClient(configuration: .init(connectTimeout: 5, timeout: 30))
            let response = try client.send(
                HTTPRequest(method: request.method, url: upstream + request.path, headers: headers, body: request.body))
            let passed = response.headers.filter { !["content-length", "connection", "transfer-encoding"].contains($0.name.lowercased()) }
            return .respond(status: response.status, headers: passed, body: response.body)
        } catch {
            return .text(502, "proxy: \(error)")
        }
    }
}
