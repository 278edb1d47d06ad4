import XCTest

/// A test class with a moto server of its own (signature checks on), started once for the class
/// and stopped after its last test. Subclasses that override `setUpWithError` call super first.
class MotoTestCase: XCTestCase {
    // XCTest runs a class's setUp, its tests and its tearDown one after another on one thread, so these need no lock.
    nonisolated(unsafe) static var server: MotoServer?
    nonisolated(unsafe) static var startError = ""

    override class func setUp() {
        super.setUp()
        do { server = try MotoServer() } catch { server = nil; startError = "\(error)" }
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    var moto: MotoServer { MotoTestCase.server! }

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard MotoTestCase.server != nil else {
            XCTFail("moto server did not start: \(MotoTestCase.startError)")
            throw XCTSkip("no moto")
        }
    }
}
