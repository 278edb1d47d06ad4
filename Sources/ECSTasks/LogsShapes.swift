// Shapes of CloudWatch Logs GetLogEvents, spelled as in botocore's logs/2014-03-28 model.

public struct GetLogEventsRequest: Codable, Equatable, Sendable {
    public var logGroupName: String
    public var logStreamName: String
    public var nextToken: String?
    public var startFromHead: Bool?
    public var limit: Int?
    public init(logGroupName: String, logStreamName: String, nextToken: String? = nil, startFromHead: Bool? = true,
                limit: Int? = nil) {
        self.logGroupName = logGroupName
        self.logStreamName = logStreamName
        self.nextToken = nextToken
        self.startFromHead = startFromHead
        self.limit = limit
    }
}

public struct OutputLogEvent: Codable, Equatable, Sendable {
    /// Milliseconds since the epoch.
    public var timestamp: Int64?
    public var message: String?
    public var ingestionTime: Int64?
    public init(timestamp: Int64?, message: String?) { self.timestamp = timestamp; self.message = message }
}

public struct GetLogEventsResponse: Codable, Sendable {
    public var events: [OutputLogEvent]?
    public var nextForwardToken: String?
    public var nextBackwardToken: String?
    public init(events: [OutputLogEvent]?, nextForwardToken: String?, nextBackwardToken: String? = nil) {
        self.events = events
        self.nextForwardToken = nextForwardToken
        self.nextBackwardToken = nextBackwardToken
    }
}
