#!/usr/bin/env bash
# Measures the five benchmarks through the release CLIs with /usr/bin/time: CPU (user+sys),
# wall and peak RSS per process, plus each one's natural rate per CPU-second and per second
# on the clock (gzip input and the event-log writer use a second thread). This is how
# docs/performance.md's table was made; `swift package benchmark` (this folder) measures the same
# work in process.
#   Benchmarks/measure.sh            # full size (from the repository root)
#   SCALE=0.01 Benchmarks/measure.sh # smoke size
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${SCALE:-1}"
# BIN: another build's release folder, e.g. to measure a baseline in the same session.
BIN="${BIN:-.build/release}"
[ -x "$BIN/inference-lab" ] && [ -x "$BIN/inference-lab-analyze" ] || swift build -c release >/dev/null
WORK="${WORK:-$(mktemp -d /tmp/inference-lab-measure.XXXXXX)}"
n() { python3 -c "import sys; print(max(1, round($1 * $SCALE)))"; }
REQ=$(n 100000); LINES=$(n 1000000); BLOG=$(python3 -c "print(max(64, round(640 * $SCALE)))")
sed "s/^num_requests = .*/num_requests = $REQ/" Benchmarks/configs/replay-100k.toml > "$WORK/replay.toml"

# run NAME UNITS COUNT CMD...: prints one table row.
run() {
    local name=$1 units=$2 count=$3; shift 3
    /usr/bin/time -f "%U %S %e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr"; exit 1; }
    read -r user sys wall rss < "$WORK/time"
    python3 - "$name" "$units" "$count" "$user" "$sys" "$wall" "$rss" <<'PY'
import sys
name, units, count, user, sys_, wall, rss = sys.argv[1:]
cpu = max(float(user) + float(sys_), 0.01)  # a smoke run can round to 0
count = float(count)
wall = max(float(wall), 0.01)
print(f"| {name} | {cpu:.2f} | {wall:.2f} | {int(rss)/1024:.0f} | {count/cpu:,.0f} {units} | {count/wall:,.0f} {units} |")
PY
}

echo "| benchmark | CPU s | wall s | peak RSS MB | rate per CPU-s | rate per wall-s |"
echo "|---|---|---|---|---|---|"
run "a. replay $REQ req, no log" "requests/s" "$REQ" $BIN/inference-lab -c "$WORK/replay.toml" --quiet
run "b. replay $REQ req, full log" "requests/s" "$REQ" $BIN/inference-lab -c "$WORK/replay.toml" --quiet --events "$WORK/b.events.jsonl.gz"
RECORDS=$(zcat "$WORK/b.events.jsonl.gz" | wc -l); RAW=$(zcat "$WORK/b.events.jsonl.gz" | wc -c)
echo "|   log of b | | | | $RECORDS records, $((RAW / 1000000)) MB raw, $(( $(stat -c %s "$WORK/b.events.jsonl.gz") / 1000000 )) MB gzip | |"
# c: a 1M-line trace from the same workload, then check-trace (parse and validate only).
$BIN/inference-lab generate -c "$WORK/replay.toml" --max-requests "$LINES" "$WORK/trace.jsonl.gz" >/dev/null 2>&1
run "c. trace ingest $LINES lines" "lines/s" "$LINES" $BIN/inference-lab check-trace "$WORK/trace.jsonl.gz"
run "d. analyze summary (log of b)" "events/s" "$RECORDS" $BIN/inference-lab-analyze summary "$WORK/b.events.jsonl.gz" --json
sed "s/^num_requests = .*/num_requests = $BLOG/" configs/test_blog.toml > "$WORK/blog.toml"
run "e. closed loop 64 users, $BLOG req" "requests/s" "$BLOG" $BIN/inference-lab -c "$WORK/blog.toml" --quiet
# BIG=1: also the 1M-request replay with the full event log (target: under 60 s).
if [ -n "${BIG:-}" ]; then
    sed "s/^num_requests = .*/num_requests = 1000000/" Benchmarks/configs/replay-100k.toml > "$WORK/big.toml"
    run "1M-request replay, full log" "requests/s" 1000000 $BIN/inference-lab -c "$WORK/big.toml" --quiet --events "$WORK/big.events.jsonl.gz"
fi
[ -n "${KEEP:-}" ] || rm -rf "$WORK"
