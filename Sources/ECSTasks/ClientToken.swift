import Hashing

/// RunTask's `clientToken` from a user's idempotency key. ECS allows up to 64 characters in the range
/// 33–126; a longer key, or one with other characters, becomes the hex SHA-256 of the key (64 characters),
/// so the same key always yields the same token.
public enum ClientToken {
    public static let maxLength = 64

    public static func from(idempotencyKey key: String) -> String {
        let allowed = key.utf8.allSatisfy { (33...126).contains($0) }
        if allowed, !key.isEmpty, key.utf8.count <= maxLength { return key }
        return SHA256.hash(Array(key.utf8)).hex
    }
}
