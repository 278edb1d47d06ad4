import Foundation

/// Answers from the pinned botocore in .venv, as independent expected values.
public enum Botocore {
    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    /// `generate_db_auth_token` for fixed inputs and time (ISO 8601, e.g. `2026-12-01T08:15:00Z`),
    /// through scripts/fixtures/rds-auth-token.
    public static func rdsAuthToken(
        host: String, port: Int, user: String, region: String, time: String,
        accessKeyID: String, secretAccessKey: String, sessionToken: String?
    ) throws -> String {
        var environment = [
            "PATH": "/usr/bin:/bin", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_ACCESS_KEY_ID": accessKeyID, "AWS_SECRET_ACCESS_KEY": secretAccessKey,
        ]
        environment["AWS_SESSION_TOKEN"] = sessionToken
        let result = try ProcessRunner.run(
            Paths.packageRoot + "/.venv/bin/python",
            [Paths.packageRoot + "/scripts/fixtures/rds-auth-token", host, String(port), user, region, time],
            environment: environment, timeout: 60)
        guard result.status == 0, !result.timedOut else {
            throw Failed(description: "rds-auth-token exited with \(result.status): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
