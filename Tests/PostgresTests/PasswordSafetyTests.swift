import Foundation
import Postgres
import TestSupport
import XCTest

/// No error text may ever contain the password, whatever form the connection string takes.
final class PasswordSafetyTests: XCTestCase {
    let secret = "Sup3r-Secret-pw"

    func testWrongPasswordInAURL() throws {
        let stack = try LocalStack.current()
        let port = stack.environment["LOCAL_STACK_PG_PORT"]!
        XCTAssertThrowsError(try Connection("postgresql://postgres:\(secret)@127.0.0.1:\(port)/postgres", connectTimeout: 5)) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.kind, .connection)
            XCTAssertTrue(error.description.contains("password authentication failed"), error.description)
            XCTAssertFalse(String(describing: error).contains(secret))
            XCTAssertFalse(error.message.contains(secret))
        }
    }

    func testWrongPasswordInKeywordForm() throws {
        let stack = try LocalStack.current()
        let port = stack.environment["LOCAL_STACK_PG_PORT"]!
        XCTAssertThrowsError(try Connection("host=127.0.0.1 port=\(port) user=postgres password=\(secret)", connectTimeout: 5)) { error in
            XCTAssertFalse("\(error)".contains(secret), "\(error)")
        }
    }

    struct Case {
        let name: String
        let conninfo: String
        let secrets: [String]
    }

    func testMalformedConnectionStringsNeverEchoThePassword() {
        let cases = [
            Case(name: "missing equals after password fragment", conninfo: "host=x password \(secret)", secrets: [secret]),
            Case(name: "bare fragment that libpq quotes back", conninfo: "host=x \(secret)", secrets: [secret]),
            Case(name: "unterminated quote", conninfo: "host=x password='\(secret)", secrets: [secret]),
            Case(name: "bad URI parameter", conninfo: "postgresql://u:\(secret)@h/db?\(secret)=1", secrets: [secret]),
            Case(name: "unknown option with password in value", conninfo: "host=x nosuchoption=\(secret)", secrets: [secret]),
            // libpq cuts these URLs at the first "@" or "/" and echoes a piece as a host, port or database.
            Case(
                name: "unencoded @ in a URL password", conninfo: "postgresql://app:S3cr@tPass@127.0.0.1:1/app",
                secrets: ["S3cr", "tPass"]),
            Case(
                name: "unencoded / in a URL password", conninfo: "postgresql://app:ab/cdSECRET@127.0.0.1/app",
                secrets: ["\"ab\"", "cdSECRET"]),
            Case(
                name: "unencoded / and ? in a URL password", conninfo: "postgresql://app:Zq9/x?sslmode=Wk3pR@127.0.0.1:1/app",
                secrets: ["Zq9", "Wk3pR"]),
            Case(
                name: "percent-encoded URL password", conninfo: "postgresql://u:p%40ss%2F\(secret)@h:notaport/db",
                secrets: [secret, "p%40ss%2F", "p@ss/"]),
        ]
        for c in cases {
            do {
                _ = try Connection(c.conninfo, connectTimeout: 2)
                XCTFail("\(c.name): connected?")
            } catch {
                for s in c.secrets {
                    XCTAssertFalse("\(error)".contains(s), "\(c.name): \(error)")
                }
            }
        }
    }

    func testAShortPasswordIsHiddenOnlyWhereItStandsAlone() {
        XCTAssertThrowsError(try Connection("host=127.0.0.1 port=1 user=app password=a", connectTimeout: 2)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("failed") && text.contains("127.0.0.1"), text)
            XCTAssertFalse(text.contains("***"), text)
        }
    }

    func testRefusedConnectionIsAConnectionError() {
        XCTAssertThrowsError(try Connection("postgresql://postgres:\(secret)@127.0.0.1:1/postgres", connectTimeout: 2)) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.kind, .connection)
            XCTAssertFalse(error.description.contains(secret))
        }
    }
}
