import Foundation
import Testing
@testable import InferenceLab

/// `arrival_pattern = "sessions"` through the TOML loader and the header's config JSON.
@Suite struct SessionsConfigTests {
    static let workload = """
        [workload]
        arrival_pattern = "sessions"
        arrival_rate = 0.5
        cv = 2.0
        num_requests = 100
        input_len_dist = { type = "fixed", value = 300 }
        output_len_dist = { type = "uniform", min = 10, max = 90 }
        turns_per_session_dist = { type = "uniform", min = 2, max = 5 }
        turn_input_len_dist = { type = "lognormal", mean = 4.0, std_dev = 0.5 }
        think_time_ms_dist = { type = "fixed", value = 1500 }

        """

    @Test func loadsTheSessionKeys() throws {
        let loaded = try ConfigLoader.parse(Self.workload, file: "s.toml")
        let w = loaded.config.workload
        #expect(w.arrivalPattern == .sessions && w.arrivalRate == 0.5 && w.cv == 2 && w.numRequests == 100)
        #expect(w.turnsPerSession == .uniform(min: 2, max: 5))
        #expect(w.turnInputLengths == .lognormal(mean: 4, stdDev: 0.5))
        #expect(w.thinkTimeMs == .fixed(1500))
        #expect(!loaded.warnings.contains { $0.contains("workload.") })
        // The header's config JSON carries them, after the other workload keys.
        #expect(resolvedConfigJSON(loaded.config).contains(
            #""output_len_dist":{"type":"uniform","min":10,"max":90},"turns_per_session_dist":{"type":"uniform","min":2,"max":5},"turn_input_len_dist":{"type":"lognormal","mean":4.0,"std_dev":0.5},"think_time_ms_dist":{"type":"fixed","value":1500}}"#))
    }

    @Test func otherPatternsNeitherNeedNorWriteThem() throws {
        let json = resolvedConfigJSON(.default)
        for key in ["turns_per_session_dist", "turn_input_len_dist", "think_time_ms_dist"] {
            #expect(!json.contains(key))
        }
        // Given with poisson, they are ignored with a warning naming the pattern that uses them.
        let text = Self.workload.replacingOccurrences(of: "\"sessions\"", with: "\"poisson\"")
        let loaded = try ConfigLoader.parse(text, file: "p.toml")
        let warning = try #require(loaded.warnings.first { $0.contains("workload.turns_per_session_dist") })
        #expect(warning.contains(#"ignored: it applies only to arrival_pattern = "sessions", not "poisson""#))
        #expect(loaded.warnings.filter { $0.contains("only to arrival_pattern = \"sessions\"") }.count == 3)
    }

    @Test func missingAndBadKeysAreErrorsNamingLineAndKey() throws {
        let missing = configError(Self.workload.replacingOccurrences(of: "turn_input_len_dist = { type = \"lognormal\", mean = 4.0, std_dev = 0.5 }\n", with: ""))
        #expect(missing?.field == "workload.turn_input_len_dist")
        #expect(missing?.message.contains("is required for arrival_pattern = \"sessions\"") == true)
        let noRate = configError(Self.workload.replacingOccurrences(of: "arrival_rate = 0.5\n", with: ""))
        #expect(noRate?.field == "workload.arrival_rate")
        #expect(noRate?.message.contains("for arrival_pattern = \"sessions\"") == true)
        let noEnd = configError(Self.workload.replacingOccurrences(of: "num_requests = 100\n", with: ""))
        #expect(noEnd?.field == "workload.num_requests")
        let zero = configError(Self.workload.replacingOccurrences(of: "value = 1500", with: "value = 0"))
        #expect(zero?.field == "workload.think_time_ms_dist.value" && zero?.line == 10)
        let cv = configError(Self.workload.replacingOccurrences(of: "cv = 2.0", with: "cv = 1e200"))
        #expect(cv?.field == "workload.cv" && cv?.line == 4)
    }
}
