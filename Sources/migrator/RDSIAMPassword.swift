import AWSClient
import Migrations
import Postgres

/// `--rds-iam`: the password of each connection attempt is a fresh RDS IAM token, signed with the
/// credentials and region ecs-run would use (in an ECS task: the task role, from the container
/// credentials endpoint).
enum RDSIAMPassword {
    static func password(environment: [String: String]) -> ConnectionPassword {
        ConnectionPassword(name: "RDS IAM authentication (--rds-iam)", requiresTLS: true) { target in
            guard !target.user.isEmpty else { throw MissingUser() }
            // Resolved per attempt: credentials that were missing when a container started may be there now.
            let configuration: AWSConfiguration
            do {
                configuration = try AWSConfiguration.resolve(environment: environment)
            } catch let error as AWSError where error.code == AWSError.noRegionCode {
                throw MissingRegion()
            }
            return try AWSClient(configuration: configuration).rdsAuthToken(host: target.host, port: target.port, user: target.user)
        }
    }

    struct MissingRegion: Error, CustomStringConvertible {
        var description: String {
            "no AWS region to sign the token for: set AWS_REGION (or AWS_DEFAULT_REGION), or `region` in the AWS profile"
        }
    }

    struct MissingUser: Error, CustomStringConvertible {
        var description: String { "no database user: name it in the URL or set PGUSER" }
    }

    /// `MIGRATOR_RDS_IAM`: true or false (also 1/0, yes/no); nil when unset.
    static func enabled(byEnvironment value: String?) throws -> Bool? {
        guard let value, !value.isEmpty else { return nil }
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw InvalidSetting(value: value)
        }
    }

    struct InvalidSetting: Error, CustomStringConvertible {
        var value: String
        var description: String { "MIGRATOR_RDS_IAM must be true or false, not \"\(value)\"" }
    }
}
