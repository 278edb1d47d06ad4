import ArgumentParser
import ECSRunEdge
import ECSTasks

extension ParsableCommand {
    /// Ends the command as `outcome` says: its result or error printed, and its exit status.
    func end(_ outcome: TaskOutcome, display: ProgressDisplay, failureCluster: String?) throws {
        let status = CommandEnding.finish(outcome, display: display, failureCluster: failureCluster)
        if status != 0 { throw ExitCode(status) }
    }
}
