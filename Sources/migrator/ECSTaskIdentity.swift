import FoundationEssentials
import HTTP

/// The ECS task this process runs in, from the task metadata endpoint (v4), for the history's applied_by.
enum ECSTaskIdentity {
    static func taskARN(environment: [String: String]) -> String? {
        guard let base = environment["ECS_CONTAINER_METADATA_URI_V4"], !base.isEmpty,
            let client = try? HTTPClient(configuration: .init(connectTimeout: 1, timeout: 2)),
            let response = try? client.send(HTTPRequest(url: base + "/task")), response.status == 200,
            let task = try? JSONDecoder().decode(TaskMetadata.self, from: Data(response.body))
        else {
            return nil
        }
        return task.TaskARN
    }

    private struct TaskMetadata: Decodable {
        let TaskARN: String?
    }
}
