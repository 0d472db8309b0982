#!/usr/bin/env bash
# Replays the Azure 2023 conversation trace (19,366 requests, one hour) on every config of
# configs/fleet/ and prints the results table of docs/fleet.md: TTFT, TPOT and E2E p50/p99,
# goodput at an SLO (TTFT ≤ 1000 ms and TPOT ≤ 100 ms) and the load imbalance across
# replicas (coefficient of variation of requests, tokens and busy time).
#
#   tools/fleet/azure-results.sh [TRACE]
#
# TRACE defaults to $INFERENCE_LAB_TRACES/native/azure2023_conv.native.jsonl.gz, else to
# shared/traces-public/native/ beside the repository's parent folder. Uses the release build
# (swift build -c release); BIN=.build/debug to use another.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
TRACES="${INFERENCE_LAB_TRACES:-$(dirname "$ROOT")/shared/traces-public}"
TRACE="${1:-$TRACES/native/azure2023_conv.native.jsonl.gz}"
BIN="${BIN:-.build/release}"
[ -f "$TRACE" ] || { echo "error: $TRACE: no such trace (pass its path)" >&2; exit 2; }
[ -x "$BIN/inference-lab" ] && [ -x "$BIN/inference-lab-analyze" ] || swift build -c release >/dev/null
# KEEP=DIR keeps the logs and summaries there.
if [ -n "${KEEP:-}" ]; then TMP="$KEEP"; mkdir -p "$TMP"; else TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT; fi

for config in configs/fleet/*.toml; do
    name="$(basename "$config" .toml)"
    [ -n "${KEEP:-}" ] && [ -s "$TMP/$name.replicas.json" ] && continue
    "$BIN/inference-lab" -c "$config" --trace "$TRACE" -q --events "$TMP/$name.jsonl.gz" > /dev/null
    "$BIN/inference-lab-analyze" summary "$TMP/$name.jsonl.gz" --json --slo-ttft 1000 --slo-tpot 100 > "$TMP/$name.summary.json"
    "$BIN/inference-lab-analyze" summary "$TMP/$name.jsonl.gz" --by-replica --json > "$TMP/$name.replicas.json"
done
python3 - "$TMP" <<'PY'
import json, pathlib, sys
tmp = pathlib.Path(sys.argv[1])
print("| config | TTFT p50 / p99 ms | TPOT p50 / p99 ms | E2E p50 / p99 s | goodput req/s (attainment) | CV requests / tokens / busy |")
print("|---|---|---|---|---|---|")
for s in sorted(tmp.glob("*.summary.json")):
    name = s.name[: -len(".summary.json")]
    a = json.loads(s.read_text())
    b = json.loads((tmp / f"{name}.replicas.json").read_text())["imbalance"]
    print(f"| `{name}` | {a['p50_ttft_ms']:.0f} / {a['p99_ttft_ms']:.0f} | {a['p50_tpot_ms']:.1f} / {a['p99_tpot_ms']:.1f} "
          f"| {a['p50_e2el_ms']/1000:.2f} / {a['p99_e2el_ms']/1000:.2f} | {a['goodput']:.3f} ({a['slo_attainment']*100:.1f} %) "
          f"| {b['requests_cv']:.3f} / {b['tokens_cv']:.3f} / {b['busy_cv']:.3f} |")
PY
