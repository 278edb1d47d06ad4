import ArgumentParser
import ECSRunEdge
import Foundation
import XCTest

@testable import ecs_run

/// `OptionTable` is written out for speed; the commands' own option declarations are the truth. Every
/// option and flag of every subcommand must have its entry, of the kind its declaration makes it, and
/// nothing else may have one.
final class OptionTableTests: XCTestCase {
    func testTheTableHasEveryOptionOfEveryCommandAndNothingElse() throws {
        let commands = ECSRun.configuration.subcommands
        XCTAssertEqual(Set(OptionTable.bySubcommand.keys), Set(commands.compactMap { $0.configuration.commandName }))
        for command in commands {
            let name = try XCTUnwrap(command.configuration.commandName)
            let table = try XCTUnwrap(OptionTable.bySubcommand[name])
            XCTAssertEqual(Set(table.map(\.name)).count, table.count, "\(name): an option listed twice")
            let declared = try Self.declared(command)
            XCTAssertEqual(
                Set(table.map(Self.summary)), Set(declared.map(Self.summary)),
                "\(name): the table (first) and the declarations (second) disagree")
        }
    }

    func testOnlyTheNetworkOptionsGiveWayToNetworkFromService() throws {
        let run = try XCTUnwrap(OptionTable.bySubcommand["run"])
        let yielding = run.filter { !$0.yieldsTo.isEmpty }
        XCTAssertEqual(Set(yielding.map(\.name)), ["subnets", "security-groups", "assign-public-ip"])
        XCTAssertTrue(yielding.allSatisfy { $0.yieldsTo == ["network-from-service"] })
    }

    static func summary(_ spec: OptionSpec) -> String {
        "--\(spec.name) \(spec.kind) \(spec.short.map { "-\($0)" } ?? "")"
    }

    /// A command's options as ArgumentParser describes them (`--experimental-dump-help`): a repeatable
    /// option is `.repeated`, a flag with a `--no-` twin `.invertible`; help and the version have no variable.
    static func declared(_ command: ParsableCommand.Type) throws -> [OptionSpec] {
        let dump = try JSONDecoder().decode(Dump.self, from: Data(command._dumpHelp().utf8))
        let arguments = (dump.command.arguments ?? []).filter { $0.kind != "positional" }
        let longNames = Set(arguments.compactMap(\.long))
        return arguments.compactMap { argument in
            guard let name = argument.long, !["help", "version"].contains(name) else { return nil }
            if name.hasPrefix("no-"), longNames.contains(String(name.dropFirst(3))) { return nil }
            let kind: OptionSpec.Kind =
                argument.kind == "flag"
                ? (longNames.contains("no-" + name) ? .invertible : .flag) : (argument.isRepeating ? .repeated : .value)
            return OptionSpec(name, kind, short: argument.short)
        }
    }

    struct Dump: Decodable {
        struct Command: Decodable { var arguments: [Argument]? }
        struct Argument: Decodable {
            struct Name: Decodable {
                var kind: String
                var name: String
            }
            var kind: String
            var isRepeating: Bool
            var names: [Name]?

            var long: String? { names?.first { $0.kind == "long" }?.name }
            var short: Character? { names?.first { $0.kind == "short" }?.name.first }
        }
        var command: Command
    }
}
