import Foundation
import Testing
@testable import InferenceLab

/// The browser page picks a GPU's calibration profile with the same rule as the TOML loader
/// (``ConfigSchema/computeUsesHardwareProfile(tablePresent:model:isGiven:)``); its list of
/// factor keys (tools/web/inference-lab.js, `CALIBRATION_FACTOR_KEYS`) must be the `[compute]`
/// declarations' list.
@Suite struct CalibrationFactorKeysTests {
    @Test func browserFactorKeysMatchTheSchema() throws {
        let url = DocsConfigurationTests.repositoryRoot.appendingPathComponent("tools/web/inference-lab.js")
        let text = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(text.range(of: "const CALIBRATION_FACTOR_KEYS = ["))
        let end = try #require(text[start.upperBound...].range(of: "]"))
        let names = text[start.upperBound..<end.lowerBound]
            .split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            .filter { !$0.isEmpty }
        #expect(names == ConfigSchema.calibrationFactorKeys)
    }

    @Test func hookPicksTheProfileOnlyWithoutPresetOrFactors() {
        #expect(ConfigSchema.computeUsesHardwareProfile(tablePresent: false, model: nil, isGiven: { _ in false }))
        #expect(ConfigSchema.computeUsesHardwareProfile(tablePresent: true, model: "Calibrated", isGiven: { _ in false }))
        #expect(!ConfigSchema.computeUsesHardwareProfile(tablePresent: true, model: "calibrated", isGiven: { $0 == "preset" }))
        #expect(!ConfigSchema.computeUsesHardwareProfile(tablePresent: true, model: "calibrated",
                                                         isGiven: { $0 == "token_overhead_seconds" }))
        #expect(!ConfigSchema.computeUsesHardwareProfile(tablePresent: true, model: "roofline", isGiven: { _ in false }))
    }
}
