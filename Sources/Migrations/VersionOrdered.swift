/// Something with a migration version: files (`Migration`) and history rows (`HistoryRecord`), which the
/// comparisons walk in version order.
protocol VersionOrdered {
    var version: MigrationVersion { get }
}

extension Array where Element: VersionOrdered {
    /// In version order: the array itself when it already is (as `MigrationSource` returns files and the
    /// history table usually holds its rows; checked without copying an element), else sorted.
    var inVersionOrder: [Element] {
        for i in indices.dropFirst() where !(self[i - 1].version < self[i].version) {
            return sorted { $0.version < $1.version }
        }
        return self
    }
}
