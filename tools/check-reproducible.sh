#!/usr/bin/env bash
# Checks that debug and release builds produce byte-identical outputs: the same config, trace
# and seed must give the same event log (gzip bytes and their content) and the same JSON
# summary whichever way the simulator was compiled (floating-point code may not depend on
# the optimiser). The in-suite test ReproducibilityTests covers run-to-run identity.
#
#   tools/check-reproducible.sh            # builds both configurations, then compares
#   SKIP_BUILD=1 tools/check-reproducible.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c debug --product inference-lab
    swift build -c release --product inference-lab
    swift build -c release --product inference-lab-analyze
fi
debug=.build/debug/inference-lab
release=.build/release/inference-lab
analyze=.build/release/inference-lab-analyze
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0

compare() {  # name, then the simulator's arguments
    local name=$1; shift
    "$debug" -q --json --events "$out/$name.debug.jsonl.gz" "$@" > "$out/$name.debug.json" || { echo "$name: debug run failed"; status=1; return; }
    "$release" -q --json --events "$out/$name.release.jsonl.gz" "$@" > "$out/$name.release.json" || { echo "$name: release run failed"; status=1; return; }
    if cmp -s "$out/$name.debug.jsonl.gz" "$out/$name.release.jsonl.gz" && cmp -s "$out/$name.debug.json" "$out/$name.release.json"; then
        echo "ok    $name: $(gzip -dc "$out/$name.debug.jsonl.gz" | wc -l) records, $(wc -c < "$out/$name.debug.jsonl.gz") gzip bytes identical; summaries identical"
    else
        echo "DIFF  $name:"
        cmp "$out/$name.debug.jsonl.gz" "$out/$name.release.jsonl.gz" || true
        diff <(gzip -dc "$out/$name.debug.jsonl.gz") <(gzip -dc "$out/$name.release.jsonl.gz") | head -5 || true
        diff "$out/$name.debug.json" "$out/$name.release.json" | head -5 || true
        status=1
    fi
    # The analyzer's summary of the log equals the simulator's own.
    if ! "$analyze" summary "$out/$name.debug.jsonl.gz" --json | cmp -s - "$out/$name.debug.json"; then
        echo "DIFF  $name: the analyzer's summary differs from the simulator's"
        status=1
    fi
}

compare default --seed 7
compare test_blog -c configs/test_blog.toml
compare qwen3_moe -c configs/qwen3_30b_a3b.toml --seed 3
compare trace_replay --trace traces/azure_conv.sample.jsonl.gz --time-scale 0.5
exit $status
