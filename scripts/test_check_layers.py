#!/usr/bin/env python3
"""Tests of scripts/check-layers on small packages written here: a clean one passes, and each kind of
breach (a dependency pointing up, the C library outside System and the wrappers, an unguarded Glibc, a C
module imported publicly or by a domain target, an import not declared in Package.swift, a domain target
printing or exiting, a domain string naming a flag or a command, a migrator command past its store) fails with a line naming the file and line."""
import pathlib
import subprocess
import sys
import tempfile
import textwrap
import unittest

SCRIPT = pathlib.Path(__file__).resolve().parent / "check-layers"

PACKAGE = """\
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "layers-fixture",
    targets: [
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ"),
        .target(name: "System"),
        .target(name: "Postgres", dependencies: ["CLibPQ", "System"]),
        .target(name: "Migrations", dependencies: [{migrations_deps}]),
        .target(name: "ECSTasks", dependencies: ["System"]),
        .executableTarget(name: "migrator", dependencies: ["Migrations", "System"]),
    ]
)
"""

CLEAN = {
    "Sources/CLibPQ/module.modulemap": 'module CLibPQ [system] { header "shim.h"\n link "pq"\n export * }\n',
    "Sources/CLibPQ/shim.h": "#include <stdio.h>\n",
    "Sources/System/Clock.swift": "#if canImport(Glibc)\nimport Glibc\n#endif\npublic enum SystemClock {}\n",
    "Sources/Postgres/Connection.swift": "internal import CLibPQ\nimport System\npublic final class Connection {}\n",
    "Sources/Migrations/Migrator.swift": textwrap.dedent("""\
        import FoundationEssentials
        import Postgres
        // print("a comment may say print(")
        public struct Migrator { let text = "print(\\"inside a string\\")"; func note() -> String { "exit(1)" } }
        """),
    "Sources/ECSTasks/Outcome.swift": textwrap.dedent("""\
        // A comment may say: pass --cluster, or run `ecs-run logs TASK`.
        /* and so may /* a nested */ block: --timeout */
        public enum Outcome { static let separator = "--"; static let reason = "stopped by ecs-run: timeout"; static let sql = "-- migrate:up" }
        """),
    "Sources/migrator/main.swift": 'import Migrations\nimport System\nprint("ok")\n',
}


