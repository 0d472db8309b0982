// Runs configs through the WebAssembly module under node and checks that each summary equals
// the native command-line tool's, byte for byte (and reports differing keys if not).
//
//   node tools/wasm/test-wasm.mjs WASM CLI CONFIG...
//
// WASM: the module (out/web/inference-lab.wasm); CLI: the native inference-lab binary.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const W = require(path.join(root, "tools/web/inference-lab.js"));

const [wasmPath, cli, ...configs] = process.argv.slice(2);
if (!wasmPath || !cli || configs.length === 0) {
  console.error("usage: node tools/wasm/test-wasm.mjs WASM CLI CONFIG...");
  process.exit(2);
}

// The catalog, for configs that name presets (as the page embeds it).
const catalog = {};
for (const [kind, folder] of [["hardware", "hardware"], ["model", "models"], ["calibration", "calibration"], ["engine", "engines"]]) {
  catalog[kind] = {};
  const dir = path.join(root, "configs", folder);
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".toml")).sort()) {
    catalog[kind][f.slice(0, -5)] = readFileSync(path.join(dir, f), "utf8");
  }
}

const lab = await W.InferenceLab.load(readFileSync(wasmPath));
let failures = 0;
for (const config of configs) {
  const flat = W.flatten(W.resolvePresets(W.parseTOML(readFileSync(config, "utf8")), catalog));
  const t0 = performance.now();
  const wasm = lab.runToEnd(flat);
  const ms = performance.now() - t0;
  const native = execFileSync(cli, ["-c", config, "--json", "--quiet"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).replace(/\n$/, "");
  const a = JSON.parse(native), b = wasm.summary;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const differing = keys.filter((k) => !Object.is(a[k], b[k]));
  // The plots' data must agree with the summary.
  const samples = lab.samples(), series = lab.series();
  const problems = [];
  if (samples.e2e.length !== a.completed) problems.push(`${samples.e2e.length} E2E samples for ${a.completed} completed`);
  if (samples.e2eTime.length !== samples.e2e.length) problems.push("E2E samples and times differ in length");
  if (samples.ttftTime.length !== samples.ttft.length) problems.push("TTFT samples and times differ in length");
  if (samples.ttft.length !== a.completed) problems.push(`${samples.ttft.length} TTFT samples for ${a.completed} completed`);
  if (series.time.length < 2) problems.push("time series has fewer than two points");
  const outputs = series.output_tokens_per_sec.reduce((s, v, i) =>
    s + v * Math.min(wasm.info.bucketWidth, wasm.info.time - series.time[i]), 0);
  // Timed-out requests produced tokens that the summary's total (completed requests) leaves out.
  const unexplained = a.timed_out > 0 ? Math.max(0, a.total_output_tokens - outputs) : Math.abs(outputs - a.total_output_tokens);
  if (unexplained > 1e-6 * a.total_output_tokens + 1e-6) {
    problems.push(`time series output tokens ${outputs} ≠ ${a.total_output_tokens}`);
  }
  if (native === wasm.summaryJSON && differing.length === 0 && problems.length === 0) {
    console.log(`ok   ${config}: ${keys.length} keys identical (${a.completed} requests, ${a.steps} steps, wasm ${ms.toFixed(0)} ms)`);
  } else {
    failures++;
    console.log(`FAIL ${config}`);
    if (native !== wasm.summaryJSON && differing.length === 0) console.log("  same values, different text");
    for (const k of differing) console.log(`  ${k}: native ${a[k]}  wasm ${b[k]}`);
    for (const p of problems) console.log(`  ${p}`);
  }
}
process.exit(failures === 0 ? 0 : 1);
