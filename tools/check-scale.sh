#!/usr/bin/env bash
# Scale check: replays N synthetic requests (default 1,000,000) with the release build, writes
# the event log, analyzes it, and prints each step's peak memory next to that of a run ten
# times smaller. Memory may grow with the number of requests only through the latency
# samples the reducers keep for exact percentiles (4 doubles per finished request, plus
# explicit request ids in the trace reader); everything else is bounded by the requests in
# flight, the longest line and the run's duration.
#
#   tools/check-scale.sh [N]        (needs `swift build -c release`; SKIP_BUILD=1 to skip it)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
[ -n "${SKIP_BUILD:-}" ] || swift build -c release
sim=.build/release/inference-lab
analyze=.build/release/inference-lab-analyze
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# A small model at a rate it sustains: requests finish, so live state stays small.
cat > "$out/scale.toml" <<TOML
[hardware]
name = "H100"
compute_flops = 1.513e15
memory_bandwidth = 3.35e12
memory_capacity = 85899345920
bytes_per_param = 2

[model]
name = "Llama-3-8B"
num_parameters = 8000000000
num_layers = 32
hidden_dim = 4096
num_heads = 32
num_kv_heads = 8
max_seq_len = 8192

[scheduler]
max_num_batched_tokens = 8192
max_num_seqs = 256
policy = "fcfs"
enable_chunked_prefill = true
block_size = 16

[workload]
arrival_pattern = "poisson"
arrival_rate = 100.0
num_requests = 1000
seed = 1
input_len_dist = { type = "uniform", min = 64, max = 512 }
output_len_dist = { type = "uniform", min = 4, max = 32 }
TOML

peak() {  # label, command... → prints "label: peak RSS MiB, seconds"
    local label=$1; shift
    /usr/bin/time -f "%M %e" -o "$out/time" "$@" > /dev/null
    read -r kb secs < "$out/time"
    printf '%-34s %8.1f MiB %8.1f s\n' "$label" "$(echo "$kb / 1024" | bc -l)" "$secs"
}

for count in $((n / 10)) "$n"; do
    "$sim" generate -c "$out/scale.toml" --max-requests "$count" "$out/t$count.jsonl.gz" 2> /dev/null
    peak "check-trace ($count requests)" "$sim" check-trace "$out/t$count.jsonl.gz"
    peak "replay + event log ($count)" "$sim" -q -c "$out/scale.toml" --trace "$out/t$count.jsonl.gz" --events "$out/e$count.jsonl.gz" --json
    peak "analyze summary ($count)" "$analyze" summary "$out/e$count.jsonl.gz" --json
    peak "analyze export ($count)" "$analyze" export "$out/e$count.jsonl.gz" --requests "$out/r$count.csv" --steps "$out/s$count.csv"
    peak "analyze report ($count)" "$analyze" report "$out/e$count.jsonl.gz" -o "$out/r$count.html"
    echo "  log: $(du -h "$out/e$count.jsonl.gz" | cut -f1), $(gzip -dc "$out/e$count.jsonl.gz" | wc -l) records"
    rm -f "$out"/r$count.* "$out"/s$count.*
done
