#!/usr/bin/env bash
# Shows the round-robin acceptance check of docs/fleet.md on a trace: a fleet of N identical
# replicas behind `round_robin` is replayed once with its event log; then, for each replica
# K, the one-node simulator replays only the trace lines i ≡ K (mod N) (0-based), and its
# `--json` summary must equal `inference-lab-analyze summary --replica K --json` of the fleet's
# log, byte for byte (every key).
#
#   tools/fleet/check-round-robin.sh [-n N] [-c CONFIG] [TRACE]
#
# Defaults: N = 4, the default config, traces/azure_conv.sample.jsonl.gz. Uses the debug
# build (BIN=.build/release to use another); exits 1 when a replica differs.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=4
CONFIG=configs/config.toml
while getopts "n:c:" opt; do
    case "$opt" in
        n) N="$OPTARG" ;;
        c) CONFIG="$OPTARG" ;;
        *) echo "usage: $0 [-n N] [-c CONFIG] [TRACE]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
TRACE="${1:-traces/azure_conv.sample.jsonl.gz}"
BIN="${BIN:-.build/debug}"
[ -x "$BIN/inference-lab" ] && [ -x "$BIN/inference-lab-analyze" ] || swift build >/dev/null
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

{ cat "$CONFIG"; printf '\n[cluster]\nreplicas = %d\nrouter = "round_robin"\n' "$N"; } > "$TMP/fleet.toml"
"$BIN/inference-lab" -c "$TMP/fleet.toml" --trace "$TRACE" --events "$TMP/fleet.jsonl.gz" --json -q > "$TMP/fleet.json"
echo "fleet of $N replicas (round_robin) over $TRACE: $(grep -m1 '"completed"' "$TMP/fleet.json" | tr -d ' ,')"

# Lines of the trace as text (gzip or plain).
if [ "$(head -c 2 "$TRACE" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then gzip -dc "$TRACE"; else cat "$TRACE"; fi > "$TMP/trace.jsonl"
status=0
for ((k = 0; k < N; k++)); do
    awk -v n="$N" -v k="$k" '(NR - 1) % n == k' "$TMP/trace.jsonl" > "$TMP/part$k.jsonl"
    "$BIN/inference-lab" -c "$CONFIG" --trace "$TMP/part$k.jsonl" --json -q > "$TMP/one$k.json"
    "$BIN/inference-lab-analyze" summary --replica "$k" --json "$TMP/fleet.jsonl.gz" > "$TMP/replica$k.json"
    keys=$(grep -c '":' "$TMP/one$k.json")
    if cmp -s "$TMP/one$k.json" "$TMP/replica$k.json"; then
        echo "ok   replica $k: $keys keys identical to the one-node run of lines ≡ $k (mod $N) ($(wc -l < "$TMP/part$k.jsonl") requests)"
    else
        echo "FAIL replica $k differs from the one-node run of lines ≡ $k (mod $N):"
        diff "$TMP/one$k.json" "$TMP/replica$k.json" | head -20 || true
        status=1
    fi
done
exit $status
