import Postgres

/// A password made afresh for every connection attempt, such as an RDS IAM token that expires after
/// 15 minutes: a long `--wait` never offers a stale one. It overrides any password in the URL or
/// `PGPASSWORD`, and it is never logged.
public struct ConnectionPassword: Sendable {
    /// How messages name it, e.g. `RDS IAM authentication (--rds-iam)`.
    public var name: String
    /// Refuse to connect unless libpq's sslmode guarantees TLS before the password is sent.
    public var requiresTLS: Bool
    public var make: @Sendable (ConnectionTarget) throws -> String

    public init(name: String, requiresTLS: Bool, make: @escaping @Sendable (ConnectionTarget) throws -> String) {
        self.name = name
        self.requiresTLS = requiresTLS
        self.make = make
    }

    /// Where the password goes, checked before anything is made or sent.
    func target(for conninfo: String) throws -> ConnectionTarget {
        let target: ConnectionTarget
        do {
            target = try ConnectionTarget.resolve(conninfo)
        } catch let error as PostgresError {
            throw MigratorError.badDatabaseURL(error.message)
        }
        guard requiresTLS else { return target }
        if target.isUnixSocket {
            throw MigratorError.usage(
                "\(name) needs a TCP connection with TLS, but the connection goes to the socket directory \(target.host); set the database host"
            )
        }
        if !target.usesTLS {
            throw MigratorError.usage(
                "\(name) refuses sslmode=\(target.sslmode): the token would be sent without TLS; add sslmode=require (or verify-ca, verify-full) to the URL or set PGSSLMODE"
            )
        }
        return target
    }
}
