@testable import InferenceLab
import InferenceLabWasm
import Testing

/// The browser's time series: the same columns, bit for bit, as the sink had before its bucket
/// arithmetic moved to the core's ``DoublingBucketWidth``, over runs that coarsen many times.
@Suite struct TimeSeriesSinkTests {
    @Test(arguments: [(0.1, 400), (0.001, 8), (0.05, 2), (1.0, 3)])
    func sameColumnsAsTheReference(initialWidth: Double, maxBuckets: Int) throws {
        var config = SimulatorConfig.default
        config.workload.numRequests = 200
        config.workload.arrivalRate = 20
        var sim = try Simulator(config: config)
        var sink = TeeSink(TimeSeriesSink(config: config, initialWidth: initialWidth, maxBuckets: maxBuckets),
                           ReferenceTimeSeriesSink(config: config, initialWidth: initialWidth, maxBuckets: maxBuckets))
        sim.run(into: &sink)
        let got = sink.a.columns(), expected = sink.b.columns()
        #expect(got.count == expected.count)
        for (a, b) in zip(got, expected) {
            #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        }
        #expect(sink.a.width == sink.b.width && sink.a.end == sink.b.end)
        #expect(got[0].count > 1)
    }
}
