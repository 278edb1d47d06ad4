import XCTest
@testable import Migrations

/// What `${name}` becomes, where it is left alone, and how positions map back to the file.
final class PlaceholdersTests: XCTestCase {
    struct Case {
        let name: String
        let sql: String
        let expected: String
    }

    static let values = Placeholders(["app_role": "orders_app", "env": "prod", "suffix": "v2", "Long_Name": "a much longer value"])

    static let cases: [Case] = [
        Case(name: "in code", sql: "GRANT SELECT ON orders TO ${app_role};", expected: "GRANT SELECT ON orders TO orders_app;"),
        Case(
            name: "in a string and an identifier", sql: "COMMENT ON TABLE \"orders_${suffix}\" IS 'built for ${env}';",
            expected: "COMMENT ON TABLE \"orders_v2\" IS 'built for prod';"),
        Case(
            name: "after identifier characters", sql: "CREATE TABLE audit_${suffix} (id int);", expected: "CREATE TABLE audit_v2 (id int);"),
        Case(name: "names ignore case", sql: "SELECT '${ENV}', '${long_name}';", expected: "SELECT 'prod', 'a much longer value';"),
        Case(
            name: "comments are left alone", sql: "-- grants ${app_role}\n/* ${env} /* nested ${x} */ */ SELECT 1;",
            expected: "-- grants ${app_role}\n/* ${env} /* nested ${x} */ */ SELECT 1;"),
        Case(
            name: "dollar-quoted bodies are left alone", sql: "DO $body$ BEGIN RAISE NOTICE '${env}'; END $body$; SELECT $$${env}$$;",
            expected: "DO $body$ BEGIN RAISE NOTICE '${env}'; END $body$; SELECT $$${env}$$;"),
        Case(name: "the escape, in code and in a string", sql: "SELECT '$${env}', $${env};", expected: "SELECT '${env}', ${env};"),
        Case(
            name: "not placeholders", sql: "SELECT '${ spaced }', '${9x}', '${unclosed', $1;",
            expected: "SELECT '${ spaced }', '${9x}', '${unclosed', $1;"),
        Case(name: "a comment marker inside a string is not a comment", sql: "SELECT '-- ${env}';", expected: "SELECT '-- prod';"),
    ]

    func testSubstitution() throws {
        for c in Self.cases {
            let section = SQLSection(text: c.sql, file: "m.sql", firstLine: 1, transactional: true)
            XCTAssertEqual(try Self.values.substitute([section]).first?.text, c.expected, c.name)
        }
    }

    func testNoValuesLeavesTheSQLAsOnDisk() throws {
        let section = SQLSection(text: "SELECT '${env}', $${x};", file: "m.sql", firstLine: 1, transactional: true)
        XCTAssertEqual(try Placeholders().substitute([section]), [section])
    }

    func testEveryMissingValueIsListedWithItsLine() {
        let a = SQLSection(
            text: "SELECT 1;\n-- ${ignored}\nGRANT ALL ON t TO ${owner};\n", file: "dir/0002_a.sql", firstLine: 3, transactional: true)
        let b = SQLSection(text: "SELECT '${env}', '${region}';", file: "dir/0003_b.up.sql", firstLine: 1, transactional: true)
        XCTAssertThrowsError(try Self.values.substitute([a, b])) { error in
            // The words of the hint are the executable's (MigratorCommandTests.testMissingPlaceholderValues).
            let problems = (error as? MigrationFileError)?.problems
            XCTAssertEqual(
                problems?.map(\.description),
                [
                    "dir/0002_a.sql:5: ${owner} has no value",
                    "dir/0003_b.up.sql:1: ${region} has no value",
                ])
            XCTAssertEqual(problems?.map(\.hint), [.setPlaceholder("owner"), .setPlaceholder("region")])
            XCTAssertTrue("\(error)".hasPrefix("2 problems with placeholders; nothing was applied"), "\(error)")
        }
    }

