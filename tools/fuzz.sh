#!/usr/bin/env bash
# Builds and runs the libFuzzer targets (Linux; swiftc -sanitize=fuzzer,address).
#
#   tools/fuzz.sh build                    # build all four into .build-fuzz/fuzzers/
#   tools/fuzz.sh run TARGET [SECONDS]     # fuzz one target (default 600 s), e.g. trace-line
#   tools/fuzz.sh all [SECONDS]            # build, then fuzz each target in turn
#   tools/fuzz.sh repro TARGET FILE...     # run a target once on saved inputs (crash files)
#
# Targets (sources in tools/fuzz/, seed corpora in tools/fuzz/corpus/<target>/):
#   trace-line  TraceLineParser + JSONScanner, one call per input line (compiled with them)
#   event-log   EventLogReader + EventLogDecoder + InputReader (plain or gzip) + MetricsReducer
#   config      ConfigLoader.parse (TOMLKit, schema reader, key locator, validation)
#   numeric-config  every numeric config key from the bytes (extremes included): a config that
#               validates must simulate with finite times only, or stop with Simulator.error
#
# event-log, config and numeric-config link against the InferenceLab library built with fuzzer
# coverage and AddressSanitizer (swift build --scratch-path .build-fuzz ...), the C++ TOML
# parser included, in the default configuration (zlib only: no libdeflate needed).
# New corpus entries go to .build-fuzz/corpus/<target>/ (the seeds are not modified); crash,
# leak and timeout inputs to .build-fuzz/artifacts/<target>-*.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-fuzz
bin=$scratch/fuzzers
targets=(trace-line event-log config numeric-config)

build() {
    mkdir -p "$bin"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name InferenceLab \
        tools/fuzz/TraceLineFuzz.swift Sources/InferenceLab/Trace/TraceLineParser{,+WriterLayout}.swift \
        Sources/InferenceLabCore/Workload/SessionKey.swift Sources/InferenceLab/Platform.swift \
        Sources/InferenceLab/IO/{JSONScanner,DecimalToDouble,PowersOfFive}.swift -o "$bin/trace-line" 2> >(grep -v 'Cannot export local symbol' >&2)
    swift build --scratch-path "$scratch" -c release --target InferenceLab \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing \
        -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address
    local r=$scratch/x86_64-unknown-linux-gnu/release objs=()
    mapfile -d '' objs < <(find "$r"/{InferenceLab,InferenceLabCore,TOMLKit,CTOML,HeapModule,DequeModule,InternalCollectionsUtilities}.build \
        -name '*.o' -print0)
    local name source
    for name in event-log config; do
        case $name in event-log) source=EventLogFuzz ;; config) source=ConfigFuzz ;; esac
        swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name "$source" -I "$r/Modules" \
            -Xcc -fmodule-map-file="$r/CTOML.build/module.modulemap" \
            -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap \
            "tools/fuzz/$source.swift" "${objs[@]}" -lz -lstdc++ -o "$bin/$name" \
            2> >(grep -v 'Cannot export local symbol' >&2)
    done
    # The core alone, with the numeric-range property the unit tests check on a fixed grid.
    mapfile -d '' objs < <(find "$r"/{InferenceLabCore,HeapModule,InternalCollectionsUtilities}.build -name '*.o' -print0)
    swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name NumericConfigFuzz -I "$r/Modules" \
        tools/fuzz/NumericConfigFuzz.swift Tests/InferenceLabCoreTests/NumericRangeProperty.swift "${objs[@]}" \
        -o "$bin/numeric-config" 2> >(grep -v 'Cannot export local symbol' >&2)
    echo "built: ${targets[*]} in $bin"
}

run() {
    local name=$1 seconds=${2:-600} maxlen leaks=1
    case $name in trace-line) maxlen=4096 ;; event-log) maxlen=65536 ;;
        # TOMLKit 0.6.0 leaks on every parse (TOMLTable.keys/.values, TOMLValue.int, the parse
        # error object): a few hundred bytes per config load, once per process, and not ours
        # to fix without forking it; leak detection would stop on the first input.
        config) maxlen=8192; leaks=0 ;;
        numeric-config) maxlen=512 ;;
        *) echo "unknown target '$name' (${targets[*]})" >&2; exit 2 ;; esac
    mkdir -p "$scratch/corpus/$name" "$scratch/artifacts"
    # The same TOMLKit leaks would otherwise be reported at exit (as an empty crash input).
    LSAN_OPTIONS=suppressions=$PWD/tools/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS} \
    "$bin/$name" -max_total_time="$seconds" -max_len="$maxlen" -timeout=10 -rss_limit_mb=2048 -detect_leaks=$leaks \
        -print_final_stats=1 -artifact_prefix="$scratch/artifacts/$name-" \
        "$scratch/corpus/$name" "tools/fuzz/corpus/$name"
}

case ${1:-} in
    build) build ;;
    run) run "${2:?target}" "${3:-600}" ;;
    all) build; for t in "${targets[@]}"; do run "$t" "${2:-600}"; done ;;
    repro) name=${2:?target}; shift 2; "$bin/$name" "$@" ;;
    *) sed -n '2,8p' "$0"; exit 2 ;;
esac
