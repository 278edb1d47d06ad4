import Foundation

/// A temporary HOME with `.aws/`, removed by `remove()`.
struct TemporaryHome {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "aws-home-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String, executable: Bool = false) throws {
        let file = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file) }
    }

    func file(_ relative: String) -> String { path + "/" + relative }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

extension ISO8601DateFormatter {
    static func string(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
