#if canImport(Glibc)
import Glibc
#endif

/// Runs a child process with a bounded wait and collects its output.
public enum ChildProcess {
    /// Why a child could not be started.
    public enum Failure: Error {
        /// pipe(2) failed, for the reason given (strerror).
        case pipe(String)
        /// posix_spawn failed for this program, for the reason given (strerror).
        case spawn(String, String)
    }

    public struct Result {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        public var timedOut: Bool
    }

    /// Bytes kept of each of stdout and stderr; the rest is read and dropped.
    public static let outputLimit = 1 << 20

    /// Runs `arguments` (the first is the program's path) with stdin from /dev/null and only `environment`;
    /// after `timeout` seconds the child is killed and `timedOut` is true.
    // Long because the pipes, the spawn, the bounded reading and the reaping share file descriptors and a
    // pid that every path out must close or reap; in one function each path shows that it does.
    public static func run(_ arguments: [String], environment: [String: String], timeout: Double) throws -> Result {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw pipeFailure() }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw pipeFailure()
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
            throw Failure.spawn(arguments[0], String(cString: strerror(spawned)))
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
            SystemClock.sleep(0.01)
        }
        if timedOut {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, stdout: stdout, stderr: stderr, timedOut: timedOut)
    }

    private static func pipeFailure() -> Failure {
        .pipe(String(cString: strerror(errno)))
    }
}
