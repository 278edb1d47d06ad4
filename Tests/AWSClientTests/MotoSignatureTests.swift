@testable import AWSClient
import Foundation
import XCTest

/// Our signer and client against moto with signature checking on: an independent SigV4 verifier.
final class MotoSignatureTests: XCTestCase {
    static var moto: MotoServer?
    var moto: MotoServer { Self.moto! }
    var home = ""

    override class func setUp() {
        super.setUp()
        do { moto = try MotoServer() } catch { moto = nil; startError = "\(error)" }
    }

    override class func tearDown() {
        moto?.stop()
        moto = nil
        super.tearDown()
    }

    static var startError = ""

    override func setUpWithError() throws {
        guard Self.moto != nil else { XCTFail("moto server did not start: \(Self.startError)"); throw XCTSkip("no moto") }
        home = NSTemporaryDirectory() + "aws-home-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: home)
    }

    struct ListClustersOutput: Decodable { var clusterArns: [String] }
    struct CreateClusterInput: Encodable { var clusterName: String }
    struct CreateClusterOutput: Decodable { struct Cluster: Decodable { var clusterArn: String; var clusterName: String }; var cluster: Cluster }
    struct DescribeClustersInput: Encodable { var clusters: [String] }
    struct DescribeClustersOutput: Decodable {
        struct Cluster: Decodable { var clusterName: String; var status: String }
        struct Failure: Decodable { var arn: String?; var reason: String? }
        var clusters: [Cluster]
        var failures: [Failure]?
    }

    func testCorrectKeysWork() throws {
        let client = try moto.makeClient(key: moto.adminKey, secret: moto.adminSecret)
        let created = try client.call(.ecs, "CreateCluster", CreateClusterInput(clusterName: "sig-ok"), as: CreateClusterOutput.self)
        XCTAssertEqual(created.cluster.clusterName, "sig-ok")
        let listed = try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)
        XCTAssertTrue(listed.clusterArns.contains(created.cluster.clusterArn))
        let described = try client.call(.ecs, "DescribeClusters", DescribeClustersInput(clusters: ["sig-ok"]), as: DescribeClustersOutput.self)
        XCTAssertEqual(described.clusters.first?.status, "ACTIVE")
        // CloudWatch Logs (a second JSON 1.1 service) and STS (query protocol) with the same keys.
        _ = try client.call(.logs, "DescribeLogGroups", AWSEmptyInput(), as: AWSEmptyOutput.self)
        XCTAssertEqual(try client.callerIdentity().arn, "arn:aws:iam::\(MotoServer.account):user/admin")
    }

    func testWrongSecretFailsWithSignatureDoesNotMatch() throws {
        let client = try moto.makeClient(key: moto.adminKey, secret: moto.adminSecret + "x")
        XCTAssertThrowsError(try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) { error in
            guard let error = error as? AWSError else { return XCTFail("not an AWSError: \(error)") }
            XCTAssertEqual(error.kind, .service)
            XCTAssertEqual(error.code, "SignatureDoesNotMatch")
            XCTAssertEqual(error.status, 403)
            XCTAssertFalse(error.isRetryable)
            XCTAssertTrue(error.description.contains("SignatureDoesNotMatch"), error.description)
            XCTAssertTrue(error.description.lowercased().contains("check your aws credentials"), error.description)
            XCTAssertFalse(error.description.contains(moto.adminSecret), "the description leaks the secret")
        }
    }

    func testUnknownKeyFailsWithInvalidClientTokenId() throws {
        let client = try moto.makeClient(key: "AKIANOTAREALKEY00000", secret: "whatever")
        XCTAssertThrowsError(try client.call(.ecs, "ListClusters", AWSEmptyInput(), as: ListClustersOutput.self)) { error in
            let error = error as? AWSError
            XCTAssertEqual(error?.code, "InvalidClientTokenId")
            XCTAssertTrue(error?.description.lowercased().contains("check your aws credentials") ?? false)
        }
    }
}
