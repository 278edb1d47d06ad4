#if canImport(Glibc)
import Glibc
#endif

/// The names in a directory, read with opendir/readdir, so that a failure keeps its errno (FileManager's
/// arrives as a CocoaError, whose text is not for people).
public enum DirectoryListing {
    /// Every name but "." and "..", in no particular order.
    public static func names(_ path: String) throws(FileBytes.ReadFailure) -> [String] {
        guard let dir = opendir(path) else { throw FileBytes.ReadFailure(code: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw FileBytes.ReadFailure(code: errno) }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
    }
}
