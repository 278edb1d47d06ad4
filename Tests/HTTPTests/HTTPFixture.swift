import Foundation
import TestSupport

/// Runs scripts/fixtures/http-server for one test case.
final class HTTPFixture {
    let port: Int
    let silentPort: Int
    private let process = Process()
    private let stdin = Pipe()

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Paths.packageRoot + "/scripts/fixtures/http-server"]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = stdin
        try process.run()
        // The first line names the ports; the read ends when the line arrives or the fixture dies.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let ports = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        guard ports.count == 2 else {
            throw NSError(domain: "HTTPFixture", code: 1, userInfo: [NSLocalizedDescriptionKey: "fixture did not start"])
        }
        port = ports[0]
        silentPort = ports[1]
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }

    deinit { if process.isRunning { stop() } }
}

struct Echo: Decodable {
    let method: String
    let path: String
    let headers: [String: String]
    let body: String
    let connections: Int
}
