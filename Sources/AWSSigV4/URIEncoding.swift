/// Path normalization as SigV4 defines it (its percent-encoding is System's `PercentEncoding`).
enum URIEncoding {
    /// Removes empty and `.` segments and resolves `..`, keeping a trailing slash.
    static func normalizePath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        if segments.isEmpty { return "/" }
        let joined = "/" + segments.joined(separator: "/")
        return path.hasSuffix("/") ? joined + "/" : joined
    }
}
