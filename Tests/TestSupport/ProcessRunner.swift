import Foundation

/// What a finished child process left behind.
public struct ProcessResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// True when the process was killed because it outlived its time limit.
    public let timedOut: Bool
    public var output: String { stdout + stderr }
}

/// Runs executables as a user would, with a bounded wait.
public enum ProcessRunner {
    /// Runs `path` with `arguments`. `environment` replaces the inherited one when given;
    /// `extraEnvironment` is added on top of whichever applies.
    @discardableResult
    public static func run(
        _ path: String,
        _ arguments: [String] = [],
        environment: [String: String]? = nil,
        extraEnvironment: [String: String] = [:],
        stdin: String? = nil,
        directory: String? = nil,
        timeout: TimeInterval = 60
    ) throws -> ProcessResult {
        let process = try start(
            path, arguments, environment: environment, extraEnvironment: extraEnvironment,
            stdin: stdin, directory: directory)
        return process.wait(timeout: timeout)
    }

    /// Starts the process and returns at once; call `wait(timeout:)` on the result.
    public static func start(
        _ path: String,
        _ arguments: [String] = [],
        environment: [String: String]? = nil,
        extraEnvironment: [String: String] = [:],
        stdin: String? = nil,
        directory: String? = nil
    ) throws -> RunningProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = environment ?? ProcessInfo.processInfo.environment
        env.merge(extraEnvironment) { _, new in new }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let running = RunningProcess(process: process)
        if let stdin {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(stdin.utf8))
            try? pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        running.startReading()
        return running
    }
}

/// A child process whose output is collected in the background.
///
/// `@unchecked Sendable` because its two readers run on other threads, and that is safe: the only state
/// they change, `outData` and `errData`, is read and written only while `lock` is held; everything else
/// is a `let` of a thread-safe Foundation type (Process, Pipe, NSLock, DispatchGroup).
public final class RunningProcess: @unchecked Sendable {
    public let process: Process
    private let out = Pipe()
    private let err = Pipe()
    private let lock = NSLock()
    private var outData = Data()
    private var errData = Data()
    private let group = DispatchGroup()

    init(process: Process) {
        self.process = process
        process.standardOutput = out
        process.standardError = err
    }

    func startReading() {
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async { [self] in
                let handle = pipe.fileHandleForReading
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.lock()
                    if isOut { outData.append(chunk) } else { errData.append(chunk) }
                    lock.unlock()
                }
                group.leave()
            }
        }
    }

    public var pid: Int32 { process.processIdentifier }

    /// The output so far.
    public var currentStderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errData, as: UTF8.self) }
    public var currentStdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: outData, as: UTF8.self) }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for exit; after `timeout` seconds the process is killed and `timedOut` is set.
    public func wait(timeout: TimeInterval) -> ProcessResult {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        _ = group.wait(timeout: .now() + 5)
        lock.lock(); defer { lock.unlock() }
        return ProcessResult(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            timedOut: timedOut)
    }
}
