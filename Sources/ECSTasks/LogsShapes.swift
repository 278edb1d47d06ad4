// Shapes of CloudWatch Logs GetLogEvents, spelled as in botocore's logs/2014-03-28 model.

struct GetLogEventsRequest: Codable, Equatable, Sendable {
    var logGroupName: String
    var logStreamName: String
    var nextToken: String?
    var startFromHead: Bool?
    var limit: Int?
    init(
        logGroupName: String, logStreamName: String, nextToken: String? = nil, startFromHead: Bool? = true,
        limit: Int? = nil
    ) {
        self.logGroupName = logGroupName
        self.logStreamName = logStreamName
        self.nextToken = nextToken
        self.startFromHead = startFromHead
        self.limit = limit
    }
}

struct OutputLogEvent: Codable, Equatable, Sendable {
    /// Milliseconds since the epoch.
    var timestamp: Int64?
    var message: String?
    init(timestamp: Int64?, message: String?) { self.timestamp = timestamp; self.message = message }
}

struct GetLogEventsResponse: Codable, Sendable {
    var events: [OutputLogEvent]?
    var nextForwardToken: String?
    var nextBackwardToken: String?
    init(events: [OutputLogEvent]?, nextForwardToken: String?, nextBackwardToken: String? = nil) {
        self.events = events
        self.nextForwardToken = nextForwardToken
        self.nextBackwardToken = nextBackwardToken
    }
}
