import AWSClient

/// The ECS operations ecs-run uses. Errors are `AWSError`s; tests script a fake behind this.
/// A read ends early, with a `.cancelled` error, once its `cancellation` turns true. RunTask and StopTask
/// take none: their effect must be known (RunTask's answer says which task to stop).
protocol ECSAPI {
    func runTask(_ request: RunTaskRequest) throws -> RunTaskResponse
    func describeTasks(_ request: DescribeTasksRequest, cancellation: Cancellation) throws -> DescribeTasksResponse
    func stopTask(_ request: StopTaskRequest) throws -> StopTaskResponse
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

    func runTask(_ request: RunTaskRequest) throws -> RunTaskResponse {
        try client.call(.ecs, "RunTask", request, as: RunTaskResponse.self)
    }

    func describeTasks(_ request: DescribeTasksRequest, cancellation: Cancellation) throws -> DescribeTasksResponse {
        try client.call(.ecs, "DescribeTasks", request, as: DescribeTasksResponse.self, cancellation: cancellation)
    }

    func stopTask(_ request: StopTaskRequest) throws -> StopTaskResponse {
        try client.call(.ecs, "StopTask", request, as: StopTaskResponse.self)
    }

    func describeTaskDefinition(
        _ request: DescribeTaskDefinitionRequest,
        cancellation: Cancellation
    ) throws -> DescribeTaskDefinitionResponse {
        try client.call(.ecs, "DescribeTaskDefinition", request, as: DescribeTaskDefinitionResponse.self, cancellation: cancellation)
    }

    func describeServices(_ request: DescribeServicesRequest, cancellation: Cancellation) throws -> DescribeServicesResponse {
        try client.call(.ecs, "DescribeServices", request, as: DescribeServicesResponse.self, cancellation: cancellation)
    }
}

/// CloudWatch Logs over the signing AWS client.
struct AWSLogs: LogsAPI {
    let client: AWSClient
    init(client: AWSClient) { self.client = client }

    func getLogEvents(_ request: GetLogEventsRequest, cancellation: Cancellation) throws -> GetLogEventsResponse {
        try client.call(.logs, "GetLogEvents", request, as: GetLogEventsResponse.self, cancellation: cancellation)
    }
}
