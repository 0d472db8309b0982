// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "inference-lab",
    products: [
        .library(name: "InferenceLabCore", targets: ["InferenceLabCore"]),
        .library(name: "InferenceLab", targets: ["InferenceLab"]),
        .library(name: "InferenceLabAnalysis", targets: ["InferenceLabAnalysis"]),
        .executable(name: "inference-lab", targets: ["inference-lab"]),
        .executable(name: "inference-lab-analyze", targets: ["inference-lab-analyze"]),
    ],
    traits: [
        // Opt in with `swift build --traits Libdeflate` (needs libdeflate-dev): event logs are
        // then compressed and inflated by libdeflate, about 1.7× faster than zlib. The default
        // build needs zlib alone.
        .trait(name: "Libdeflate"),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        // The simulation: no Foundation, no Codable, no existentials (WebAssembly-ready).
        .target(
            name: "InferenceLabCore",
            dependencies: [
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            // Debug builds (and so the tests) check the scheduler's invariants after every
            // step (docs/scheduler.md §9); release builds do not pay for it.
            swiftSettings: [.define("SCHEDULER_INVARIANTS", .when(configuration: .debug))]
        ),
        // The WebAssembly entry points (C ABI) over the core: built for the browser by
        // tools/wasm/build.sh with Embedded Swift; also built natively, where it is tested.
        .target(name: "InferenceLabWasm", dependencies: ["InferenceLabCore"]),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libdeflate, only with the Libdeflate trait: faster gzip members for event logs.
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // The I/O edge: TOML, gzip, traces, event logs, reports.
        .target(
            name: "InferenceLab",
            dependencies: [
                "InferenceLabCore",
                "CZlib",
                .target(name: "CDeflate", condition: .when(traits: ["Libdeflate"])),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // The analyzer's library: depends only on the event-log schema.
        .target(
            name: "InferenceLabAnalysis",
            dependencies: ["InferenceLabCore", "InferenceLab"]
        ),
        // Exit statuses and error reporting shared by the two command-line tools.
        .target(
            name: "CommandLineSupport",
            dependencies: [
                "InferenceLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "inference-lab",
            dependencies: [
                "InferenceLab",
                "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "inference-lab-analyze",
            dependencies: [
                "InferenceLabAnalysis",
                "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "InferenceLabCoreTests", dependencies: ["InferenceLabCore"]),
        .testTarget(
            name: "InferenceLabTests",
            dependencies: ["InferenceLab"],
            exclude: ["EventLog/Golden"]  // golden-log fixtures, read by path
        ),
        .testTarget(name: "InferenceLabAnalysisTests", dependencies: ["InferenceLabAnalysis"]),
        .testTarget(name: "InferenceLabWasmTests", dependencies: ["InferenceLabWasm", "InferenceLab"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["InferenceLab", "InferenceLabAnalysis"],
            exclude: ["Corpus"]  // bad-input files read by path, not sources
        ),
    ]
)
