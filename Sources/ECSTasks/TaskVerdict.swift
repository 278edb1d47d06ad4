/// Which containers decide a task's exit status, when the task counts as done, and what its exit
/// status is, following `docker run`: the container's code passes through, or it has none.
struct TaskVerdict: Sendable {
    /// The containers whose exit codes decide: the one named by --container, or every essential one.
    var deciding: [String]
    /// Every essential container; the task is done with `--wait-for exit` once all have exit codes.
    var essentials: [String]
    var waitFor: WaitCondition

    init(deciding: [String], essentials: [String], waitFor: WaitCondition) {
        self.deciding = deciding
        self.essentials = essentials
        self.waitFor = waitFor
    }

    /// From the task definition: `container` (when given) decides, otherwise the essential containers.
    init(taskDefinition: TaskDefinition, container: String?, waitFor: WaitCondition) {
        let definitions = taskDefinition.containerDefinitions ?? []
        essentials = definitions.filter(\.isEssential).compactMap(\.name)
        deciding = container.map { [$0] } ?? essentials
        self.waitFor = waitFor
    }

    func isDone(_ task: ECSTask) -> Bool {
        if task.lastStatus == "STOPPED" { return true }
        guard waitFor == .exit else { return false }
        let names = Set(essentials + deciding)
        guard !names.isEmpty else { return false }
        let containers = task.containers ?? []
        return names.allSatisfy { name in containers.contains { $0.name == name && $0.exitCode != nil } }
    }

    /// How a task ended by this verdict, and the container that decided.
    struct Decision: Equatable, Sendable {
        /// `.exited(code)` with the deciding container's code (the first non-zero one, or 0), or
        /// `.noExitCode`: the task stopped, or was judged done, without an exit code for a deciding container.
        var ending: TaskEnding
        var container: String?
    }

    /// The codes of containers that ECS ended: SIGKILL (137) and SIGTERM (143).
    static let killedByECS: Set<Int> = [137, 143]

    /// The first non-zero exit code of the deciding containers, in declaration order. When the task
    /// stopped because an essential container exited, ECS ended the others with SIGTERM or SIGKILL, so
    /// 137 and 143 rank below every other non-zero code: the container that stopped the task decides.
    func decision(for task: ECSTask) -> Decision {
        let containers = task.containers ?? []
        let names = deciding.isEmpty ? containers.compactMap(\.name) : deciding
        var failed: [(code: Int, container: String)] = []
        var allExited = !names.isEmpty
        for name in names {
            guard let code = containers.first(where: { $0.name == name })?.exitCode else {
                allExited = false
                continue
            }
            if code != 0 { failed.append((code, name)) }
        }
        let stoppedByAnExit = task.stopCode == "EssentialContainerExited"
        let decisive = failed.first { !(stoppedByAnExit && Self.killedByECS.contains($0.code)) } ?? failed.first
        if let decisive { return Decision(ending: .exited(Self.processStatus(decisive.code)), container: decisive.container) }
        return allExited ? Decision(ending: .exited(0), container: names[0]) : Decision(ending: .noExitCode)
    }

    /// A process can only exit with 0–255; a code outside that must still mean failure.
    static func processStatus(_ code: Int) -> Int32 {
        (1...255).contains(code) ? Int32(code) : (code == 0 ? 0 : 1)
    }
}
