import AWSClient
import ECSRunEdge
@testable import ECSTasks
import System

/// A clock whose time passes only when someone sleeps; every sleep is recorded.
final class FakeClock: MonotonicClock {
    var time: Double = 1000
    var sleeps: [Double] = []
    /// Called on each sleep with the new time, to script events (e.g. an interrupt) at a moment.
    var onSleep: ((Double) -> Void)?

    func now() -> Double { time }
    func sleep(_ seconds: Double) {
        sleeps.append(seconds)
        time += seconds
        onSleep?(time)
    }
}

/// A scripted ECS: DescribeTasks answers come from a queue (the last one repeats); every call is recorded.
final class FakeECS: ECSAPI {
    enum Answer {
        case tasks([ECSTask])
        case missing(String)
        case error(AWSError)
    }

    var describeAnswers: [Answer] = []
    var describeCalls: [(time: Double, request: DescribeTasksRequest)] = []
    var stopCalls: [StopTaskRequest] = []
    var runCalls: [RunTaskRequest] = []
    var runAnswer = RunTaskResponse()
    var definition: TaskDefinition?
    var definitionCalls: [DescribeTaskDefinitionRequest] = []
    var services: [Service] = []
    var clock: FakeClock?
    /// The cancellation each read was given, by operation.
    var cancellations: [(operation: String, cancellation: Cancellation)] = []

    /// When set, RunTask throws it instead of answering (a lost answer, a 5xx, a malformed body).
    var runError: AWSError?
    /// Seconds the clock moves on before `runError` is thrown: how long the attempt hung.
    var runErrorAfter: Double = 0
    /// Each RunTask's two cancellations: when no new attempt may start, and when the one in flight ends.
    var runCancellations: [(noNewAttempt: Cancellation, inFlight: Cancellation)] = []
    var stopError: AWSError?
    var stopCancellations: [Cancellation] = []
    /// ListTasks answers, in order (the last one repeats); every call is recorded.
    var listAnswers: [ListTasksResponse] = [ListTasksResponse(taskArns: [])]
    var listCalls: [ListTasksRequest] = []
    var listError: AWSError?

    func runTask(_ request: RunTaskRequest, noNewAttempt: Cancellation, cancellation: Cancellation) throws -> RunTaskResponse {
        runCalls.append(request)
        runCancellations.append((noNewAttempt, cancellation))
        if let runError {
            clock?.time += runErrorAfter
            throw runError
        }
        return runAnswer
    }

    func listTasks(_ request: ListTasksRequest, cancellation: Cancellation) throws -> ListTasksResponse {
        listCalls.append(request)
        if let listError { throw listError }
        return listAnswers.count > 1 ? listAnswers.removeFirst() : listAnswers.first ?? ListTasksResponse()
    }

    func describeTasks(_ request: DescribeTasksRequest, cancellation: Cancellation) throws -> DescribeTasksResponse {
        cancellations.append(("DescribeTasks", cancellation))
        describeCalls.append((clock?.time ?? 0, request))
        let answer = describeAnswers.count > 1 ? describeAnswers.removeFirst() : describeAnswers.first!
        switch answer {
        case .tasks(let tasks):
            return DescribeTasksResponse(tasks: tasks.filter { t in request.tasks.contains { TaskWatcher.matches(t, $0) } }, failures: [])
        case .missing(let arn):
            return DescribeTasksResponse(tasks: [], failures: [Failure(arn: arn, reason: "MISSING")])
        case .error(let error):
            throw error
        }
    }

    func stopTask(_ request: StopTaskRequest, cancellation: Cancellation) throws -> StopTaskResponse {
        stopCalls.append(request)
        stopCancellations.append(cancellation)
        if let stopError { throw stopError }
        var task = ECSTask(taskArn: request.task, lastStatus: "RUNNING")
        task.desiredStatus = "STOPPED"
        return StopTaskResponse(task: task)
    }

    func describeTaskDefinition(
        _ request: DescribeTaskDefinitionRequest,
        cancellation: Cancellation
    ) throws -> DescribeTaskDefinitionResponse {
        cancellations.append(("DescribeTaskDefinition", cancellation))
        definitionCalls.append(request)
        guard let definition else {
            throw AWSError(kind: .service, code: "ClientException", message: "Unable to describe task definition.", status: 400)
        }
        return DescribeTaskDefinitionResponse(taskDefinition: definition)
    }

