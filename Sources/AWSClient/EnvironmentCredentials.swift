import FoundationEssentials
import System

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN` (and `AWS_CREDENTIAL_EXPIRATION`).
final class EnvironmentCredentials: CredentialProvider {
    let name = "environment variables"
    private let environment: [String: String]

    init(environment: [String: String]) {
        self.environment = environment
    }

    func load(cancellation: Cancellation) throws -> CredentialLookup {
        let key = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (key, secret) {
        case (nil, nil):
            return .notFound("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        case (nil, _):
            throw AWSError.credentials(
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both or neither", code: "PartialCredentials")
        case (_, nil):
            throw AWSError.credentials(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or neither", code: "PartialCredentials")
        case (let key?, let secret?):
            let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            let expiration = environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(UTCTime.parseISO8601)
            return .found(
                AWSCredentials(
                    accessKeyID: key, secretAccessKey: secret, sessionToken: token,
                    expiration: expiration, source: "environment variables"))
        }
    }
}
