import System

/// What following has reported so far: each task's last status, and when each was first seen done (for
/// its own duration in the summary). Turns the watcher's events into the command's events.
final class FollowProgress {
    let target: FollowTarget
    let waitFor: WaitCondition
    let clock: MonotonicClock
    let observer: TaskObserver
    private var shown: [String: ECSTask] = [:]
    private var doneAt: [String: Double] = [:]

    init(target: FollowTarget, waitFor: WaitCondition, clock: MonotonicClock, observer: TaskObserver) {
        self.target = target
        self.waitFor = waitFor
        self.clock = clock
        self.observer = observer
        for task in target.initial {
            observer.observe(.status(task, previous: nil, elapsed: elapsed))
            shown[task.taskArn ?? ""] = task
        }
    }

    /// Seconds since following began.
    var elapsed: Double { clock.now() - target.startedAt }

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
                observer.observe(.status(task, previous: before == task.lastStatus ? nil : before, elapsed: elapsed))
            }
            shown[key] = task
            if doneAt[key] == nil, isDone(task) { doneAt[key] = clock.now() }
        case .retrying(let error, let after):
            observer.observe(.retrying(errorCode: error.code, after: after))
        case .stopping(let why):
            observer.observe(.stopping(why, tasks: target.tasks.count))
        case .stopFailed(let error):
            observer.observe(.stopFailed(error))
        }
    }
}
