// libFuzzer target: the TOML config loader (TOMLKit's parser, the schema reader, the key
// locator and SimulatorConfig.validate), then what the simulator does with a loaded config:
// derive the KV pool and render the resolved config for the event-log header.
// Linked by tools/fuzz.sh against the fuzzer-instrumented InferenceLab library.
@testable import InferenceLab
import InferenceLabCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let loaded = try ConfigLoader.parse(text, file: "fuzz.toml")
        _ = loaded.config.usableKVBlocks
        _ = resolvedConfigJSON(loaded.config)
    } catch {
        precondition(!error.description.isEmpty)
    }
    return 0
}
