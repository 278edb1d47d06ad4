/// Which migrations an old tool's history says are applied, matched to today's files by version number
/// (dbmate's "0002" is file version 2), as that tool's `LegacyHistoryReader` counts them.
///
/// It refuses rather than guesses: a dirty golang-migrate table, or a version that no file has (its
/// checksum and name would be made up), stops the adoption with every problem listed.
struct AdoptionPlan {
    /// The migrations to record as applied, oldest first.
    var applied: [Migration]

    init(_ legacy: LegacyHistory, migrations: [Migration]) throws {
        applied = try legacy.tool.reader.applied(legacy, files: migrations.sorted { $0.version < $1.version })
    }
}
