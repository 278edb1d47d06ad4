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

    /// Adds the `ECS_RUN_*` variables to the arguments before parsing, so both go through one parser.
    static func main() {
        InterruptSignal.install()
        // A closed stdout then fails with EPIPE instead of killing us, so ecs-run can still follow (and,
        // if need be, stop) its task.
        OutputDescriptor.ignoreBrokenPipe()
        let environment = ProcessEnvironment.current
        var arguments = Array(CommandLine.arguments.dropFirst())
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
            StandardStreams().writeErr(
                "ecs-run: error: unknown command '\(first)'; the commands are run, wait, logs and stop"
                    + " (the task's own command goes after --). See 'ecs-run --help'.\n")
            Self.exit(withError: ExitCode.validationFailure)
        }
        if head.isEmpty, RootHelp.isAsked(arguments) {
            StandardStreams().writeOut(RootHelp.text)
            return
        }
        let allSpecs = subcommands.values.flatMap { $0 }
        for name in OptionEnvironment.unknownVariables(specs: allSpecs, environment: environment) {
            StandardStreams().writeErr("ecs-run: warning: \(name) matches no option and is ignored\n")
        }
        // Asking for help ignores the variables, so a bad one cannot hide the help.
        let specs = HelpRequest.isAsked(head + arguments) ? [] : subcommands[name] ?? []
        let injected = OptionEnvironment.injected(arguments, specs: specs, environment: environment)
        do {
            arguments = try OptionEnvironment.arguments(arguments, specs: specs, environment: environment)
            var command = try parseAsRoot(head + arguments)
            try command.run()
        } catch let failure as RunFailure {
            StandardStreams().writeErr("ecs-run: error: \(failure.description)\n")
            Self.exit(withError: ExitCode(ExitStatus.of(failure)))
        } catch {
            let blamed = OptionEnvironment.blamed(by: message(for: error), injected: injected)
            guard exitCode(for: error) == .validationFailure, !blamed.isEmpty else { Self.exit(withError: error) }
            StandardStreams().writeErr(usageMessage(for: error, blaming: blamed) + "\n")
            Self.exit(withError: ExitCode.validationFailure)
        }
    }

    /// ArgumentParser's message for a usage error, with a note after the error naming the variables
    /// that supplied the options it is about.
    static func usageMessage(for error: Error, blaming blamed: [OptionSpec]) -> String {
        let full = fullMessage(for: error)
        let notes = blamed.map { "\nNote: --\($0.name) comes from \($0.environmentName) in the environment." }.joined()
        let lead = "Error: " + message(for: error)
        guard full.hasPrefix(lead) else { return full + notes }
        return lead + notes + full.dropFirst(lead.count)
    }
}
