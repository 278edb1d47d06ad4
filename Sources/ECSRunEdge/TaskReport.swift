import ECSTasks
import FoundationEssentials
import System

/// The `--output json` result: one object on stdout. Every key is always present (null when unknown).
struct TaskReport: Encodable {
    struct ContainerReport: Encodable {
        var name: String?
        var exitCode: Int?
        var reason: String?
        var lastStatus: String?

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(exitCode, forKey: .exitCode)
            try c.encode(reason, forKey: .reason)
            try c.encode(lastStatus, forKey: .lastStatus)
        }
        enum CodingKeys: String, CodingKey { case name, exitCode, reason, lastStatus }
    }

    var taskArn: String?
    var cluster: String?
    var taskDefinitionArn: String?
    var lastStatus: String?
    var stopCode: String?
    var stoppedReason: String?
    var startedAt: String?
    var stoppedAt: String?
    /// ecs-run's own exit status: the deciding container's code, or 124, 125, 130.
    var exitCode: Int32
    var containers: [ContainerReport]
    var logGroup: String?
    var logStreams: [String]
    /// Why ecs-run failed (exit 125 and the like), as stderr says it; null when it did not.
    var error: String?

    init(task: ECSTask?, cluster: String, exitCode: Int32, streams: [LogStreamRef]) {
        taskArn = task?.taskArn
        self.cluster = task?.clusterArn ?? cluster
        taskDefinitionArn = task?.taskDefinitionArn
        lastStatus = task?.lastStatus
        stopCode = task?.stopCode
        stoppedReason = task?.stoppedReason
        startedAt = task?.startedAt.map { UTCTime($0).iso8601Milliseconds }
        stoppedAt = task?.stoppedAt.map { UTCTime($0).iso8601Milliseconds }
        self.exitCode = exitCode
        containers = (task?.containers ?? []).map {
            ContainerReport(name: $0.name, exitCode: $0.exitCode, reason: $0.reason, lastStatus: $0.lastStatus)
        }
        logGroup = streams.first?.group
        logStreams = streams.map(\.stream)
    }

    enum CodingKeys: String, CodingKey {
        case taskArn, cluster, taskDefinitionArn, lastStatus, stopCode, stoppedReason, startedAt, stoppedAt, exitCode,
            containers, logGroup, logStreams, error
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(taskArn, forKey: .taskArn)
        try c.encode(cluster, forKey: .cluster)
        try c.encode(taskDefinitionArn, forKey: .taskDefinitionArn)
        try c.encode(lastStatus, forKey: .lastStatus)
        try c.encode(stopCode, forKey: .stopCode)
        try c.encode(stoppedReason, forKey: .stoppedReason)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(stoppedAt, forKey: .stoppedAt)
        try c.encode(exitCode, forKey: .exitCode)
        try c.encode(containers, forKey: .containers)
        try c.encode(logGroup, forKey: .logGroup)
        try c.encode(logStreams, forKey: .logStreams)
        try c.encode(error, forKey: .error)
    }

    /// The JSON object of a command that failed before it knew a task: the cluster, the exit code and why.
    static func failure(cluster: String, exitCode: Int32, error: String) -> String {
        var report = TaskReport(task: nil, cluster: cluster, exitCode: exitCode, streams: [])
        report.error = error
        return report.json()
    }

    func json() -> String {
        let encoder = JSONEncoder()
        // Sorted, because this JSONEncoder does not keep the declaration order.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
