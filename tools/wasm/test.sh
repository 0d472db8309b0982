#!/usr/bin/env bash
# Checks the WebAssembly build against the native simulator: builds the module (unless
# --no-build), then runs the original's three example configs through it under node and
# compares each summary with `inference-lab -c CONFIG --json`, byte for byte.
#
#   tools/wasm/test.sh [--no-build] [--out DIR] [CONFIG...]
#
# Exits 0 with a "skipped" message where node or the Embedded Swift toolchain is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=out/web
BUILD=1
configs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0; shift ;;
        --out) OUT="$2"; shift 2 ;;
        *) configs+=("$1"); shift ;;
    esac
done
[ ${#configs[@]} -gt 0 ] || configs=(configs/config.toml configs/test_blog.toml configs/qwen3_30b_a3b.toml tools/wasm/catalog-gpu.toml tools/wasm/catalog-gpu-calibrated.toml tools/wasm/engine-profile.toml tools/wasm/sessions.toml tools/wasm/request-timeout.toml)

if ! command -v node >/dev/null 2>&1; then
    echo "[wasm] skipped: node is not installed (apt-get install nodejs)"
    exit 0
fi
SWIFT_BIN="$(dirname "$(readlink -f "$(command -v swift)")")"
if [ ! -x "$SWIFT_BIN/wasm-ld" ] || [ ! -d "$SWIFT_BIN/../lib/swift/embedded/wasm32-unknown-none-wasm" ]; then
    echo "[wasm] skipped: this Swift toolchain has no wasm-ld or Embedded Swift stdlib for wasm32"
    exit 0
fi
if [ "$BUILD" = 1 ]; then tools/wasm/build.sh --out "$OUT"; fi
[ -f "$OUT/inference-lab.wasm" ] || { echo "[wasm] error: $OUT/inference-lab.wasm is missing (run tools/wasm/build.sh)"; exit 1; }

# The native tool: the release build if present and current, else build the debug one.
CLI="${INFERENCE_LAB_CLI:-}"
if [ -z "$CLI" ]; then
    swift build --product inference-lab >/dev/null
    CLI="$(swift build --show-bin-path)/inference-lab"
fi
echo "[wasm] comparing $OUT/inference-lab.wasm with $CLI"
node tools/wasm/test-wasm.mjs "$OUT/inference-lab.wasm" "$CLI" "${configs[@]}"
