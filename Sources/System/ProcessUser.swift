#if canImport(Glibc)
import Glibc
#endif

/// Who this process runs as, for messages about permissions: a file the migrator cannot read is
/// readable by someone, and the fix depends on who it ran as (in a container, often a bare uid).
public enum ProcessUser {
    /// "user app (uid 10001)", or "uid 10001" when the user database has no name for it.
    public static var description: String {
        let uid = geteuid()
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        if getpwuid_r(uid, &entry, &buffer, buffer.count, &found) == 0, found != nil, let name = entry.pw_name {
            return "user \(String(cString: name)) (uid \(uid))"
        }
        return "uid \(uid)"
    }
}
