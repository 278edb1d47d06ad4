import ArgumentParser
import XCTest

@testable import migrator

/// `QuickStart` reads `up` and `status` without ArgumentParser; whatever it accepts must be read exactly as
/// ArgumentParser reads it, and whatever it does not accept is left to ArgumentParser.
final class QuickStartTests: XCTestCase {
    /// What ArgumentParser makes of the arguments, as the values the commands run with; nil when it refuses them.
    private func parsed(_ arguments: [String]) -> QuickStart.Command? {
        switch try? MigratorCommand.parseAsRoot(arguments) {
        case let up as Up: return .up(up.invocation)
        case let status as Status: return .status(status.invocation)
        default: return nil
        }
    }

    private func assertSame(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) {
        let quick = QuickStart.command(arguments)
        XCTAssertNotNil(quick, "quick path refused \(arguments)", file: file, line: line)
        XCTAssertEqual(quick, parsed(arguments), "\(arguments)", file: file, line: line)
    }

    func testTheWaysATaskRunsUpAndStatusAreReadAsArgumentParserReadsThem() {
        let cases: [[String]] = [
            ["up"],
            ["status"],
            ["status", "--output", "json"],
            ["status", "--output=json", "--pending"],
            ["status", "--pending", "--output", "text", "--dir", "db/migrations"],
            ["up", "--database-url", "postgres://app@db.internal/app?sslmode=verify-full", "--wait", "2m"],
            ["up", "--database-url=postgres://app@db/app?options=-c%20search_path=x", "--dir=m", "--lock-wait", "30s"],
            ["up", "--rds-iam", "--table", "history", "--schema", "ops", "--statement-timeout", "5m", "--lock-timeout", "2s"],
            ["up", "--lock-timeout", "2s", "--lock-retries", "10", "--to", "20261101000000", "--allow-out-of-order", "--dry-run"],
            ["up", "--var", "app_role=orders_app", "--var", "env=prod", "--var-show", "app_role", "--var=cache=a=b"],
            ["up", "--to", "2.0.1"],
            ["up", "--to", "1_10"],
            ["up", "--to", "0"],
            ["status", "--dir", "help"],
            ["status", "--dir", "status", "--table", "up"],
            ["up", "--var", "x=", "--wait", "0"],
            ["status", "--database-url", "host=/tmp user=app dbname=app"],
        ]
        for arguments in cases { assertSame(arguments) }
    }

    /// Help, anything unknown, repeated or doubtful, and failed validations go to ArgumentParser, which
    /// parses them or reports its error and usage exactly as before.
    func testAnythingElseIsLeftToArgumentParser() {
        let cases: [[String]] = [
            [], ["--version"], ["help"], ["help", "status"], ["status", "--help"], ["status", "-h"], ["up", "help"],
            ["down"], ["validate"], ["new", "x"], ["Status"], ["stat"],
            ["status", "--output", "xml"], ["status", "--output"], ["status", "--output="], ["status", "--pending=true"],
            ["status", "--pending", "--pending"], ["status", "--dir", "a", "--dir", "b"], ["status", "--dir=a", "--dir", "b"],
            ["status", "--dir", "-m"], ["status", "--dir", ""], ["status", "--"], ["status", "--", "--pending"],
            ["status", "extra"], ["status", "-p"], ["status", "--to", "3"], ["status", "--var", "a=b"],
            ["up", "--to", "x"], ["up", "--to", "-1"], ["up", "--to", "99999999999999999999"], ["up", "--lock-retries", "1.5"],
            ["up", "--lock-retries", "3"], // needs --lock-timeout: a validation error, reported by ArgumentParser
            ["up", "--lock-retries", "2000", "--lock-timeout", "1s"], ["up", "--wait", "soon"], ["up", "--table="],
            ["up", "--lock-timeout", "30d"], ["up", "--output", "json"], ["up", "--pending"], ["up", "--dry-run", "--dry-run"],
            ["up", "--var", "--var-show"], ["up", "--generate-completion-script", "bash"], ["up", "--experimental-dump-help"],
            ["--dir", "m", "up"], ["up", "--DIR", "m"], ["up", "-dir", "m"], ["up", "--rds-iam=true"], ["up", "--to", "+7"],
        ]
        for arguments in cases {
            XCTAssertNil(QuickStart.command(arguments), "\(arguments)")
        }
        // Validations that fail are ArgumentParser's to report: the same arguments fail there too.
        for arguments in [["up", "--lock-retries", "3"], ["up", "--wait", "soon"], ["up", "--table="], ["up", "--lock-timeout", "30d"]] {
            XCTAssertNil(parsed(arguments), "\(arguments)")
        }
    }

    /// Random mixes of every option of both commands, in both spellings and any order: whenever the quick
    /// path takes them, ArgumentParser reads the same values.
    func testRandomArgumentsAgreeWithArgumentParser() {
        var generator = SplitMix(seed: 23)
        let values = [
            "m", "db/migrations", "0s", "2m", "1500ms", "json", "text", "x=1", "7", "2.0.1", "1_1", "+3", "help", "a b", "é", "-", "",
        ]
        let database = ["database-url", "dir", "table", "schema", "wait", "lock-wait", "statement-timeout", "lock-timeout"]
        let commands: [(String, options: [String], flags: [String])] = [
            ("up", database + ["var", "var-show", "to", "lock-retries"], ["rds-iam", "allow-out-of-order", "dry-run"]),
            ("status", database + ["output"], ["rds-iam", "pending"]),
        ]
        var taken = 0
        for _ in 0..<1000 {
            let (name, options, flags) = commands[Int(generator.next() % 2)]
            var arguments = [name]
            for _ in 0..<Int(generator.next() % 5) {
                if generator.next() % 3 == 0 {
                    arguments.append("--" + flags[Int(generator.next() % UInt64(flags.count))])
                    continue
                }
                let option = options[Int(generator.next() % UInt64(options.count))]
                let value = values[Int(generator.next() % UInt64(values.count))]
                if generator.next() % 2 == 0 {
                    arguments += ["--" + option, value]
                } else {
                    arguments.append("--\(option)=\(value)")
                }
            }
            guard let quick = QuickStart.command(arguments) else { continue }
            taken += 1
            XCTAssertEqual(quick, parsed(arguments), "\(arguments)")
        }
        XCTAssertGreaterThan(taken, 150, "the random arguments should mostly be ones the quick path takes")
    }
}

/// A small seeded generator, so a failure repeats.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
