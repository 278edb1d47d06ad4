import System

extension Array where Element == UInt8 {
    /// Lower-case hex of these bytes (a digest, usually).
    public var hex: String { Hex.encode(self) }
}
