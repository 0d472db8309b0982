#!/usr/bin/env bash
# Headless-Chromium check of the web page: loads out/web/index.html from file:// (no server,
# no network), runs each example config (?example=NAME&autorun=1), reads the summary JSON the
# page shows and compares it with `inference-lab -c CONFIG --json`; saves a screenshot of the
# first run (out/web/screenshot.png).
#
#   tools/web/check-chromium.sh [--out DIR] [--cli PATH]
#
# Run tools/wasm/build.sh first. Exits 0 with a "skipped" message where Chromium is absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=out/web
CLI="${INFERENCE_LAB_CLI:-}"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --cli) CLI="$2"; shift 2 ;;
        *) echo "usage: $0 [--out DIR] [--cli PATH]" >&2; exit 2 ;;
    esac
done
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
if [ -z "$CHROMIUM" ] || ! [ -x "$(command -v "$CHROMIUM" || true)" ]; then
    echo "[web] skipped: Chromium is not installed (apt-get install chromium)"
    exit 0
fi
[ -f "$OUT/index.html" ] || { echo "[web] error: $OUT/index.html is missing (run tools/wasm/build.sh)"; exit 1; }
if [ -z "$CLI" ]; then
    swift build --product inference-lab >/dev/null
    CLI="$(swift build --show-bin-path)/inference-lab"
fi

PAGE="file://$(cd "$OUT" && pwd)/index.html"
PROFILE="$(mktemp -d)"
trap 'rm -rf "$PROFILE"' EXIT
chrome() {
    # A throwaway profile; no network (a bogus proxy catches any attempt), no GPU, no sandbox
    # (containers); virtual time lets the page's stepped run finish before the dump.
    timeout 300 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --user-data-dir="$PROFILE" \
        --no-first-run --disable-extensions --disable-background-networking \
        --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' \
        --allow-file-access-from-files --virtual-time-budget=600000 --run-all-compositor-stages-before-draw \
        "$@" 2>/dev/null
}

failures=0
first=1
for config in configs/config.toml configs/test_blog.toml configs/qwen3_30b_a3b.toml; do
    name="$(basename "$config")"
    url="$PAGE?example=$name&autorun=1"
    chrome --dump-dom "$url" > "$PROFILE/dom.html" || true
    "$CLI" -c "$config" --json --quiet 2>/dev/null > "$PROFILE/native.json"
    result="$(python3 tools/web/compare-dom.py "$PROFILE/dom.html" "$PROFILE/native.json")"
    case "$result" in
        ok*) echo "[web] ok   $name: the page's summary equals the CLI's (${result#ok })" ;;
        *) echo "[web] FAIL $name: $result"; failures=$((failures + 1)) ;;
    esac
    if [ "$first" = 1 ]; then
        chrome --window-size=1400,2000 --hide-scrollbars --screenshot="$OUT/screenshot.png" "$url" >/dev/null || true
        if [ -s "$OUT/screenshot.png" ]; then echo "[web] screenshot: $OUT/screenshot.png"; else echo "[web] FAIL: no screenshot"; failures=$((failures + 1)); fi
        first=0
    fi
done
# Catalog presets, precision, TP and a policy from the form (a link sets them): the page's
# summary must equal the CLI's on the page's own "Effective config" TOML.
url="$PAGE?example=config.toml&gpu=h100-sxm&precision=1&model=llama-3.1-70b&tp=2&scheduler.policy=priority&workload.num_requests=200&autorun=1"
chrome --dump-dom "$url" > "$PROFILE/dom.html" || true
python3 - "$PROFILE/dom.html" > "$PROFILE/effective.toml" <<'PYEOF'
import html, re, sys
m = re.search(r'<pre id="config-toml">(.*?)</pre>', open(sys.argv[1], encoding="utf-8").read(), re.S)
print(html.unescape(m.group(1)) if m else "")
PYEOF
if "$CLI" -c "$PROFILE/effective.toml" --json --quiet 2>/dev/null > "$PROFILE/native.json"; then
    result="$(python3 tools/web/compare-dom.py "$PROFILE/dom.html" "$PROFILE/native.json")"
else
    result="the CLI rejected the page's effective config"
fi
case "$result" in
    ok*) echo "[web] ok   presets (H100 SXM FP8, Llama-3.1-70B, TP=2, priority): the page's summary equals the CLI's on its effective config" ;;
    *) echo "[web] FAIL presets: $result"; failures=$((failures + 1)) ;;
esac
exit $((failures > 0))
