import ArgumentParser
import ECSRunEdge

/// `ecs-run --help`. `run` is the default command, so the root help is run's help, with every option,
/// followed by the subcommands as the root's own help lists them.
enum RootHelp {
    /// A help flag, or `help`, alone.
    static func isAsked(_ arguments: [String]) -> Bool {
        arguments.count == 1 && HelpRequest.isAsked(arguments)
    }

    static var text: String {
        let root = ECSRun.helpMessage().split(separator: "\n", omittingEmptySubsequences: false)
        let subcommands = root.drop { $0 != "SUBCOMMANDS:" }.joined(separator: "\n")
        return ECSRun.helpMessage(for: RunCommand.self) + "\n" + subcommands + "\n"
    }
}
