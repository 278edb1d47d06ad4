#if canImport(Glibc)
import Glibc
#endif

/// Progress and errors go to stderr, one line per event; results go to stdout.
enum Output {
    static func progress(_ line: String) {
        fputs(line + "\n", stderr)
    }

    static func error(_ message: String) {
        fputs("migrator: error: " + message + "\n", stderr)
    }

    static func result(_ text: String) {
        print(text)
    }
}
