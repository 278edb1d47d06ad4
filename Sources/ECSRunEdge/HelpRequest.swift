/// Whether a command line asks for help, judged before parsing: a request for help must not apply the
/// `ECS_RUN_*` variables, so that a bad variable cannot hide the help.
public enum HelpRequest {
    static let flags: Set<String> = ["-h", "--help", "-help"]

    /// True for `help` in the subcommand position (`ecs-run help run`), or a help flag in an option
    /// position: before `--`, where the container's command (`-- ls -h`) begins. A value never starts
    /// with `-` there (`--group help` is a value; `--reason=--help` is one argument).
    /// `arguments` excludes the program name.
    public static func isAsked(_ arguments: [String]) -> Bool {
        if arguments.first == "help" { return true }
        return arguments.prefix { $0 != "--" }.contains { flags.contains($0) }
    }
}
