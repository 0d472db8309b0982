#!/usr/bin/env bash
# Runs two commands alternately N times (A, B, A, B, …) and prints each one's wall and CPU
# (user + sys) times, sorted, so that their medians can be compared on a shared machine
# whose load moves between runs. docs/performance.md's medians were made this way.
#   Benchmarks/alternate.sh 10 NEW/inference-lab-analyze summary b.events.jsonl.gz --json \
#       -- OLD/inference-lab-analyze summary b.events.jsonl.gz --json
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 N command-A... -- command-B..." >&2; exit 2; }
n=$1; shift
a=(); while [ $# -gt 0 ] && [ "$1" != "--" ]; do a+=("$1"); shift; done
[ $# -gt 1 ] || { echo "usage: $0 N command-A... -- command-B..." >&2; exit 2; }
shift; b=("$@")
t=$(mktemp)
trap 'rm -f "$t"' EXIT
wa=(); wb=(); ca=(); cb=()
for _ in $(seq "$n"); do
    /usr/bin/time -f "%e %U %S" -o "$t" "${a[@]}" >/dev/null 2>&1 || { echo "A failed: ${a[*]}" >&2; exit 1; }
    wa+=("$(awk '{print $1}' "$t")"); ca+=("$(awk '{print $2 + $3}' "$t")")
    /usr/bin/time -f "%e %U %S" -o "$t" "${b[@]}" >/dev/null 2>&1 || { echo "B failed: ${b[*]}" >&2; exit 1; }
    wb+=("$(awk '{print $1}' "$t")"); cb+=("$(awk '{print $2 + $3}' "$t")")
done
sorted() { printf '%s\n' "$@" | sort -n | tr '\n' ' '; }
echo "A wall s: $(sorted "${wa[@]}")  CPU s: $(sorted "${ca[@]}")"
echo "B wall s: $(sorted "${wb[@]}")  CPU s: $(sorted "${cb[@]}")"
