#!/bin/sh
# CI hook: run the validation harness on a few truncated runs. Builds nothing.
#   tools/validate/smoke.sh PATH/TO/inference-lab
# Fails only when the harness itself fails (missing binary, a failed simulation, a Python
# error); the accuracy numbers it prints are a report, never a gate.
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 PATH/TO/inference-lab" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/validate.py" --bin "$1" --smoke --split
