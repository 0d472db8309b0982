#!/usr/bin/env bash
# Builds InferenceLabCore (the same sources as the CLI) plus the entry points of
# Sources/InferenceLabWasm for WebAssembly with Embedded Swift, links the module, and
# assembles the static web page.
#
#   tools/wasm/build.sh [--out DIR]        (default DIR: out/web)
#
# Output: DIR/inference-lab.wasm and the page (DIR/index.html and its scripts, the module
# inlined as base64 in DIR/wasm-module.js so that the page also works from file://).
# Needs only the Swift toolchain (swift, clang and wasm-ld from the same install) and python3.
# The build goes to .build-wasm (a separate scratch path: the flags must be global, so the
# native .build is not touched).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=out/web
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        *) echo "usage: $0 [--out DIR]" >&2; exit 2 ;;
    esac
done

SWIFT_BIN="$(dirname "$(readlink -f "$(command -v swift)")")"
CLANG="$SWIFT_BIN/clang"
WASM_LD="$SWIFT_BIN/wasm-ld"
EMBEDDED_LIB="$SWIFT_BIN/../lib/swift/embedded/wasm32-unknown-none-wasm"
for tool in "$CLANG" "$WASM_LD"; do
    [ -x "$tool" ] || { echo "error: $tool not found (needs a Swift toolchain with Embedded Swift and wasm-ld)" >&2; exit 3; }
done
[ -d "$EMBEDDED_LIB" ] || { echo "error: $EMBEDDED_LIB not found (no Embedded Swift stdlib for wasm32)" >&2; exit 3; }

SCRATCH=.build-wasm
echo "[wasm] swift build (Embedded Swift, wasm32-unknown-none-wasm)" >&2
swift build -c release --scratch-path "$SCRATCH" --triple wasm32-unknown-none-wasm \
    --target InferenceLabWasm \
    -Xswiftc -enable-experimental-feature -Xswiftc Embedded -Xswiftc -wmo \
    -Xswiftc -Xfrontend -Xswiftc -disable-stack-protector -Xcc -fdeclspec >&2

BUILD="$SCRATCH/wasm32-unknown-none-wasm/release"
mkdir -p "$OUT" "$SCRATCH/link"
"$CLANG" --target=wasm32 -O2 -nostdlib -ffreestanding -fno-builtin \
    -c tools/wasm/runtime.c -o "$SCRATCH/link/runtime.o"

# Every module the target depends on (SwiftPM writes the object lists it links with).
objects=()
for module in InferenceLabWasm InferenceLabCore HeapModule InternalCollectionsUtilities; do
    [ -d "$BUILD/$module.build" ] || continue
    for o in "$BUILD/$module.build"/*.o; do objects+=("$o"); done
done
exports=()
for name in $(grep -o '@_cdecl("il_[a-z_0-9]*")' Sources/InferenceLabWasm/WasmExports.swift | sed 's/@_cdecl("\(.*\)")/\1/'); do
    exports+=("--export=$name")
done
"$WASM_LD" --no-entry --gc-sections --strip-all -O2 "${exports[@]}" \
    -o "$OUT/inference-lab.wasm" "${objects[@]}" "$SCRATCH/link/runtime.o" \
    "$EMBEDDED_LIB/libswiftUnicodeDataTables.a"
echo "[wasm] $OUT/inference-lab.wasm: $(wc -c < "$OUT/inference-lab.wasm") bytes" >&2

python3 tools/web/assemble.py "$OUT"
echo "[wasm] page: $OUT/index.html" >&2
