import Durations
import System

/// What following has shown so far: each task's last status on screen, and when each was first seen done
/// (for its own duration in the summary). Turns the watcher's events into progress lines.
final class FollowProgress {
    let target: FollowTarget
    let waitFor: WaitCondition
    let clock: MonotonicClock
    let display: ProgressDisplay
    private var shown: [String: ECSTask] = [:]
    private var doneAt: [String: Double] = [:]

    init(target: FollowTarget, waitFor: WaitCondition, clock: MonotonicClock, display: ProgressDisplay) {
        self.target = target
        self.waitFor = waitFor
        self.clock = clock
        self.display = display
        for task in target.initial {
            display.status(task, previous: nil)
            shown[task.taskArn ?? ""] = task
        }
    }

    func isDone(_ task: ECSTask) -> Bool { target.verdict(for: task, waitFor: waitFor).isDone(task) }

    /// Seconds from the start of following to when `task` was first seen done (or now).
    func duration(of task: ECSTask) -> Double {
        (doneAt[task.taskArn ?? ""] ?? clock.now()) - target.startedAt
    }

    func record(_ event: TaskWatcher.Event) {
        switch event {
        case .status(let task, let previous):
            let key = task.taskArn ?? ""
            let before = previous ?? shown[key]?.lastStatus
            if before != task.lastStatus || TaskWatcher.exitCodes(shown[key]) != TaskWatcher.exitCodes(task) {
                display.status(task, previous: before == task.lastStatus ? nil : before)
            }
            shown[key] = task
            if doneAt[key] == nil, isDone(task) { doneAt[key] = clock.now() }
        case .retrying(let error, let after):
            display.warning("\(error.code) while waiting; retrying in \(DurationText.format(after))")
        case .stopping(let why):
            display.note("stopping \(target.tasks.count == 1 ? "the task" : "the tasks") (\(why))")
        case .stopFailed(let error):
            display.error("StopTask failed: \(error)")
        }
    }
}
