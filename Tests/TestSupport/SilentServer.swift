import Foundation

/// A TCP listener on 127.0.0.1 that completes connections (the kernel does, from its backlog) and never
/// says a word: a database that is there but does not answer, until the client's own timeout.
public final class SilentServer {
    public let port: Int
    private let fd: Int32

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw NSError(domain: "SilentServer", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "cannot listen on 127.0.0.1"])
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}
