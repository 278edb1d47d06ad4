import Foundation
import Migrations
import XCTest

/// Every entry of a migrations directory is a migration, a companion file, or a problem that says what it
/// looks like; a directory with no migration is an error of its own, never an empty plan.
final class MigrationDirectoryTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "migdir-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Writes `text` to `name` under the directory, creating folders on the way.
    func write(_ name: String, _ text: String = "") throws {
        let path = dir + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func testCompanionFilesAreAllowedBesideTheMigrations() throws {
        try write("0001_create_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
        for companion in [
            "README", "README.md", "readme.txt", "CONVENTIONS.md", "embed.go", "bindata.go", ".gitkeep", ".squawk.toml",
            ".DS_Store", ".0001_create_users.up.sql.swp", "docs/diagram.png", ".git/HEAD",
        ] {
            try write(companion, "x")
        }
        try FileManager.default.createDirectory(atPath: dir + "/empty-folder", withIntermediateDirectories: true)
        XCTAssertEqual(try MigrationSource.load(directory: dir).map(\.label), ["0001_create_users"])
    }

    struct EntryCase {
        let name: String
        let files: [(String, String)]
        let problem: (file: String, reason: String)
        var clue: LayoutClue? = nil
    }

    /// Among valid migrations, each entry that is neither a migration nor a companion is reported, and one
    /// that looks like another tool's layout is named with it.
    func testEveryOtherEntryIsAProblemNamedForWhatItLooksLike() throws {
        let cases: [EntryCase] = [
            EntryCase(
                name: "a stray file", files: [("notes.txt", "todo")],
                problem: ("notes.txt", "not a migration file: the directory may hold only migrations")),
            EntryCase(
                name: "a migration switched off with a dot", files: [(".0003_drop_legacy.up.sql", "DROP TABLE legacy;")],
                problem: (".0003_drop_legacy.up.sql", "a hidden .sql file never runs: remove the leading dot")),
            EntryCase(
                name: "a folder of .sql files", files: [("seeds/0001_countries.sql", "INSERT INTO countries VALUES ('NL');")],
                problem: ("seeds", "a folder of .sql files (seeds/0001_countries.sql), which are not read")),
            EntryCase(
                name: "a goose Go migration", files: [("00006_rename_root.go", "package migrations")],
                problem: ("00006_rename_root.go", "looks like a goose migration written in Go"), clue: .gooseGoMigration),
            EntryCase(
                name: "a Flyway baseline migration", files: [("B5__baseline.sql", "CREATE TABLE a (id int);")],
                problem: ("B5__baseline.sql", "is a Flyway baseline migration"), clue: .flywayBaselineMigration),
            EntryCase(
                name: "a Flyway Java migration", files: [("V3__backfill_totals.java", "public class V3__backfill_totals {}")],
                problem: ("V3__backfill_totals.java", "is a Flyway migration written in Java or Kotlin"), clue: .flywayJavaMigration),
            EntryCase(
                name: "a compiled Flyway Java migration", files: [("V3_1__backfill.class", "")],
                problem: ("V3_1__backfill.class", "is a Flyway migration written in Java or Kotlin"), clue: .flywayJavaMigration),
            EntryCase(
                name: "a Flyway script configuration", files: [("V4__index.sql.conf", "executeInTransaction=false\n")],
                problem: ("V4__index.sql.conf", "is a Flyway script configuration file"), clue: .flywayScriptConfig),
            EntryCase(
                name: "a Flyway callback", files: [("afterMigrate__grants.sql", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;")],
                problem: ("afterMigrate__grants.sql", "is a Flyway callback"), clue: .flywayCallback),
            EntryCase(
                name: "a Flyway name whose version is not one", files: [("V1.a__add_index.sql", "SELECT 1;")],
                problem: ("V1.a__add_index.sql", "looks like a Flyway migration, but 1.a is not a version")),
            EntryCase(
                name: "a Flyway name without its __", files: [("V2_add_index.sql", "SELECT 1;")],
                problem: ("V2_add_index.sql", "looks like a Flyway migration, but has no __ after its version")),
        ]
        for c in cases {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
                try FileManager.default.removeItem(atPath: dir + "/" + name)
            }
            try write("0001_create_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
            try write("0002_add_email.sql", "-- migrate:up\nALTER TABLE users ADD COLUMN email text;\n")
            for (name, text) in c.files { try write(name, text) }
            XCTAssertThrowsError(try MigrationSource.load(directory: dir), c.name) { error in
                guard let error = error as? MigrationFileError else { return XCTFail("\(c.name): \(error)") }
                XCTAssertEqual(error.problems.count, 1, "\(c.name): \(error)")
                let problem = error.problems.first
                XCTAssertEqual(problem?.file, dir + "/" + c.problem.file, c.name)
                XCTAssertTrue(problem?.reason.contains(c.problem.reason) ?? false, "\(c.name): \(error)")
                XCTAssertEqual(problem?.clue, c.clue, c.name)
                XCTAssertTrue(error.description.contains("nothing was applied"), c.name)
            }
        }
    }

    struct EmptyCase {
        let name: String
        let files: [(String, String)]
        let folders: [String]
        let resemblance: NoMigrationsFound.Resemblance
        let entries: [String]
        var clues: [LayoutClue] = []
        var sqlInFolders: [String] = []
    }

    /// What a directory without a single migration holds, as a value: the executable turns it into words.
    func testADirectoryWithoutMigrationsSaysWhatItHolds() throws {
        let lock =
            "# Please do not edit this file manually\n# It should be added in your version-control system (i.e. Git)\nprovider = \"postgresql\"\n"
        let cases: [EmptyCase] = [
            EmptyCase(name: "an empty folder", files: [], folders: [], resemblance: .emptyFolder, entries: []),
            EmptyCase(
                name: "the base image's folder, kept by a .gitkeep", files: [(".gitkeep", "")], folders: [], resemblance: .emptyFolder,
                entries: [".gitkeep"]),
            EmptyCase(
                name: "Prisma's lock file without its migration folders", files: [("migration_lock.toml", lock)], folders: [],
                resemblance: .layout(.prisma), entries: ["migration_lock.toml"], clues: [.prismaLockFile]),
            EmptyCase(
                name: "goose migrations written in Go", files: [("00001_seed_roles.go", "package migrations\n")], folders: [],
                resemblance: .layout(.goose), entries: ["00001_seed_roles.go"], clues: [.gooseGoMigration]),
            EmptyCase(
                name: "Flyway files the migrator does not run, with a repeatable one it would",
                files: [("V2__backfill.java", "class V2__backfill {}"), ("afterMigrate.sql", "SELECT 1;"), ("R__views.sql", "SELECT 1;")],
                folders: [], resemblance: .layout(.flyway), entries: ["R__views.sql", "V2__backfill.java", "afterMigrate.sql"],
                clues: [.flywayJavaMigration, .flywayCallback]),
            EmptyCase(
                name: "an Atlas directory",
                files: [("20220811074144_create_users.sql", "CREATE TABLE users (id int);\n"), ("atlas.sum", "h1:abc=\n")],
                folders: [], resemblance: .layout(.atlas), entries: ["20220811074144_create_users.sql", "atlas.sum"],
                clues: [.atlasFile, .atlasSum]),
            EmptyCase(
                name: "the parent of the migrations folder",
                files: [("migrations/0001_init.up.sql", "CREATE TABLE a (id int);\n"), ("schema.sql", "CREATE TABLE a (id int);\n")],
                folders: [], resemblance: .sqlInSubfolder, entries: ["migrations/", "schema.sql"],
                sqlInFolders: ["migrations/0001_init.up.sql"]),
            EmptyCase(
                name: "other files", files: [("notes.txt", "x"), ("README.md", "x")], folders: ["docs"], resemblance: .otherFiles,
                entries: ["README.md", "docs/", "notes.txt"]),
        ]
        for c in cases {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
                try FileManager.default.removeItem(atPath: dir + "/" + name)
            }
            for (name, text) in c.files { try write(name, text) }
            for folder in c.folders {
                try FileManager.default.createDirectory(atPath: dir + "/" + folder, withIntermediateDirectories: true)
            }
            XCTAssertThrowsError(try MigrationSource.load(directory: dir), c.name) { error in
                guard let found = error as? NoMigrationsFound else { return XCTFail("\(c.name): \(error)") }
                XCTAssertEqual(found.directory, dir, c.name)
                XCTAssertEqual(found.entries, c.entries, c.name)
                XCTAssertEqual(found.resemblance, c.resemblance, c.name)
                XCTAssertEqual(found.sightings.map(\.clue), c.clues, c.name)
                XCTAssertEqual(found.sqlInFolders, c.sqlInFolders, c.name)
            }
        }
    }

    func testRepeatableMigrationsAloneAreMigrations() throws {
        try write("R__refresh_views.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;\n")
        XCTAssertEqual(try MigrationSource.load(directory: dir), [])
    }
}
