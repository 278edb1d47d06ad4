import System

/// The AWS CLI's shared files, `~/.aws/config` and `~/.aws/credentials`, read with the CLI's rules:
/// in the config file a profile is `[profile name]` (or `[default]`); in the credentials file every
/// section `[name]` is a profile; a profile in both files gets the credentials file's values on top.
struct SharedConfig: Sendable {
    /// Profile name to its settings (keys lower-cased).
    var profiles: [String: [String: String]] = [:]
    /// `[services name]` sections: service key (e.g. `ecs`) to its nested settings.
    var services: [String: [String: [String: String]]] = [:]
    /// `[sso-session name]` sections of the config file, by name.
    var ssoSessions: [String: [String: String]] = [:]
    var configPath: String?
    var credentialsPath: String?
    /// Which of the two files existed.
    var filesFound: [String] = []

    static func load(environment: [String: String], trace: DebugTrace = DebugTrace(sink: nil)) throws -> SharedConfig {
        var shared = SharedConfig()
        let home = environment["HOME"]
        shared.configPath = expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config", home: home)
        shared.credentialsPath = expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials", home: home)
        if let path = shared.configPath, let text = try readIfReadable(path, trace: trace) {
            shared.filesFound.append(path)
            for section in try parseINI(text, path: path) {
                let words = section.name.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                if section.name == "default" {
                    shared.profiles["default"] = section.values
                } else if words.first == "profile", let name = sectionArgument(section.name, keyword: "profile") {
                    shared.profiles[name] = section.values
                } else if words.first == "services", let name = sectionArgument(section.name, keyword: "services") {
                    var nested: [String: [String: String]] = [:]
                    for (key, value) in section.values { nested[key] = parseNested(value) }
                    shared.services[name] = nested
                } else if words.first == "sso-session", let name = sectionArgument(section.name, keyword: "sso-session") {
                    shared.ssoSessions[name] = section.values
                }
                // Other sections (`[name]` without `profile`) are not profiles for the CLI.
            }
        }
        if let path = shared.credentialsPath, let text = try readIfReadable(path, trace: trace) {
            shared.filesFound.append(path)
            for section in try parseINI(text, path: path) {
                shared.profiles[section.name, default: [:]].merge(section.values) { _, new in new }
            }
        }
        return shared
    }

    /// `profile foo` or `profile "my name"` → the name; nil when malformed.
    private static func sectionArgument(_ section: String, keyword: String) -> String? {
        var rest = section.dropFirst(keyword.count).trimmingSpacesTabsAndNewlines()
        if rest.count >= 2, rest.hasPrefix("\""), rest.hasSuffix("\"") { rest = String(rest.dropFirst().dropLast()) }
        if rest.isEmpty || rest.contains(" ") && !section.contains("\"") { return nil }
        return rest
    }

    struct Section {
        var name: String
        var values: [String: String]
    }

    /// INI as Python's configparser reads it: `#`/`;` comment lines, `key = value` or `key: value`,
    /// indented lines continue the previous value. A repeated section or key: the later one wins.
    static func parseINI(_ text: String, path: String) throws -> [Section] {
        var sections: [Section] = []
        var lastKey: String?
        var lastKeyIndent = 0
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let stripped = line.trimmingSpacesTabsAndNewlines()
            if stripped.isEmpty || stripped.hasPrefix("#") || stripped.hasPrefix(";") { continue }
            // As Python's configparser (the AWS CLI's) reads it: a line indented deeper than the setting
            // above continues that setting's value; one indented the same is a setting of its own.
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if indent > lastKeyIndent, let key = lastKey, !sections.isEmpty {
                sections[sections.count - 1].values[key, default: ""] += "\n" + stripped
                continue
            }
            if stripped.hasPrefix("[") {
                guard stripped.hasSuffix("]"), stripped.count > 2 else {
                    throw AWSError.configuration("\(path):\(lineNumber): malformed section header \(stripped)")
                }
                let name = String(stripped.dropFirst().dropLast()).trimmingSpacesTabsAndNewlines()
                if let existing = sections.firstIndex(where: { $0.name == name }) {
                    sections.append(sections.remove(at: existing))
                } else {
                    sections.append(Section(name: name, values: [:]))
                }
                lastKey = nil
                continue
            }
            guard !sections.isEmpty else {
                throw AWSError.configuration("\(path):\(lineNumber): a setting before any [section] header")
            }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw AWSError.configuration("\(path):\(lineNumber): expected `name = value`")
            }
            let key = stripped[..<delimiter].trimmingSpacesTabsAndNewlines().lowercased()
            let value = stripped[stripped.index(after: delimiter)...].trimmingSpacesTabsAndNewlines()
            guard !key.isEmpty else { throw AWSError.configuration("\(path):\(lineNumber): a setting without a name") }
            sections[sections.count - 1].values[key] = value
            lastKey = key
            lastKeyIndent = indent
        }
        return sections
    }

    /// A value like "\n  endpoint_url = http://x\n  max_attempts = 2" as a dictionary.
    static func parseNested(_ value: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in value.split(separator: "\n") {
            guard let eq = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            out[line[..<eq].trimmingSpacesTabsAndNewlines().lowercased()] = line[line.index(after: eq)...].trimmingSpacesTabsAndNewlines()
        }
        return out
    }

    static func expand(_ path: String, home: String?) -> String? {
        if path == "~" { return home }
        if path.hasPrefix("~/") {
            guard let home else { return nil }
            return (home.hasSuffix("/") ? String(home.dropLast()) : home) + String(path.dropFirst())
        }
        return path
    }

    /// A shared file's text, nil when it does not exist or cannot be read: botocore passes the files to
    /// configparser, which skips a file it cannot open, so a config the process may not read (another
    /// user's, with HOME=/root) counts as absent, as does a directory in its place.
    static func readIfReadable(_ path: String, trace: DebugTrace) throws -> String? {
        do {
            return try FileBytes.readText(path)
        } catch FileBytes.Failure.unreadable(let reason) {
            trace("cannot read \(path) (\(reason)); treated as absent, as the AWS CLI does")
            return nil
        } catch FileBytes.Failure.tooLarge(let megabytes) {
            throw AWSError.configuration("\(path) is larger than \(megabytes) MB")
        }
    }

    /// The file's text, nil when it does not exist.
    static func readFile(_ path: String) throws -> String? {
        do {
            return try FileBytes.readText(path)
        } catch FileBytes.Failure.tooLarge(let megabytes) {
            throw AWSError.configuration("\(path) is larger than \(megabytes) MB")
        } catch FileBytes.Failure.unreadable(let reason) {
            throw AWSError.configuration("cannot read \(path): \(reason)")
        }
    }
}
