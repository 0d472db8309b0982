import Testing
@testable import InferenceLab
import InferenceLabCore

@Suite("trace workload config")
struct TraceConfigTests {
    @Test("[workload] time_scale is read, validated and recorded in the resolved config")
    func timeScale() throws {
        let text = """
            [workload]
            arrival_pattern = "trace"
            trace_path = "t.jsonl"
            time_scale = 0.5
            num_requests = 10
            """
        let config = try ConfigLoader.parse(text, file: "t.toml").config
        #expect(config.workload.timeScale == 0.5)
        #expect(config.workload.numRequests == 10)
        #expect(resolvedConfigJSON(config).contains(#""trace_path":"t.jsonl","time_scale":0.5,"#))
        #expect(!resolvedConfigJSON(.default).contains("time_scale"))

        let error = configError(text.replacingOccurrences(of: "time_scale = 0.5", with: "time_scale = 0.0"))
        #expect(error?.field == "workload.time_scale")
        #expect(error?.message == "must be a positive number, got 0.0")
    }
}
