import ECSRunEdge

/// The options of each subcommand that can come from `ECS_RUN_<NAME>`, written out so that a run reads
/// no option descriptions (ArgumentParser's cost a few milliseconds); `OptionTableTests` derives the same
/// table from the commands' own `@Option` and `@Flag` declarations and fails when the two disagree.
enum OptionTable {
    static let aws: [OptionSpec] = [.init("region"), .init("profile"), .init("endpoint-url"), .init("debug", .flag)]
    static let output: [OptionSpec] = [.init("output"), .init("quiet", .flag, short: "q")]
    static let watch: [OptionSpec] = [
        .init("timeout"), .init("on-timeout"), .init("on-interrupt"), .init("wait-for"), .init("no-logs", .flag),
    ]

    static let run: [OptionSpec] =
        [
            .init("cluster"), .init("task-definition"), .init("container"),
            .init("launch-type"), .init("capacity-provider", .repeated), .init("platform-version"),
            // The service of --network-from-service says where the task runs; the stack's or CI's
            // ECS_RUN_SUBNETS must not move it (its flags, given with it, still do).
            .init("subnets", yieldsTo: ["network-from-service"]), .init("security-groups", yieldsTo: ["network-from-service"]),
            .init("assign-public-ip", .invertible, yieldsTo: ["network-from-service"]), .init("network-from-service"),
            .init("env", .repeated, short: "e"), .init("cpu"), .init("memory"), .init("task-role-arn"), .init("execution-role-arn"),
            .init("tag", .repeated), .init("propagate-tags"), .init("started-by"), .init("group"),
            .init("enable-execute-command", .flag), .init("idempotency-key"),
            .init("no-wait", .flag), .init("dry-run", .flag),
        ] + watch + output + aws

    static let wait: [OptionSpec] = [.init("cluster")] + watch + output + aws
    static let logs: [OptionSpec] = [.init("cluster"), .init("follow", .flag, short: "f")] + output + aws
    static let stop: [OptionSpec] = [.init("cluster"), .init("reason")] + output + aws

    static let bySubcommand: [String: [OptionSpec]] = ["run": run, "wait": wait, "logs": logs, "stop": stop]
}
