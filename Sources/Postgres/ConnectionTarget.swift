internal import CLibPQ

/// The host, port, user and sslmode libpq will use for a connection string or URL, with the `PG*`
/// variables and libpq's defaults filling what the string leaves out. libpq computes them itself
/// (PQconninfoParse, then PQconndefaults), so nothing here re-implements its parsing.
public struct ConnectionTarget: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var sslmode: String

    public init(host: String, port: Int, user: String, sslmode: String) {
        self.host = host
        self.port = port
        self.user = user
        self.sslmode = sslmode
    }

    /// The modes in which libpq never sends anything before TLS is up.
    public static let tlsModes: Set<String> = ["require", "verify-ca", "verify-full"]

    public var usesTLS: Bool { Self.tlsModes.contains(sslmode) }

    /// A socket directory rather than a network host.
    public var isUnixSocket: Bool { host.hasPrefix("/") || host.hasPrefix("@") }

    public static func resolve(_ conninfo: String) throws -> ConnectionTarget {
        var explicit: [String: String] = [:]
        if !conninfo.isEmpty {
            var error: UnsafeMutablePointer<CChar>?
            guard let options = PQconninfoParse(conninfo, &error) else {
                if let error { PQfreemem(error) }
                // The same string is rejected, with its message redacted, when the connection opens.
                _ = try Connection.secrets(in: conninfo)
                throw PostgresError(kind: .badConnectionString, message: "invalid connection string")
            }
            defer { PQconninfoFree(options) }
            explicit = values(options)
        }
        guard let defaultOptions = PQconndefaults() else {
            throw PostgresError(kind: .client, message: "libpq could not allocate its connection defaults")
        }
        defer { PQconninfoFree(defaultOptions) }
        let defaults = values(defaultOptions)
        func setting(_ key: String) -> String { explicit[key] ?? defaults[key] ?? "" }

        // A list of hosts is tried in turn; a token is signed for one, so only one is accepted.
        let host = setting("hostaddr").isEmpty || !setting("host").isEmpty ? setting("host") : setting("hostaddr")
        if host.contains(",") {
            throw PostgresError(kind: .badConnectionString, message: "several hosts (\(host)) in one connection string; name exactly one")
        }
        let portText = setting("port").isEmpty ? "5432" : setting("port")
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw PostgresError(kind: .badConnectionString, message: "invalid port number: \"\(portText)\"")
        }
        return ConnectionTarget(
            host: host.isEmpty ? "/var/run/postgresql" : host, port: port, user: setting("user"),
            sslmode: setting("sslmode").isEmpty ? "prefer" : setting("sslmode"))
    }

    /// Keyword to value for the options that have one.
    private static func values(_ options: UnsafeMutablePointer<PQconninfoOption>) -> [String: String] {
        var out: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val, value.pointee != 0 {
                out[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        return out
    }
}
