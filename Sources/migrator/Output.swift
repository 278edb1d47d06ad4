import System

/// Progress and errors go to stderr, one line per event; results go to stdout.
enum Output {
    static func progress(_ line: String) {
        OutputDescriptor.write(2, line + "\n")
    }

    static func error(_ message: String) {
        OutputDescriptor.write(2, "migrator: error: " + message + "\n")
    }

    static func result(_ text: String) {
        print(text)
    }
}