    func describeServices(_ request: DescribeServicesRequest, cancellation: Cancellation) throws -> DescribeServicesResponse {
        cancellations.append(("DescribeServices", cancellation))
        let found = services.filter { request.services.contains($0.serviceName ?? "") }
        return DescribeServicesResponse(
            services: found,
            failures: found.isEmpty ? request.services.map { Failure(arn: $0, reason: "MISSING") } : [])
    }
}

/// A scripted CloudWatch Logs: per stream, the full list of events, served in pages of `pageSize`.
/// Until `appearsAfterCalls` calls have been made the stream does not exist. Tokens are "f/<offset>";
/// at the end the same token comes back, as GetLogEvents does.
final class FakeLogs: LogsAPI {
    var events: [String: [OutputLogEvent]] = [:]
    var appearsAfterCalls: [String: Int] = [:]
    var pageSize = 2
    var calls: [GetLogEventsRequest] = []
    var cancellations: [Cancellation] = []
    var failure: AWSError?

    func getLogEvents(_ request: GetLogEventsRequest, cancellation: Cancellation) throws -> GetLogEventsResponse {
        calls.append(request)
        cancellations.append(cancellation)
        if let failure { throw failure }
        let stream = request.logStreamName
        let callsSoFar = calls.filter { $0.logStreamName == stream }.count
        guard callsSoFar > appearsAfterCalls[stream, default: 0], let all = events[stream] else {
            throw AWSError(
                kind: .service, code: "ResourceNotFoundException", message: "The specified log stream does not exist.", status: 400)
        }
        let offset = request.nextToken.map { Int($0.dropFirst(2))! } ?? 0
        let page = Array(all[min(offset, all.count)..<min(offset + pageSize, all.count)])
        return GetLogEventsResponse(events: page, nextForwardToken: "f/\(offset + page.count)", nextBackwardToken: "b/\(offset)")
    }

    func append(_ stream: String, _ messages: [String], at time: Int64 = 0) {
        var list = events[stream] ?? []
        for (i, m) in messages.enumerated() { list.append(OutputLogEvent(timestamp: time + Int64(i), message: m)) }
        events[stream] = list
    }
}

/// Captures stdout and stderr.
final class CapturedOutput: OutputSink {
    var out = ""
    var err = ""
    /// After this many writes stdout is closed, as `ecs-run ... | head -1` does; later writes are lost.
    var outClosesAfter: Int?
    private var outWrites = 0
    var isOutClosed: Bool { outClosesAfter.map { outWrites >= $0 } ?? false }

    func writeOut(_ text: String) {
        guard !isOutClosed else { return }
        out += text
        outWrites += 1
    }
    func writeErr(_ text: String) { err += text }
}

let taskArn = "arn:aws:ecs:us-east-1:123456789012:task/c1/0123456789abcdef"

/// `app:1`, one container `app` logging with awslogs to /ecs/app with the stream prefix ecs.
func appDefinition() -> TaskDefinition {
    let awslogs = LogConfiguration(logDriver: "awslogs", options: ["awslogs-group": "/ecs/app", "awslogs-stream-prefix": "ecs"])
    var d = TaskDefinition(
        taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1",
        containerDefinitions: [ContainerDefinition(name: "app", logConfiguration: awslogs)])
    d.family = "app"
    d.revision = 1
    return d
}

func task(_ status: String, _ containers: [Container] = [], stopCode: String? = nil, reason: String? = nil) -> ECSTask {
    var task = ECSTask(taskArn: taskArn, lastStatus: status, containers: containers)
    task.stopCode = stopCode
    task.stoppedReason = reason
    task.taskDefinitionArn = "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1"
    return task
}

func container(_ name: String, _ status: String = "RUNNING", exit: Int? = nil, reason: String? = nil) -> Container {
    Container(name: name, lastStatus: status, exitCode: exit, reason: reason)
}

func throttling() -> AWSError {
    AWSError(kind: .service, code: "ThrottlingException", message: "Rate exceeded", status: 400, isRetryable: true)
}
