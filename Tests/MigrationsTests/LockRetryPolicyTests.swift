@testable import Migrations
import Postgres
import XCTest

final class LockRetryPolicyTests: XCTestCase {
    private func failure(_ sqlState: String, aftermath: MigrationFailure.Aftermath? = nil) -> MigratorError {
        .migrationFailed(
            MigrationFailure(
                migration: "7_add_column", version: 7, file: "migrations/7_add_column.up.sql", line: nil, column: nil,
                error: PostgresError(kind: .query, sqlState: sqlState, message: "canceling statement due to lock timeout"),
                aftermath: aftermath))
    }

    /// The pauses a policy asked for, recorded instead of slept.
    private final class Pauses { var seconds: [Double] = [] }

    private func policy(retries: Int, jitter: Double, pauses: Pauses) -> LockRetryPolicy {
        LockRetryPolicy(retries: retries, random: { jitter }, sleep: { pauses.seconds.append($0) })
    }

    func testDelaysDoubleFromAQuarterSecondUpToTenWithJitterInTheUpperHalf() {
        let cases: [(name: String, jitter: Double, expected: [Double])] = [
            ("no jitter: half of each ceiling", 0, [0.125, 0.25, 0.5, 1, 2, 4, 5, 5, 5]),
            ("most jitter: just under each ceiling", 0.999_999, [0.25, 0.5, 1, 2, 4, 8, 10, 10, 10]),
            ("out-of-range random values are clamped", 7, [0.25, 0.5, 1, 2, 4, 8, 10, 10, 10]),
        ]
        for c in cases {
            let p = LockRetryPolicy(retries: 9, random: { c.jitter })
            let delays = (1...9).map { p.delay(beforeRetry: $0) }
            for (got, want) in zip(delays, c.expected) { XCTAssertEqual(got, want, accuracy: 1e-5, c.name) }
        }
        XCTAssertEqual(LockRetryPolicy(retries: 1, random: { 1 }).delay(beforeRetry: 10_000), 10, "a huge retry count stays capped")
    }

    func testALockTimeoutIsRetriedUntilTheAttemptSucceedsAndEachRetryIsOneLine() throws {
        let pauses = Pauses()
        var lines: [String] = []
        var attempts = 0
        try policy(retries: 5, jitter: 0, pauses: pauses).run(
            "7_add_column", log: { lines.append($0) }, nothingTookEffect: { true },
            holder: { "pid 42 (application web)" }
        ) {
            attempts += 1
            if attempts < 4 { throw failure("55P03") }
        }
        XCTAssertEqual(attempts, 4)
        XCTAssertEqual(pauses.seconds, [0.125, 0.25, 0.5])
        XCTAssertEqual(
            lines,
            [
                "7_add_column timed out waiting for a lock held by pid 42 (application web); nothing applied, retry 1 of 5 in 125 ms",
                "7_add_column timed out waiting for a lock held by pid 42 (application web); nothing applied, retry 2 of 5 in 250 ms",
                "7_add_column timed out waiting for a lock held by pid 42 (application web); nothing applied, retry 3 of 5 in 500 ms",
            ])
    }

    func testWhenToGiveUp() {
        // The words for `attempts` are the executable's (MigratorCommandTests.testLockRetryAdvice).
        typealias Attempts = MigrationFailure.LockAttempts
        let cases: [(name: String, retries: Int, sqlState: String, nothingTookEffect: Bool, attempts: Int, advice: Attempts?)] = [
            ("retries used up", 2, "55P03", true, 3, Attempts(tried: 3, retries: 2, partTookEffect: false)),
            ("default 0: today's behaviour, the error untouched", 0, "55P03", true, 1, nil),
            ("another error is never retried", 3, "42P01", true, 1, nil),
            ("a deadlock is not a lock timeout", 3, "40P01", true, 1, nil),
            (
                "part of it took effect", 3, "55P03", false, 1,
                Attempts(tried: 1, retries: 3, partTookEffect: true)
            ),
        ]
        for c in cases {
            let pauses = Pauses()
            var attempts = 0
            XCTAssertThrowsError(
                try policy(retries: c.retries, jitter: 0.5, pauses: pauses).run(
                    "7_add_column", log: { _ in }, nothingTookEffect: { c.nothingTookEffect }, holder: { nil }
                ) {
                    attempts += 1
                    throw failure(c.sqlState)
                }, c.name
            ) { error in
                guard case MigratorError.migrationFailed(let f) = error else { return XCTFail("\(c.name): \(error)") }
                XCTAssertEqual(f.error.sqlState, c.sqlState, c.name)
                XCTAssertEqual(f.lockAttempts, c.advice, c.name)
            }
            XCTAssertEqual(attempts, c.attempts, c.name)
            XCTAssertEqual(pauses.seconds.count, c.attempts - 1, c.name)
        }
    }

    func testGivingUpKeepsTheMigrationsOwnAdvice() {
        let pauses = Pauses()
        XCTAssertThrowsError(
            try policy(retries: 1, jitter: 0, pauses: pauses).run(
                "7_add_column", log: { _ in }, nothingTookEffect: { true }, holder: { nil }
            ) {
                throw failure("55P03", aftermath: .upUndone)
            }
        ) { error in
            guard case MigratorError.migrationFailed(let f) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(f.aftermath, .upUndone)
            XCTAssertEqual(f.lockAttempts, MigrationFailure.LockAttempts(tried: 2, retries: 1, partTookEffect: false))
        }
    }

    func testAnUnknownHolderIsSaidSo() throws {
        let pauses = Pauses()
        var lines: [String] = []
        var attempts = 0
        try policy(retries: 1, jitter: 0, pauses: pauses).run(
            "7_add_column", log: { lines.append($0) }, nothingTookEffect: { true },
            holder: { nil }
        ) {
            attempts += 1
            if attempts == 1 { throw failure("55P03") }
        }
        XCTAssertEqual(
            lines,
            [
                "7_add_column timed out waiting for a lock held by a session that has released it since; nothing applied, retry 1 of 1 in 125 ms"
            ])
    }

    func testIdentifierWordsAreFoldedUnquotedNames() {
        XCTAssertEqual(
            LockHolder.identifierWords("ALTER TABLE Accounts ADD COLUMN note2 text;\n-- x_1"),
            ["alter", "table", "accounts", "add", "column", "note2", "text", "x_1"])
        XCTAssertEqual(LockHolder.identifierWords("\"Quoted Name\"; 42"), ["quoted", "name"])
    }
}
