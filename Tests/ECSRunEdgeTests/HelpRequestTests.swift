@testable import ECSRunEdge
import XCTest

final class HelpRequestTests: XCTestCase {
    func testHelpIsAskedOnlyInOptionPositionsBeforeTheCommand() {
        let cases: [(args: [String], asked: Bool)] = [
            (["--help"], true), (["-h"], true), (["-help"], true), (["help"], true), (["help", "wait"], true),
            (["wait", "--help"], true), (["--cluster", "c", "-h"], true), (["--group", "-h"], true),
            (["--", "ls", "-h"], false), (["--dry-run", "--", "man", "--help"], false), (["--", "help"], false),
            (["--group", "help"], false), (["wait", "help"], false), (["--reason=--help"], false), ([], false),
        ]
        for c in cases { XCTAssertEqual(HelpRequest.isAsked(c.args), c.asked, "\(c.args)") }
    }
}
