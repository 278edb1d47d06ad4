/// A migrations directory that holds no migration at all, and what it holds instead. Never "nothing to
/// do": an image that copied the wrong folder, or another tool's layout, must fail the deploy, not pass
/// it against an empty database. The executable says what the directory looks like and what to do.
public struct NoMigrationsFound: Error, Sendable, Equatable, CustomStringConvertible {
    /// An entry that bears a foreign layout's mark.
    public struct Sighting: Sendable, Equatable {
        /// The entry's name in the directory; a folder's ends in "/".
        public var entry: String
        public var clue: LayoutClue
    }

    /// What the directory looks like, most telling first.
    public enum Resemblance: Sendable, Equatable {
        /// Nothing in it (hidden files aside).
        case emptyFolder
        /// Another tool's layout: the one with the most entries bearing its marks.
        case layout(ForeignLayout)
        /// The `.sql` files sit one folder down, as when a parent folder was copied.
        case sqlInSubfolder
        /// Files, none of them a migration.
        case otherFiles
    }

    public var directory: String
    /// Every entry's name in byte order; a folder's ends in "/".
    public var entries: [String]
    public var sightings: [Sighting]
    /// A `.sql` file in each subfolder that holds some, relative to `directory` ("db/0001_init.up.sql").
    public var sqlInFolders: [String]

    public var resemblance: Resemblance {
        let counts = Dictionary(grouping: sightings, by: \.clue.layout).mapValues(\.count)
        if let (layout, _) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }) {
            return .layout(layout)
        }
        if !sqlInFolders.isEmpty { return .sqlInSubfolder }
        return entries.allSatisfy { $0.hasPrefix(".") } ? .emptyFolder : .otherFiles
    }

    /// The sightings of one layout.
    public func sightings(of layout: ForeignLayout) -> [Sighting] {
        sightings.filter { $0.clue.layout == layout }
    }

    public var description: String {
        "no migration found in \(directory) (\(entries.count) entr\(entries.count == 1 ? "y" : "ies")); nothing was applied"
    }
}
