/// The tasks to follow and what is known of them before the first poll.
struct FollowTarget {
    var cluster: String
    /// As the user named them (ARNs or ids), each once.
    var tasks: [String]
    /// Their descriptions so far (RunTask's answer, or the look-up's).
    var initial: [ECSTask]
    /// Which containers decide each task's exit status, by the name in `tasks`.
    var verdicts: [String: TaskVerdict]
    var streams: [LogStreamRef]
    /// When following began on the clock (the launch, for `run`): the start of the timeout.
    var startedAt: Double

    /// The verdict for a described task; without a task definition, any container decides.
    func verdict(for task: ECSTask, waitFor: WaitCondition) -> TaskVerdict {
        verdicts.first { TaskWatcher.matches(task, $0.key) }?.value
            ?? TaskVerdict(deciding: [], essentials: [], waitFor: waitFor)
    }

    /// The tasks a timeout or an interrupt stopped (or left running): those followed and not seen done,
    /// whether or not ECS ever described them.
    func unfinished(_ finalTasks: [ECSTask], waitFor: WaitCondition) -> [String] {
        let open = tasks.filter { wanted in
            !finalTasks.contains { TaskWatcher.matches($0, wanted) && verdict(for: $0, waitFor: waitFor).isDone($0) }
        }
        return open.isEmpty ? tasks : open
    }
}
