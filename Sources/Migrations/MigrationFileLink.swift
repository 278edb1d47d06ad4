import System

/// A migration file that is a symbolic link, as Kubernetes ConfigMap volumes make every file one
/// (`0001_a.sql -> ..data/0001_a.sql`, `..data -> ..2026_12_05_10_00_00.123`): followed only while it
/// stays inside the migrations directory, so that a link named like a migration cannot send
/// `/etc/passwd`, or another project's SQL, to the server.
enum MigrationFileLink {
    enum Target { case success(String), failure(String) }

    /// The file the link at `path` leads to, when that is inside the directory holding `path`.
    static func follow(_ path: String) -> Target {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let written = SymbolicLinks.target(path) ?? "?"
        guard let target = SymbolicLinks.resolved(path) else {
            return .failure("is a symbolic link to \(written), which does not exist (or cannot be reached)")
        }
        guard let root = SymbolicLinks.resolved(directory.isEmpty ? "/" : directory), SymbolicLinks.isInside(target, root) else {
            return .failure(
                "is a symbolic link to \(target), outside the migrations directory: refused, so that only files in the directory run;"
                    + " copy the file in instead")
        }
        return .success(target)
    }
}
