import ArgumentParser

/// An ecs-run command: it runs, prints its end through the edge (`CommandEnding`), and returns its exit
/// status, which `ECSRun.main` ends the process with. Errors it throws are ArgumentParser's (a value
/// found malformed after parsing), reported as a parse error would be.
protocol StatusCommand: ParsableCommand {
    func status(environment: [String: String]) throws -> Int32
}
