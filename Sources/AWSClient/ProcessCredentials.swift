import FoundationEssentials
import Glibc
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

    func load() throws -> CredentialLookup {
        let result = try ChildProcess.run(["/bin/sh", "-c", command], environment: environment, timeout: Self.timeout)
        if result.timedOut {
            throw AWSError.credentials("credential_process (\(name)) did not finish within \(Int(Self.timeout)) s and was stopped", code: "CredentialProcessFailed")
        }
        guard result.status == 0 else {
            let detail = String(decoding: result.stderr.prefix(500), as: UTF8.self).trimmingSpacesTabsAndNewlines()
            throw AWSError.credentials("credential_process (\(name)) exited with status \(result.status)\(detail.isEmpty ? "" : ": \(detail)")",
                                       code: "CredentialProcessFailed")
        }
        // Never quote the output in errors: it holds the secret.
        guard let output = try? JSONDecoder().decode(Output.self, from: Data(result.stdout)) else {
            throw AWSError.credentials("credential_process (\(name)) did not print a JSON object", code: "CredentialProcessFailed")
        }
        guard output.Version == 1 else {
            throw AWSError.credentials("credential_process (\(name)) printed Version \(output.Version.map(String.init) ?? "(none)"); only Version 1 is supported", code: "CredentialProcessFailed")
        }
        guard let key = output.AccessKeyId, !key.isEmpty, let secret = output.SecretAccessKey, !secret.isEmpty else {
            throw AWSError.credentials("credential_process (\(name)) printed no AccessKeyId or SecretAccessKey", code: "CredentialProcessFailed")
        }
        var expiration: Date?
        if let text = output.Expiration {
            guard let date = UTCTime.parseISO8601(text) else {
                throw AWSError.credentials("credential_process (\(name)) printed an Expiration that is not an ISO 8601 time", code: "CredentialProcessFailed")
            }
            expiration = date
        }
        return .found(AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: output.SessionToken,
                                     expiration: expiration, source: "\(name) (credential_process)"))
    }
}

/// Runs a child process with a bounded wait and collects its output.
enum ChildProcess {
    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        var timedOut: Bool
    }

    static let outputLimit = 1 << 20

    static func run(_ arguments: [String], environment: [String: String], timeout: Double) throws -> Result {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw spawnError("pipe") }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw spawnError("pipe")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in [outPipe[0], outPipe[1], errPipe[0], errPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw AWSError.credentials("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))", code: "CredentialProcessFailed")
        }

        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        let deadline = SystemClock.shared.now() + timeout
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while !open.isEmpty {
            let remaining = deadline - SystemClock.shared.now()
            if remaining <= 0 { timedOut = true; break }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { break }
            for entry in fds where entry.revents != 0 {
                let n = read(entry.fd, &buffer, buffer.count)
                if n > 0 {
                    if entry.fd == outPipe[0] {
                        if stdout.count < outputLimit { stdout.append(contentsOf: buffer[0..<n]) }
                    } else if stderr.count < outputLimit {
                        stderr.append(contentsOf: buffer[0..<n])
                    }
                } else if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        close(outPipe[0])
        close(errPipe[0])
        var status: Int32 = 0
        while !timedOut {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid || (done == -1 && errno != EINTR) { break }
            if SystemClock.shared.now() > deadline { timedOut = true; break }
            usleep(10_000)
        }
        if timedOut {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, stdout: stdout, stderr: stderr, timedOut: timedOut)
    }

    private static func spawnError(_ what: String) -> AWSError {
        AWSError.credentials("cannot run credential_process: \(what) failed: \(String(cString: strerror(errno)))", code: "CredentialProcessFailed")
    }
}