class CheckLayersTests(unittest.TestCase):
    def run_on(self, changes=None, migrations_deps='"Postgres"'):
        files = dict(CLEAN)
        files.update(changes or {})
        with tempfile.TemporaryDirectory() as tmp:
            root = pathlib.Path(tmp)
            (root / "Package.swift").write_text(PACKAGE.replace("{migrations_deps}", migrations_deps))
            for path, text in files.items():
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                (root / path).write_text(text)
            out = subprocess.run([sys.executable, str(SCRIPT), "--root", str(root)],
                                 capture_output=True, text=True, timeout=300)
        return out.returncode, out.stdout

    def assertBreach(self, expected, **kwargs):
        code, out = self.run_on(**kwargs)
        self.assertEqual(code, 1, out)
        self.assertIn(expected, out)

    def test_clean_package_passes(self):
        code, out = self.run_on()
        self.assertEqual(code, 0, out)
        self.assertIn("6 targets, 5 files", out)

    def test_dependency_pointing_up(self):
        self.assertBreach("Package.swift: Migrations (domain) depends on migrator (executables): dependencies point down only",
                          migrations_deps='"Postgres", "migrator"')

    def test_domain_depending_on_a_c_module(self):
        self.assertBreach("Package.swift: Migrations depends on the C module CLibPQ; only the wrappers may",
                          migrations_deps='"Postgres", "CLibPQ"')

    def test_glibc_in_the_domain(self):
        self.assertBreach("Sources/Migrations/Sleep.swift:2: Migrations imports Glibc; only HTTP, Hashing, Postgres, System may touch the C library (use System)",
                          changes={"Sources/Migrations/Sleep.swift": "#if canImport(Glibc)\nimport Glibc\n#endif\n"})

    def test_glibc_in_an_executable(self):
        self.assertBreach("Sources/migrator/Exit.swift:1: migrator imports Glibc",
                          changes={"Sources/migrator/Exit.swift": "import Glibc\n"})

    def test_unguarded_glibc_in_system(self):
        self.assertBreach("Sources/System/Sleep.swift:1: import Glibc outside #if canImport(Glibc)",
                          changes={"Sources/System/Sleep.swift": "import Glibc\n"})

    def test_public_import_of_a_c_module(self):
        self.assertBreach("Sources/Postgres/Result.swift:1: the C module CLibPQ must be an `internal import`",
                          changes={"Sources/Postgres/Result.swift": "import CLibPQ\n"})

    def test_c_module_reached_through_another_target(self):
        self.assertBreach("Sources/Migrations/Raw.swift:1: Migrations imports the C module CLibPQ; only its wrapper may",
                          changes={"Sources/Migrations/Raw.swift": "import CLibPQ\n"})

    def test_import_not_declared(self):
        self.assertBreach("Sources/Postgres/Log.swift:1: Postgres imports Migrations, which is not among its dependencies in Package.swift",
                          changes={"Sources/Postgres/Log.swift": "import Migrations\n"})

    def test_domain_writing_to_stdout(self):
        for line, what in [('print("applied")', "print("), ("FileHandle.standardError.write(data)", "FileHandle.standardOutput/standardError"),
                           ("fputs(text, stderr)", "C stdio"), ("_ = write(STDOUT_FILENO, p, n)", "write(2) to stdout/stderr"),
                           ("exit(3)", "exit("), ("ProcessEnd.now(3)", "ProcessEnd.now"), ("debugPrint(plan)", "debugPrint(/dump("),
                           ("dump(plan)", "debugPrint(/dump("), ('puts("x")', "C stdio"),
                           ("OutputDescriptor.write(2, text)", "OutputDescriptor.write")]:
            with self.subTest(line=line):
                self.assertBreach(f"Sources/Migrations/Report.swift:2: Migrations is below the programs' edge and must not write to stdout/stderr or exit ({what})",
                                  changes={"Sources/Migrations/Report.swift": f"func report() {{\n    {line}\n}}\n"})

    def test_domain_string_naming_a_flag_or_a_command(self):
        message = "is the domain and names {what} ({name}) in a string; report a value and let the executable say it"
        for text, line, what, name in [
            ('let hint = "pass --cluster NAME"\n', 1, "a command-line flag", "--cluster"),
            ('let a = 1\nlet hint = "raise \\(x) with --memory"\n', 2, "a command-line flag", "--memory"),
            ('let hint = #"see "--no-wait""#\n', 1, "a command-line flag", "--no-wait"),
            ('let hint = """\n    the schema:\n    set --schema\n    """\n', 3, "a command-line flag", "--schema"),
            ('let hint = "run `ecs-run logs TASK`"\n', 1, "a command", "ecs-run logs"),
            ('let hint = "migrator repair"\n', 1, "a command", "migrator repair"),
        ]:
            with self.subTest(text=text):
                self.assertBreach(f"Sources/ECSTasks/Hint.swift:{line}: ECSTasks " + message.format(what=what, name=name),
                                  changes={"Sources/ECSTasks/Hint.swift": text})

    def test_migrations_is_held_to_it_too(self):
        self.assertBreach("Sources/Migrations/Hint.swift:1: Migrations " + "is the domain and names a command-line flag (--schema) in a "
                          "string; report a value and let the executable say it",
                          changes={"Sources/Migrations/Hint.swift": 'let hint = "set --schema"\n'})
        self.assertBreach("Sources/Migrations/Hint.swift:1: Migrations " + "is the domain and names a command (migrator adopt) in a "
                          "string; report a value and let the executable say it",
                          changes={"Sources/Migrations/Hint.swift": 'let hint = "run `migrator adopt dbmate`"\n'})

    def test_prose_about_the_programs_is_not_a_command(self):
        code, out = self.run_on(changes={"Sources/Migrations/Hint.swift": 'let a = "the migrator runs as root; a migrator stopped"\n',
                                         "Sources/ECSTasks/Hint.swift": 'let b = "ecs-run waits for the task"\n'})
        self.assertEqual(code, 0, out)

    def test_migrator_commands_reach_the_database_through_the_store_only(self):
        message = "a migrator command reaches the database past MigrationStore (Postgres, Connection); add what it needs to the store"
        for text, line in [("import System\nimport Postgres\n", 2), ("extension Migrator {\n    func up(_ db: Connection) {}\n}\n", 2)]:
            with self.subTest(text=text):
                self.assertBreach(f"Sources/Migrations/Migrator+Up.swift:{line}: " + message,
                                  changes={"Sources/Migrations/Migrator+Up.swift": text})
        # The store itself, and words in comments and strings, are not commands reaching past it.
        code, out = self.run_on(changes={
            "Sources/Migrations/Migrator+Up.swift": '// not the Connection itself\nextension Migrator { var s: String { "Connection" } }\n',
            "Sources/Migrations/PostgresStore.swift": "import Postgres\nfinal class PostgresStore { let c: Connection? = nil }\n"})
        self.assertEqual(code, 0, out)

    def test_only_system_process_end_may_end_the_process(self):
        end = "#if canImport(Glibc)\nimport Glibc\n#endif\npublic enum ProcessEnd {\n    public static func now(_ s: Int32) -> Never { fflush(nil); _exit(s) }\n}\n"
        code, out = self.run_on(changes={"Sources/System/ProcessEnd.swift": end,
                                         "Sources/migrator/main.swift": "import System\nProcessEnd.now(0)\n"})
        self.assertEqual(code, 0, out)
        self.assertBreach("Sources/System/Exit.swift:5: System is below the programs' edge and must not write to stdout/stderr or exit (C stdio)",
                          changes={"Sources/System/Exit.swift": end})


if __name__ == "__main__":
    unittest.main(verbosity=2)
