import InferenceLab

/// Hand-written measured runs in each source format, with their outcomes worked out by hand.
enum MeasuredFixtures {
    /// `vllm bench serve --save-result --save-detailed` as vLLM writes it (one object), three
    /// requests, the third failed; no `latencies` (E2E = TTFT + Σ ITL), `start_times` present.
    ///
    /// Request 0: sent at 0, TTFT 100 ms, gaps 50 + 50 ms → E2E 200 ms, 3 tokens → TPOT 50 ms.
    /// Request 1: sent at 0.5 s, TTFT 200 ms, gaps 3 × 100 ms → E2E 500 ms, 4 tokens → TPOT 100 ms.
    /// TTFT [100, 200]: mean 150, p90 = 100 + 0.9 · 100 = 190, p99 = 199.
    /// ITL pooled [50, 50, 100, 100, 100]: mean 80, p50 = 100 (the middle of five).
    /// E2E [200, 500]: mean 350, p90 470. Decode ITL (350 − 150) / (3.5 − 1) = 80.
    /// Duration: last finish 0.5 + 0.5 = 1.0 s − first send 0 → 2 req/s, 7 tokens/s.
    static let vllmBench = """
        {"date": "20260101-000000", "backend": "vllm", "model_id": "m", "num_prompts": 3,
         "request_rate": 2.0, "burstiness": 1.0, "max_concurrency": null,
         "duration": 2.5, "completed": 2, "failed": 1, "total_input_tokens": 30, "total_output_tokens": 7,
         "request_throughput": 0.8, "output_throughput": 2.8, "mean_ttft_ms": 150.0, "median_ttft_ms": 150.0, "p99_ttft_ms": 199.0,
         "input_lens": [10, 20, 30], "output_lens": [3, 4, 0], "ttfts": [0.1, 0.2, 0.0],
         "itls": [[0.05, 0.05], [0.1, 0.1, 0.1], []],
         "start_times": [100.0, 100.5, 101.0],
         "generated_texts": ["a b c", "d e f g", ""], "errors": ["", "", "timeout"]}
        """

    /// The same run as an older vLLM writes it: no `start_times`, no `errors`, an unlimited
    /// rate; `latencies` given.
    static func vllmBenchWithoutStarts(rate: String = "\"inf\"", maxConcurrency: String = "null") -> String {
        """
        {"request_rate": \(rate), "burstiness": 1.0, "max_concurrency": \(maxConcurrency), "duration": 3.0, "completed": 2,
         "input_lens": [10, 20], "output_lens": [3, 4], "ttfts": [0.1, 0.2],
         "itls": [[0.05, 0.05], [0.1, 0.1, 0.1]], "latencies": [0.25, 0.5]}
        """
    }

    /// A result saved without --save-detailed: aggregates only.
    static let vllmBenchAggregates = """
        {"request_rate": "inf", "burstiness": 1.0, "max_concurrency": 4, "duration": 10.0, "completed": 20,
         "total_output_tokens": 2020, "request_throughput": 2.0, "output_throughput": 202.0,
         "mean_ttft_ms": 40.0, "median_ttft_ms": 35.0, "p99_ttft_ms": 90.0, "mean_e2el_ms": 1040.0}
        """

    /// inference-perf's per_request_lifecycle_metrics.json: a v0.5 record, a v0.6 record
    /// (server usage wins over the client's counts) and a failed one.
    ///
    /// Request 0: TTFT 50.1 − 50.0 = 100 ms, gaps 200 + 200 ms, E2E 500 ms, 12 → 3 tokens.
    /// Request 1: sent 0.25 s later, TTFT 200 ms, gaps 250 + 300 ms, E2E 750 ms, 22 → 3 tokens.
    static let inferencePerf = """
        [
          {"start_time": 50.0, "end_time": 50.5, "request": "{\\"prompt\\": \\"x\\"}", "response": "data: ...",
           "info": {"input_tokens": 12, "output_tokens": 3, "output_token_times": [50.1, 50.3, 50.5]}, "error": null},
          {"start_time": 50.25, "end_time": 51.0, "request": "{}", "response": null,
           "info": {"request_metrics": {"text": {"input_tokens": 20}}, "input_tokens": 20,
                    "response_metrics": {"output_tokens": 2, "server_usage": {"prompt_tokens": 22, "completion_tokens": 3},
                                         "response_chunks": ["a", "b", "c"], "chunk_times": [50.45, 50.7, 51.0],
                                         "output_token_times": [50.45, 50.7, 51.0]},
                    "extra_info": {}, "lora_adapter": null, "labels": {}},
           "error": null},
          {"start_time": 50.75, "end_time": 52.0, "request": "{}", "response": null,
           "info": {"input_tokens": 5, "output_tokens": 0, "output_token_times": []},
           "error": {"error_type": "ClientConnectorError", "error_msg": "refused"}}
        ]
        """
}
