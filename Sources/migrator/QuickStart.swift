import ArgumentParser
import Migrations
import System

/// `up` and `status` as a task or a CI job runs them, read without ArgumentParser.
///
/// ArgumentParser builds its tree of commands, reflects every option group and looks up the conformances
/// of every property wrapper before it parses a word: 13 M instructions, a sixth of a no-op `status` over
/// a thousand migrations. These two commands, given only their own options as `--name value`,
/// `--name=value` and bare flags, each at most once (`--var` and `--var-show` repeat), are read here
/// into the same values ArgumentParser gives them (MigratorCommandTests compares the two). Anything else
/// (help, an unknown or repeated option, a value that is empty, starts with `-` or does not convert, a
/// failed validation) returns nil and goes to ArgumentParser, which parses it and reports its errors as
/// before.
enum QuickStart {
    enum Command: Equatable {
        case up(UpInvocation)
        case status(StatusInvocation)

        func validate() throws {
            switch self {
            case .up(let up): try up.validate()
            case .status(let status): try status.db.validate()
            }
        }

        func run() throws {
            switch self {
            case .up(let up): try up.run()
            case .status(let status): try status.run()
            }
        }
    }

    private enum Kind { case value, repeatable, flag }

    private static let database: [String: Kind] = [
        "database-url": .value, "dir": .value, "table": .value, "schema": .value, "wait": .value, "lock-wait": .value,
        "statement-timeout": .value, "lock-timeout": .value, "rds-iam": .flag,
    ]
    private static let up: [String: Kind] = database.merging([
        "var": .repeatable, "var-show": .repeatable, "to": .value, "allow-out-of-order": .flag, "lock-retries": .value,
        "dry-run": .flag,
    ]) { a, _ in a }
    private static let status: [String: Kind] = database.merging(["output": .value, "pending": .flag]) { a, _ in a }

    /// The command, validated; nil when ArgumentParser is to read the arguments (without the program's name).
    static func command(_ arguments: [String]) -> Command? {
        guard let name = arguments.first else { return nil }
        let command: Command?
        switch name {
        case "up": command = options(arguments.dropFirst(), up).flatMap(upInvocation)
        case "status": command = options(arguments.dropFirst(), status).flatMap(statusInvocation)
        default: return nil
        }
        guard let command, (try? command.validate()) != nil else { return nil }
        return command
    }

    private struct Options {
        var values: [String: String] = [:]
        var repeated: [String: [String]] = [:]
        var flags: Set<String> = []
    }

    private static func options(_ arguments: ArraySlice<String>, _ known: [String: Kind]) -> Options? {
        var options = Options()
        var rest = arguments[...]
        while let token = rest.popFirst() {
            guard token.hasPrefix("--") else { return nil }
            var name = String(token.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let kind = known[name] else { return nil }
            if kind == .flag {
                guard value == nil, options.flags.insert(name).inserted else { return nil }
                continue
            }
            if value == nil { value = rest.popFirst() }
            guard let value, let first = value.first, first != "-" else { return nil }
            if kind == .repeatable {
                options.repeated[name, default: []].append(value)
            } else {
                guard options.values.updateValue(value, forKey: name) == nil else { return nil }
            }
        }
        return options
    }

    private static func databaseSettings(_ o: Options) -> DatabaseSettings {
        var db = DatabaseSettings()
        db.databaseURL = o.values["database-url"]
        db.directory = o.values["dir"]
        db.table = o.values["table"] ?? db.table
        db.schema = o.values["schema"]
        db.wait = o.values["wait"] ?? db.wait
        db.lockWait = o.values["lock-wait"] ?? db.lockWait
        db.statementTimeout = o.values["statement-timeout"]
        db.lockTimeout = o.values["lock-timeout"]
        db.rdsIAM = o.flags.contains("rds-iam")
        return db
    }

    private static func upInvocation(_ o: Options) -> Command? {
        var up = UpInvocation(db: databaseSettings(o))
        up.vars = o.repeated["var"] ?? []
        up.shown = o.repeated["var-show"] ?? []
        if let to = o.values["to"] {
            guard let version = MigrationVersion(argument: to) else { return nil }
            up.to = version
        }
        if let retries = o.values["lock-retries"] {
            guard let n = Int(argument: retries) else { return nil }
            up.lockRetries = n
        }
        up.allowOutOfOrder = o.flags.contains("allow-out-of-order")
        up.dryRun = o.flags.contains("dry-run")
        return .up(up)
    }

    private static func statusInvocation(_ o: Options) -> Command? {
        var status = StatusInvocation(db: databaseSettings(o))
        if let output = o.values["output"] {
            guard let format = OutputFormat(argument: output) else { return nil }
            status.output = format
        }
        status.pending = o.flags.contains("pending")
        return .status(status)
    }
}
