import Foundation

/// The servers started by `scripts/local-stack start`, as described by its env file.
///
/// Tests find the file through `LOCAL_STACK_DIR` (default `.local-stack` in the package root).
/// `scripts/test` always starts the stack, so a missing stack is a failure, not a skip.
public struct LocalStack {
    public let environment: [String: String]
    /// The stack's state directory: env file, logs, and the local ECS's request log.
    public let directory: String

    public var databaseURL: String { environment["DATABASE_URL"]! }
    public var awsEndpoint: String { environment["AWS_ENDPOINT_URL"]! }
    public var region: String { environment["AWS_REGION"] ?? "us-east-1" }
    public var postgresPassword: String { environment["LOCAL_STACK_PG_PASSWORD"] ?? "" }

    public struct NotRunning: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the env file; throws with a hint when the stack is not running.
    public static func current() throws -> LocalStack {
        let dir = ProcessInfo.processInfo.environment["LOCAL_STACK_DIR"] ?? Paths.packageRoot + "/.local-stack"
        let directory = dir.hasPrefix("/") ? dir : Paths.packageRoot + "/" + dir
        let path = directory + "/env"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw NotRunning(description: "no local stack at \(path): run `scripts/local-stack start` (scripts/test does)")
        }
        var env: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard line.hasPrefix("export "), let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[line.index(line.startIndex, offsetBy: 7)..<eq])
            var value = String(line[line.index(after: eq)...])
            if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            env[key] = value
        }
        return LocalStack(environment: env, directory: directory)
    }

    /// A connection URL for another database on the same server.
    public func databaseURL(database: String) -> String {
        guard let slash = databaseURL.lastIndex(of: "/") else { return databaseURL }
        return String(databaseURL[...slash]) + database
    }
}

public enum Paths {
    /// The package root, found from this source file's location.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory holding the built executables of the running test bundle's configuration.
    public static var productsDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["PRODUCTS_DIR"] { return dir }
        // The test bundle sits next to the executables: .build/<triple>/<config>/<name>.xctest
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }
        if let bundle { return URL(fileURLWithPath: bundle.bundlePath).deletingLastPathComponent().path }
        return packageRoot + "/.build/debug"
    }

    public static func executable(_ name: String) -> String { productsDirectory + "/" + name }
}
