import AWSClient

/// The ECS operations ecs-run uses. Errors are `AWSError`s; tests script a fake behind this.
/// A call ends early, with a `.cancelled` error, once its `cancellation` turns true. The reads and
/// StopTask are safe to repeat, so a malformed answer to them is retried; RunTask's effect must be known
/// (its answer says which task to stop), so it is not tried again once the run ends, and the attempt in
/// flight gets a grace for its answer.
protocol ECSAPI {
    /// Once `noNewAttempt` turns true, no retry is sent; the attempt in flight runs on until `cancellation`.
    func runTask(_ request: RunTaskRequest, noNewAttempt: Cancellation, cancellation: Cancellation) throws -> RunTaskResponse
    func describeTasks(_ request: DescribeTasksRequest, cancellation: Cancellation) throws -> DescribeTasksResponse
    func stopTask(_ request: StopTaskRequest, cancellation: Cancellation) throws -> StopTaskResponse
    func listTasks(_ request: ListTasksRequest, cancellation: Cancellation) throws -> ListTasksResponse
    func describeTaskDefinition(
        _ request: DescribeTaskDefinitionRequest,
        cancellation: Cancellation
    ) throws -> DescribeTaskDefinitionResponse
    func describeServices(_ request: DescribeServicesRequest, cancellation: Cancellation) throws -> DescribeServicesResponse
}

/// The CloudWatch Logs operation ecs-run uses.
protocol LogsAPI {
    func getLogEvents(_ request: GetLogEventsRequest, cancellation: Cancellation) throws -> GetLogEventsResponse
}

/// ECS over the signing AWS client.
struct AWSECS: ECSAPI {
    let client: AWSClient
    init(client: AWSClient) { self.client = client }

    func runTask(_ request: RunTaskRequest, noNewAttempt: Cancellation, cancellation: Cancellation) throws -> RunTaskResponse {
        try client.call(.ecs, "RunTask", request, as: RunTaskResponse.self, cancellation: cancellation, noNewAttempt: noNewAttempt)
    }

    func describeTasks(_ request: DescribeTasksRequest, cancellation: Cancellation) throws -> DescribeTasksResponse {
        try client.call(.ecs, "DescribeTasks", request, as: DescribeTasksResponse.self, cancellation: cancellation, idempotent: true)
    }

    /// A second StopTask changes nothing, so StopTask is safe to repeat.
    func stopTask(_ request: StopTaskRequest, cancellation: Cancellation) throws -> StopTaskResponse {
        try client.call(.ecs, "StopTask", request, as: StopTaskResponse.self, cancellation: cancellation, idempotent: true)
    }

    func listTasks(_ request: ListTasksRequest, cancellation: Cancellation) throws -> ListTasksResponse {
        try client.call(.ecs, "ListTasks", request, as: ListTasksResponse.self, cancellation: cancellation, idempotent: true)
    }

    func describeTaskDefinition(
        _ request: DescribeTaskDefinitionRequest,
        cancellation: Cancellation
    ) throws -> DescribeTaskDefinitionResponse {
        try client.call(
            .ecs, "DescribeTaskDefinition", request, as: DescribeTaskDefinitionResponse.self, cancellation: cancellation,
            idempotent: true)
    }

    func describeServices(_ request: DescribeServicesRequest, cancellation: Cancellation) throws -> DescribeServicesResponse {
        try client.call(.ecs, "DescribeServices", request, as: DescribeServicesResponse.self, cancellation: cancellation, idempotent: true)
    }
}

/// CloudWatch Logs over the signing AWS client.
struct AWSLogs: LogsAPI {
    let client: AWSClient
    init(client: AWSClient) { self.client = client }

    func getLogEvents(_ request: GetLogEventsRequest, cancellation: Cancellation) throws -> GetLogEventsResponse {
        try client.call(.logs, "GetLogEvents", request, as: GetLogEventsResponse.self, cancellation: cancellation, idempotent: true)
    }
}