    /// A server position in the substituted SQL names the file's own line and column.
    func testPositionsMapBackToTheFile() throws {
        let file = "SELECT '${long_name}', ${env};\nSELECT nope FROM t_${suffix} WHERE x = ${env};\n"
        let section = try Self.values.substitute([SQLSection(text: file, file: "m.sql", firstLine: 10, transactional: true)])[0]
        func position(of needle: String) -> Int {
            let s = Array(section.text.unicodeScalars), n = Array(needle.unicodeScalars)
            return (0...(s.count - n.count)).first { Array(s[$0..<($0 + n.count)]) == n }! + 1
        }
        XCTAssertEqual(section.location(ofCharacter: position(of: "nope")).line, 11)
        XCTAssertEqual(section.location(ofCharacter: position(of: "nope")).column, 8)
        XCTAssertEqual(section.location(ofCharacter: position(of: "WHERE")).column, 30, "after a placeholder on the same line")
        XCTAssertEqual(section.location(ofCharacter: position(of: "prod;\n")).column, 24, "inside a value: its ${")
        XCTAssertEqual(section.location(ofCharacter: position(of: "much")).column, 9)
    }

    func testSecretsAreMasked() {
        let p = Placeholders(["db_password": "hunter2", "API_TOKEN": "tkn-123", "client_secret": "s3", "env": "prod"])
        XCTAssertEqual(p.summary, "api_token=***, client_secret=***, db_password=***, env=prod")
        XCTAssertEqual(p.redacting("role \"hunter2\" and tkn-123, env prod"), "role \"${db_password}\" and ${api_token}, env prod")
    }

    /// Masking errs on the safe side: any name that holds one of the words, in any case, and nothing else;
    /// `--var-show` prints one on purpose, also in server errors.
    func testWhichNamesAreMaskedAndShowingOneOnPurpose() throws {
        let masked = [
            "db_pass", "PGPASSWORD", "admin_pwd", "client_secret", "api_token", "API_KEY", "KeyId", "monkey", "aws_credentials",
            "private_cert", "SENTRY_DSN", "auth_header", "oauth_client", "passphrase",
        ]
        let clear = ["env", "app_role", "region", "schema", "owner", "suffix", "dns_zone", "pw"]
        for name in masked { XCTAssertTrue(Placeholders.isSecret(name), name) }
        for name in clear { XCTAssertFalse(Placeholders.isSecret(name), name) }

        // Parsing --var-show is the executable's (MigratorCommandTests.testShowingASecretOnPurpose).
        let p = Placeholders(["cache_key_prefix": "orders-cache", "api_key": "k-123456", "env": "prod"], shown: ["CACHE_KEY_PREFIX"])
        XCTAssertEqual(p.summary, "api_key=***, cache_key_prefix=orders-cache, env=prod")
        XCTAssertEqual(p.redacting("near orders-cache and k-123456"), "near orders-cache and ${api_key}")
    }

    /// The server quotes what it could not parse, and may fold its case: a piece of a secret is a secret too.
    func testPiecesOfSecretsAreMaskedWhateverTheirCase() {
        let p = Placeholders(["app_password": "Kq8'Zr7TopSecretTail", "db_token": "ab", "env": "production"])
        let cases: [(name: String, message: String, expected: String)] = [
            ("case-folded tail", "unrecognized role option \"zr7topsecrettail\"", "unrecognized role option \"***\""),
            ("piece of four", "syntax error at or near \"TAIL\"", "syntax error at or near \"***\""),
            ("three characters are not a piece", "column \"top\" does not exist", "column \"top\" does not exist"),
            ("whole short value, any case", "value \"AB\" and \"ab\"", "value \"***\" and \"${db_token}\""),
            ("a whole value keeps its name", "near 'Kq8'Zr7TopSecretTail'", "near '${app_password}'"),
            ("values that are not secrets stay", "database production", "database production"),
        ]
        for c in cases {
            XCTAssertEqual(p.redacting(c.message), c.expected, c.name)
        }
    }
}
