#!/usr/bin/env bash
# The fleet speed check of docs/performance.md: CPU per request of a 64-replica replay of
# 1,000,000 requests with its full event log, against a one-node replay of as many requests
# with its log, at the same load per node (the default node of Benchmarks/configs/replay-100k.toml
# at RATE requests/s per node; the fleet gets 64 × RATE behind `least_outstanding`). The
# latency samples and their sorting grow with the requests, so both runs replay the same number.
#
#   tools/fleet/bench-fleet.sh                 # full size
#   SCALE=0.05 tools/fleet/bench-fleet.sh      # both request counts × 0.05
#   ONE=100000 tools/fleet/bench-fleet.sh      # another one-node size
#
# Release build (BIN=.build/release); prints one row per run and the ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALE="${SCALE:-1}"
RATE="${RATE:-2}"
REPLICAS="${REPLICAS:-64}"
BIN="${BIN:-.build/release}"
[ -x "$BIN/inference-lab" ] || swift build -c release >/dev/null
WORK="$(mktemp -d /tmp/inference-lab-fleet-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
ONE="${ONE:-$(python3 -c "print(max(1, round(1000000 * $SCALE)))")}"
MANY=$(python3 -c "print(max(1, round(1000000 * $SCALE)))")
sed -e "s/^num_requests = .*/num_requests = $ONE/" -e "s/^arrival_rate = .*/arrival_rate = $RATE/" \
    Benchmarks/configs/replay-100k.toml > "$WORK/one.toml"
{ sed -e "s/^num_requests = .*/num_requests = $MANY/" \
      -e "s/^arrival_rate = .*/arrival_rate = $(python3 -c "print($RATE * $REPLICAS)")/" Benchmarks/configs/replay-100k.toml
  printf '\n[cluster]\nreplicas = %d\nrouter = "least_outstanding"\n' "$REPLICAS"; } > "$WORK/fleet.toml"

run() {  # NAME REQUESTS CONFIG: one row; sets CPU_PER_REQ
    /usr/bin/time -f "%U %S %e %M" -o "$WORK/time" "$BIN/inference-lab" -c "$3" --quiet --events "$WORK/$1.jsonl.gz" >/dev/null
    read -r user sys wall rss < "$WORK/time"
    CPU_PER_REQ=$(python3 -c "print(($user + $sys) / $2)")
    python3 -c "print(f'| $1 | $2 | {$user + $sys:.2f} | {$wall:.2f} | {$rss / 1024:.0f} | {1e6 * $CPU_PER_REQ:.2f} | {$(stat -c %s "$WORK/$1.jsonl.gz") / 1e6:.0f} MB |')"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | requests | CPU s | wall s | peak RSS MB | CPU µs per request | log (gzip) |"
echo "|---|---|---|---|---|---|---|"
run one-node "$ONE" "$WORK/one.toml"; A=$CPU_PER_REQ
run "fleet-$REPLICAS" "$MANY" "$WORK/fleet.toml"; B=$CPU_PER_REQ
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c "print(f'ratio (fleet / one node, CPU per request): {$B / $A:.2f}')"
