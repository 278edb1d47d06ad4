#if canImport(Glibc)
import Glibc
#endif

/// Where a path really leads, for refusing links that leave a directory.
public enum SymbolicLinks {
    /// The absolute path with every link, "." and ".." resolved (realpath(3)); nil when some part of it
    /// does not exist or cannot be searched.
    public static func resolved(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// What the link at `path` says, as written (readlink(2)); nil when it is no link.
    public static func target(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(path, &buffer, buffer.count - 1)
        guard length >= 0 else { return nil }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `path` (resolved) is `directory` (resolved) or inside it.
    public static func isInside(_ path: String, _ directory: String) -> Bool {
        path == directory || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
    }
}
