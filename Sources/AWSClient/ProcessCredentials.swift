import FoundationEssentials
import System

/// `credential_process`: runs the command through `/bin/sh -c` and reads its JSON
/// (`Version` 1, `AccessKeyId`, `SecretAccessKey`, optional `SessionToken` and `Expiration`).
final class ProcessCredentials: CredentialProvider {
    static let timeout: Double = 60
    let name: String
    private let command: String
    private let environment: [String: String]

    init(name: String, command: String, environment: [String: String]) {
        self.name = name
        self.command = command
        self.environment = environment
    }

    private struct Output: Decodable {
        var Version: Int?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var SessionToken: String?
        var Expiration: String?
    }

    func load(cancellation: Cancellation) throws -> CredentialLookup {
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run(["/bin/sh", "-c", command], environment: environment, timeout: Self.timeout)
        } catch ChildProcess.Failure.pipe(let reason) {
            throw AWSError.credentials("cannot run credential_process: pipe failed: \(reason)", code: "CredentialProcessFailed")
        } catch ChildProcess.Failure.spawn(let program, let reason) {
            throw AWSError.credentials("cannot start \(program): \(reason)", code: "CredentialProcessFailed")
        }
        if result.timedOut {
            throw AWSError.credentials(
                "credential_process (\(name)) did not finish within \(Int(Self.timeout)) s and was stopped", code: "CredentialProcessFailed"
            )
        }
        guard result.status == 0 else {
            let detail = String(decoding: result.stderr.prefix(500), as: UTF8.self).trimmingSpacesTabsAndNewlines()
            throw AWSError.credentials(
                "credential_process (\(name)) exited with status \(result.status)\(detail.isEmpty ? "" : ": \(detail)")",
                code: "CredentialProcessFailed")
        }
        // Never quote the output in errors: it holds the secret.
        guard let output = try? JSONDecoder().decode(Output.self, from: Data(result.stdout)) else {
            throw AWSError.credentials("credential_process (\(name)) did not print a JSON object", code: "CredentialProcessFailed")
        }
        guard output.Version == 1 else {
            throw AWSError.credentials(
                "credential_process (\(name)) printed Version \(output.Version.map(String.init) ?? "(none)"); only Version 1 is supported",
                code: "CredentialProcessFailed")
        }
        guard let key = output.AccessKeyId, !key.isEmpty, let secret = output.SecretAccessKey, !secret.isEmpty else {
            throw AWSError.credentials(
                "credential_process (\(name)) printed no AccessKeyId or SecretAccessKey", code: "CredentialProcessFailed")
        }
        var expiration: Date?
        if let text = output.Expiration {
            guard let date = UTCTime.parseISO8601(text) else {
                throw AWSError.credentials(
                    "credential_process (\(name)) printed an Expiration that is not an ISO 8601 time", code: "CredentialProcessFailed")
            }
            expiration = date
        }
        return .found(
            AWSCredentials(
                accessKeyID: key, secretAccessKey: secret, sessionToken: output.SessionToken,
                expiration: expiration, source: "\(name) (credential_process)"))
    }
}
