/// A NOTICE, WARNING or other non-error message the server sent during a statement.
public struct Notice: Sendable {
    public var severity: String
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
}
