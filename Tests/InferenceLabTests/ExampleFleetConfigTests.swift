import Foundation
import Testing
@testable import InferenceLab

/// The fleet configs and sweep specs shipped in configs/ load: a fleet config validates (and
/// has the fleet the docs' tables describe), a sweep spec parses and every axis key is one the
/// loader accepts, and its base config loads.
@Suite struct ExampleFleetConfigTests {
    static func files(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/configs/" + folder)
            .filter { $0.hasSuffix(".toml") }.sorted().map { packageRoot + "/configs/" + folder + "/" + $0 }
    }

    @Test func fleetConfigsLoad() throws {
        let paths = try Self.files("fleet")
        #expect(paths.count >= 10)
        for path in paths {
            let config = try ConfigLoader.load(path: path).config
            #expect(config.cluster.isEnabled, "\(path)")
            #expect(SweepCost.gpus(config) == 8, "\(path): the Azure tables compare fleets of 8 GPUs")
            if path.contains("2p6d") {
                #expect(config.cluster.pools.map(\.role) == [.prefill, .decode] && config.cluster.replicas == 8, "\(path)")
            }
        }
    }

    @Test func sweepSpecsParseAndTheirBasesLoad() throws {
        let paths = try Self.files("sweeps")
        var specs = 0
        for path in paths {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard text.contains("\nbase = ") || text.hasPrefix("base = ") else {
                _ = try ConfigLoader.load(path: path)  // a base config
                continue
            }
            let spec = try SweepSpec.load(path: path)
            specs += 1
            #expect(!spec.axes.isEmpty, "\(path)")
            _ = try ConfigLoader.load(path: spec.base)
        }
        #expect(specs >= 2)
    }
}
