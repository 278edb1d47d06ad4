import System

/// How progress and results are shown.
public struct DisplayOptions: Sendable {
    public var format: OutputFormat = .text
    public var quiet = false
    /// stderr is a terminal: one status line updated in place.
    public var interactive = false
    /// Colour only on a terminal with NO_COLOR unset; the executable decides.
    public var color = false
    public init() {}
}
