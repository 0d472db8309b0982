// swift-tools-version: 6.1
// Benchmarks for inference-lab (ordo-one/benchmark). Run from this folder:
//   swift package benchmark                      # everything, full size
//   BENCH_SCALE=0.01 swift package benchmark     # a smoke run (CI)
// See ../docs/performance.md for the numbers and how to read them.
import PackageDescription

let package = Package(
    name: "inference-lab-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        // `name:` matters: a path dependency's identity is its folder name otherwise.
        .package(name: "inference-lab", path: "../"),
        // MallocInterposer instead of the default trait, which pulls in jemalloc, a package
        // this project's package mirror does not provide.
        .package(url: "https://github.com/ordo-one/package-benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "InferenceLabBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "InferenceLab", package: "inference-lab"),
                .product(name: "InferenceLabAnalysis", package: "inference-lab"),
            ],
            path: "Benchmarks/InferenceLabBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
