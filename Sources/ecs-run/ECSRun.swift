import ArgumentParser
import BuildVersion
import ECSRunEdge
import ECSTasks
import System

@main
struct ECSRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecs-run",
        abstract: "Launch a one-off ECS task, follow it to its exit, stream its logs, and exit with its code.",
        version: BuildVersion.text,
        subcommands: [RunCommand.self, WaitCommand.self, LogsCommand.self, StopCommand.self],
        defaultSubcommand: RunCommand.self
    )

    static func main() {
        InterruptSignal.install()
        // A closed stdout then fails with EPIPE instead of killing us, so ecs-run can still follow (and,
        // if need be, stop) its task.
        OutputDescriptor.ignoreBrokenPipe()
        let status = status(arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessEnvironment.current)
        // The one place ecs-run ends: with the status its command returned.
        Self.exit(withError: status == 0 ? nil : ExitCode(status))
    }

    /// One invocation, from its arguments to its exit status. The `ECS_RUN_*` variables become arguments
    /// before parsing, so both go through one parser.
    static func status(arguments: [String], environment: [String: String]) -> Int32 {
        let streams = StandardStreams()
        var arguments = arguments
        let subcommands = OptionTable.bySubcommand
        var head: [String] = []
        var name = "run"
        if let first = arguments.first, subcommands[first] != nil {
            name = first
            head = [first]
            arguments.removeFirst()
        }
        // `run` takes nothing before `--` but options, so a leading word is a mistyped command.
        if head.isEmpty, let first = arguments.first, !first.hasPrefix("-"), first != "help" {
            streams.writeErr("ecs-run: error: \(Messages.unknownCommand(first))\n")
            return ExitStatus.code(for: .usageError)
        }
        if head.isEmpty, RootHelp.isAsked(arguments) {
            streams.writeOut(RootHelp.text)
            return 0
        }
        for name in OptionEnvironment.unknownVariables(specs: subcommands.values.flatMap { $0 }, environment: environment) {
            streams.writeErr("ecs-run: warning: \(Messages.unknownVariable(name))\n")
        }
        // Asking for help ignores the variables, so a bad one cannot hide the help.
        let specs = HelpRequest.isAsked(head + arguments) ? [] : subcommands[name] ?? []
        let injected = OptionEnvironment.injected(arguments, specs: specs, environment: environment)
        do {
            let full = try OptionEnvironment.arguments(arguments, specs: specs, environment: environment)
            var command = try parseAsRoot(head + full)
            guard let statusCommand = command as? StatusCommand else {
                try command.run()
                return 0
            }
            return try statusCommand.status(environment: environment)
        } catch let error as OptionSpec.NotABoolean {
            streams.writeErr("ecs-run: error: \(Messages.text(error))\n")
            return ExitStatus.code(for: error.ending)
        } catch {
            return report(error, blaming: OptionEnvironment.blamed(by: message(for: error), injected: injected), on: streams)
        }
    }

    /// ArgumentParser's own ends (help, the version, usage errors): its text, on stdout for help and the
    /// version and on stderr otherwise, and its exit code, as its `exit(withError:)` would.
    static func report(_ error: Error, blaming blamed: [OptionSpec], on streams: StandardStreams) -> Int32 {
        let code = exitCode(for: error)
        let text = code == .validationFailure && !blamed.isEmpty ? usageMessage(for: error, blaming: blamed) : fullMessage(for: error)
        if !text.isEmpty {
            if code == .success { streams.writeOut(text + "\n") } else { streams.writeErr(text + "\n") }
        }
        return code.rawValue
    }

    /// ArgumentParser's message for a usage error, with a note after the error naming the variables
    /// that supplied the options it is about.
    static func usageMessage(for error: Error, blaming blamed: [OptionSpec]) -> String {
        let full = fullMessage(for: error)
        let notes = blamed.map { "\n" + Messages.suppliedByVariable($0) }.joined()
        let lead = "Error: " + message(for: error)
        guard full.hasPrefix(lead) else { return full + notes }
        return lead + notes + full.dropFirst(lead.count)
    }
}
