import FoundationEssentials
import Hashing

/// RunTask's `clientToken`, which makes a repeated RunTask with the same token start no second task.
/// ECS allows up to 64 characters in the range 33–126.
enum ClientToken {
    static let maxLength = 64

    /// From a user's idempotency key: the key itself, or, when it is longer or has other characters,
    /// the hex SHA-256 of the key (64 characters), so the same key always yields the same token.
    static func from(idempotencyKey key: String) -> String {
        let allowed = key.utf8.allSatisfy { (33...126).contains($0) }
        if allowed, !key.isEmpty, key.utf8.count <= maxLength { return key }
        return SHA256.hash(Array(key.utf8)).hex
    }

    /// Without a key: a random UUID, made once per launch before the first attempt, as the AWS SDKs do,
    /// so that the AWS client's own retries of RunTask (after a timeout or a 5xx) start no second task.
    static func random() -> String {
        UUID().uuidString.lowercased()
    }

    /// The default `startedBy`: `ecs-run/` and 16 hex digits of the token's SHA-256, unique to the
    /// launch (and the same for a launch retried with the same idempotency key), in the characters ECS
    /// allows there. ListTasks by it finds the task of a RunTask whose answer never came.
    static func startedBy(forToken token: String) -> String {
        startedByPrefix + String(SHA256.hash(Array(token.utf8)).hex.prefix(16))
    }

    static let startedByPrefix = "ecs-run/"
}
