// swift-tools-version:6.0
import PackageDescription

// Layers, top to bottom; dependencies only point down (see README "Layout").
//   executables:  ecs-run (with ECSRunEdge, its signals, streams, ECS_RUN_* and exit codes), migrator
//   domain:       ECSTasks, Migrations
//   AWS:          AWSClient, AWSSigV4
//   wrappers:     HTTP, Hashing, Postgres   (the only targets that import C modules), Durations
//   system:       System   (clock, sleeping, UTC time, encodings, files, processes, signals, the process end; besides the
//                 wrappers, the only target that imports Glibc)
//   C modules:    CCurl, COpenSSL, CLibPQ
//
// Linking: `swift build` (development, tests) links the system's shared libcurl, libcrypto and libpq that
// pkg-config names. scripts/release links fully static executables from the same package: it puts the .pc
// files of scripts/static-libs (static libcurl and libpq built from Debian's sources, with OpenSSL and zlib
// archives) first on PKG_CONFIG_PATH and builds with `--static-swift-stdlib -Xswiftc -static-executable`,
// which links the Swift runtime, FoundationEssentials and glibc in as well. Nothing here changes between the
// two, so the tests run the same code the release ships.
let package = Package(
    name: "ecs-run",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ecs-run", targets: ["ecs-run"]),
        .executable(name: "migrator", targets: ["migrator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C modules
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Safe wrappers
        .target(name: "HTTP", dependencies: ["CCurl", "System"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "Hashing", dependencies: ["COpenSSL", "System"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "Postgres", dependencies: ["CLibPQ"], swiftSettings: [.swiftLanguageMode(.v6)]),
        // Durations as people type them (90s, 30m, 1h30m), shared by both programs' options.
        .target(name: "Durations", swiftSettings: [.swiftLanguageMode(.v6)]),
        // The version and commit `--version` prints; scripts/release fills them in.
        .target(name: "BuildVersion", swiftSettings: [.swiftLanguageMode(.v6)]),

        // System, the layer below the wrappers: the small utilities every layer above shares (clock,
        // sleeping, UTC time, encodings, files, child processes, signal flags, a background thread, the process end).
        // It depends on nothing of ours.
        .target(name: "System", swiftSettings: [.swiftLanguageMode(.v6)]),

        // AWS
        .target(name: "AWSSigV4", dependencies: ["Hashing", "System"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "AWSClient", dependencies: ["AWSSigV4", "HTTP", "Hashing", "System"], swiftSettings: [.swiftLanguageMode(.v6)]),

        // Domain
        .target(name: "ECSTasks", dependencies: ["AWSClient", "Hashing", "Durations", "System"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "Migrations", dependencies: ["Postgres", "Hashing", "System"], swiftSettings: [.swiftLanguageMode(.v6)]),

        // Executables, and ecs-run's edge: signals, stdout/stderr, ECS_RUN_* variables, exit codes and
        // the JSON result, apart from ArgumentParser so that tests can reach them.
        .target(name: "ECSRunEdge", dependencies: ["ECSTasks", "Durations", "System"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(name: "ecs-run", dependencies: [
            "ECSRunEdge", "ECSTasks", "AWSClient", "Durations", "BuildVersion", "System",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(name: "migrator", dependencies: [
            "Migrations", "Postgres", "AWSClient", "HTTP", "Durations", "BuildVersion", "System",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: [.swiftLanguageMode(.v6)]),

        // Tests. TestSupport finds the local stack and runs the built executables.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "SystemTests", dependencies: ["System"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "System"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "DurationsTests", dependencies: ["Durations"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "AWSSigV4Tests", dependencies: ["AWSSigV4", "System"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "AWSClientTests", dependencies: ["AWSClient", "HTTP", "TestSupport"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "ECSTasksTests", dependencies: ["ECSTasks", "ECSRunEdge", "AWSClient", "System", "TestSupport"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "ECSRunEdgeTests", dependencies: ["ECSRunEdge", "ECSTasks", "System"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "ECSRunCommandTests", dependencies: ["ecs-run", "ECSRunEdge"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(
            name: "MigrationsTests", dependencies: ["Migrations", "Postgres", "AWSClient", "TestSupport"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"], swiftSettings: [.swiftLanguageMode(.v6)]),
        // The migrator's words and exit codes for the library's values, and its flag parsing, without a database.
        .testTarget(
            name: "MigratorCommandTests", dependencies: ["migrator", "Migrations", "Postgres"], swiftSettings: [.swiftLanguageMode(.v6)]),
    ],
    swiftLanguageModes: [.v5]
)
