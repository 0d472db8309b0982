// The page: a form over the config's main knobs, the three example configs, a stepped run
// with a progress bar, the summary tables and SVG plots. No libraries, no network.
(function () {
  "use strict";
  const W = self.InferenceLabWeb;
  const CATALOG = self.INFERENCE_LAB_CATALOG;
  const EXAMPLES = self.INFERENCE_LAB_EXAMPLES;
  const $ = (id) => document.getElementById(id);

  // ---- The form: flat config keys with a label and a kind --------------------------------
  const opts = (xs) => xs.map((x) => [x, x]);
  // The length distributions of arrival_pattern = "sessions", shown only for that pattern.
  const SESSION_DISTS = [
    ["turns_per_session_dist", "Turns per session"],
    ["turn_input_len_dist", "New tokens per later turn"],
    ["think_time_ms_dist", "Think time (ms)"],
  ];
  const distFields = (d, label) => [
    [`workload.${d}.type`, label, "select", opts(["fixed", "uniform", "normal", "lognormal"])],
    [`workload.${d}.value`, "  value", "number"],
    [`workload.${d}.min`, "  min", "number"],
    [`workload.${d}.max`, "  max", "number"],
    [`workload.${d}.mean`, "  mean (μ for lognormal)", "number"],
    [`workload.${d}.std_dev`, "  std dev (σ)", "number"],
  ];
  const DISTS = ["input_len_dist", "output_len_dist"].concat(SESSION_DISTS.map(([d]) => d));
  const SECTIONS = [
    ["GPU", [
      ["hardware.preset", "Catalog GPU", "preset", "hardware"],
      ["hardware.name", "Name", "text"],
      ["hardware.bytes_per_param", "Precision (bytes/param)", "select", [["2", "2 (BF16)"], ["1", "1 (FP8)"]]],
      ["hardware.compute_flops", "Peak FLOP/s", "number"],
      ["hardware.memory_bandwidth", "Memory bandwidth (B/s)", "number"],
      ["hardware.memory_capacity", "Memory (bytes)", "number"],
      ["hardware.kv_cache_capacity", "KV pool (bytes, blank = derive)", "number"],
      ["hardware.gpu_memory_utilization", "GPU memory utilisation", "number"],
      ["hardware.tensor_parallel_size", "Tensor parallel (TP)", "number"],
      ["hardware.interconnect_bandwidth", "Interconnect (B/s, for TP)", "number"],
    ]],
    ["Model", [
      ["model.preset", "Catalog model", "preset", "model"],
      ["model.name", "Name", "text"],
      ["model.num_parameters", "Parameters", "number"],
      ["model.num_active_parameters", "Active parameters (MoE)", "number"],
      ["model.num_layers", "Layers", "number"],
      ["model.hidden_dim", "Hidden size", "number"],
      ["model.num_heads", "Attention heads", "number"],
      ["model.num_kv_heads", "KV heads", "number"],
      ["model.head_dim", "Head dim (blank = hidden/heads)", "number"],
      ["model.max_seq_len", "Max sequence length", "number"],
      ["model.num_experts", "Experts (MoE)", "number"],
      ["model.num_experts_per_token", "Experts per token", "number"],
    ]],
    ["Scheduler", [
      ["scheduler.policy", "Policy", "select", opts(["fcfs", "priority", "sjf", "sif", "lif", "sof", "lof", "stf", "ltf"])],
      ["scheduler.max_num_batched_tokens", "Token budget per step", "number"],
      ["scheduler.max_num_seqs", "Max running requests", "number"],
      ["scheduler.block_size", "KV block size (tokens)", "number"],
      ["scheduler.enable_chunked_prefill", "Chunked prefill", "select", [["", "(default: true)"], ["true", "true"], ["false", "false"]]],
      ["scheduler.enable_prefix_caching", "Prefix caching", "select", [["", "(default: true)"], ["true", "true"], ["false", "false"]]],
    ]],
    ["Serving engine", [
      ["engine.vllm_version", "vLLM version (engine overheads)", "select",
        [["", "(none: step times only)"]].concat(Object.keys(CATALOG.engine || {}).sort()
          .map((n) => [n.replace(/^vllm-/, ""), n.replace(/^vllm-/, "")]))],
    ]],
    ["Workload", [
      ["workload.arrival_pattern", "Arrivals", "select", opts(["poisson", "gamma", "uniform", "fixed_rate", "burst", "batched", "closed_loop", "sessions"])],
      ["workload.arrival_rate", "Arrival rate (req/s)", "number"],
      ["workload.num_concurrent_users", "Closed-loop users", "number"],
      ["workload.num_requests", "Requests", "number"],
      ["workload.seed", "Seed", "number"],
      ["workload.input_len_dist.type", "Input lengths", "select", opts(["fixed", "uniform", "normal", "lognormal"])],
      ["workload.input_len_dist.value", "  value", "number"],
      ["workload.input_len_dist.min", "  min", "number"],
      ["workload.input_len_dist.max", "  max", "number"],
      ["workload.input_len_dist.mean", "  mean (μ for lognormal)", "number"],
      ["workload.input_len_dist.std_dev", "  std dev (σ)", "number"],
      ["workload.output_len_dist.type", "Output lengths", "select", opts(["fixed", "uniform", "normal", "lognormal"])],
      ["workload.output_len_dist.value", "  value", "number"],
      ["workload.output_len_dist.min", "  min", "number"],
      ["workload.output_len_dist.max", "  max", "number"],
      ["workload.output_len_dist.mean", "  mean (μ for lognormal)", "number"],
      ["workload.output_len_dist.std_dev", "  std dev (σ)", "number"],
    ].concat(...SESSION_DISTS.map(([d, label]) => distFields(d, label)))],
  ];
  const FIELDS = new Map();
  for (const [, fields] of SECTIONS) for (const f of fields) FIELDS.set(f[0], f);
  const DIST_KEYS = { fixed: ["value"], uniform: ["min", "max"], normal: ["mean", "std_dev"], lognormal: ["mean", "std_dev"] };

  // Keys of the current config that the form does not show (kept and sent as they are).
  let extra = {};

  function id(key) { return "f-" + key.replace(/\./g, "-"); }

  function buildForm() {
    const form = $("form");
    for (const [title, fields] of SECTIONS) {
      const fs = document.createElement("fieldset");
      fs.innerHTML = `<legend>${title}</legend>`;
      for (const [key, label, kind, arg] of fields) {
        const row = document.createElement("div");
        row.className = "row";
        row.dataset.key = key;
        let input;
        if (kind === "select" || kind === "preset") {
          input = document.createElement("select");
          const choices = kind === "preset"
            ? [["", "(custom: the values below)"]].concat(Object.keys(CATALOG[arg]).map((n) => [n, n]))
            : arg;
          for (const [v, text] of choices) input.add(new Option(text, v));
        } else {
          input = document.createElement("input");
          input.type = "text";
          input.spellcheck = false;
        }
        input.id = id(key);
        row.innerHTML = `<label for="${input.id}">${label.trim()}</label>`;
        row.style.paddingLeft = label.startsWith("  ") ? "12px" : "0";
        row.appendChild(input);
        fs.appendChild(row);
        if (kind === "preset") input.addEventListener("change", () => applyPreset(key.split(".")[0], input.value));
        if (key.endsWith("_dist.type")) input.addEventListener("change", updateVisibility);
        if (key === "workload.arrival_pattern" || key === "hardware.bytes_per_param") {
          input.addEventListener("change", () => {
            if (key === "hardware.bytes_per_param" && $(id("hardware.preset")).value) applyPreset("hardware", $(id("hardware.preset")).value);
            updateVisibility();
          });
        }
        input.addEventListener("change", showEffectiveConfig);
      }
      form.appendChild(fs);
    }
  }

  function updateVisibility() {
    const pattern = $(id("workload.arrival_pattern")).value;
    for (const d of DISTS) {
      const shown = pattern === "sessions" || !SESSION_DISTS.some(([s]) => s === d);
      $(id(`workload.${d}.type`)).parentElement.hidden = !shown;
      const type = $(id(`workload.${d}.type`)).value;
      for (const k of ["value", "min", "max", "mean", "std_dev"]) {
        $(id(`workload.${d}.${k}`)).parentElement.hidden = !shown || !(DIST_KEYS[type] || []).includes(k);
      }
    }
    $(id("workload.num_concurrent_users")).parentElement.hidden = pattern !== "closed_loop";
    $(id("workload.arrival_rate")).parentElement.hidden = ["closed_loop", "batched", "burst"].includes(pattern) && $(id("workload.arrival_rate")).value === "";
  }

  function show(value) {
    if (value === undefined) return "";
    if (typeof value === "object") return value.integer;
    if (typeof value === "number" && Math.abs(value) >= 1e12) {
      // 1.513e15 rather than 1513000000000000 (both read back as the same double).
      const e = value.toExponential().replace("e+", "e");
      if (e.length < String(value).length) return e;
    }
    return String(value);
  }

  /// Fills the form from flat keys; the keys it has no field for go to `extra`.
  function setForm(flat) {
    extra = {};
    for (const key of FIELDS.keys()) $(id(key)).value = "";
    for (const [key, value] of Object.entries(flat)) {
      if (FIELDS.has(key)) {
        const el = $(id(key));
        el.value = show(value);
        if (el.tagName === "SELECT" && el.value !== show(value)) { el.add(new Option(show(value), show(value))); el.value = show(value); }
      } else extra[key] = value;
    }
    updateVisibility();
    showEffectiveConfig();
  }

  /// The config the form describes, as flat keys (blank fields are absent keys).
  function readForm() {
    const flat = Object.assign({}, extra);
    for (const [key, , kind] of FIELDS.values()) {
      const el = $(id(key));
      if (el.parentElement.hidden || kind === "preset") continue;
      const v = el.value.trim();
      if (v === "") continue;
      if (kind === "number" || key === "hardware.bytes_per_param") {
        const n = Number(v.replace(/_/g, ""));
        if (!Number.isFinite(n)) throw new Error(`${key}: "${v}" is not a number`);
        flat[key] = /^[0-9_]+$/.test(v) && !Number.isSafeInteger(n) ? { integer: v.replace(/_/g, "") } : n;
      } else flat[key] = v;
    }
    // Distribution keys of the other types would be rejected: drop hidden ones from `extra` too.
    for (const d of DISTS) {
      const type = flat[`workload.${d}.type`];
      for (const k of ["value", "min", "max", "mean", "std_dev"]) {
        if (!(DIST_KEYS[type] || []).includes(k)) delete flat[`workload.${d}.${k}`];
      }
    }
    return flat;
  }

  /// Replaces the [hardware] or [model] keys with a catalog preset's (resolved as the CLI
  /// resolves `preset`, with compute_flops picked by the precision).
  function applyPreset(table, name) {
    if (!name) return;
    const kind = table === "hardware" ? "hardware" : "model";
    const presetFlat = W.flatten({ [table]: W.parseTOML(CATALOG[kind][name])[table] });
    const flat = readForm();
    const tp = flat["hardware.tensor_parallel_size"];
    for (const k of Object.keys(flat)) if (k.startsWith(table + ".")) delete flat[k];
    if (table === "hardware") {
      const bytes = Number($(id("hardware.bytes_per_param")).value || presetFlat["hardware.bytes_per_param"] || 2);
      presetFlat["hardware.bytes_per_param"] = bytes;
      const peak = bytes === 1 ? presetFlat["hardware.compute_flops_fp8"] : presetFlat["hardware.compute_flops_bf16"];
      if (presetFlat["hardware.compute_flops"] === undefined && peak !== undefined) presetFlat["hardware.compute_flops"] = peak;
      delete presetFlat["hardware.compute_flops_bf16"];
      delete presetFlat["hardware.compute_flops_fp8"];
      presetFlat["hardware.tensor_parallel_size"] = tp !== undefined ? tp : 1;
    }
    Object.assign(flat, presetFlat);
    if (table === "hardware") {
      // As the CLI: a catalog GPU with no [compute] of its own runs its calibration profile.
      for (const k of Object.keys(flat)) if (k.startsWith("compute.")) delete flat[k];
      const profile = (CATALOG.calibration || {})[name];
      if (profile !== undefined) Object.assign(flat, W.flatten({ compute: W.parseTOML(profile).compute }));
    }
    const keep = $(id(table + ".preset")).value;
    setForm(flat);
    $(id(table + ".preset")).value = keep;
  }

  // Keys the loader reads as floats, so 1.979e15 is fine there (integer keys need digits).
  const FLOAT_KEYS = /^(hardware\.(compute_flops|memory_bandwidth|memory_capacity|kv_cache_capacity|interconnect_bandwidth)|model\.num_(active_)?parameters)$/;

  function tomlValue(v, key) {
    if (typeof v === "number" && FLOAT_KEYS.test(key)) return show(v);
    if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : String(v).replace("e+", "e");
    if (typeof v === "object") return v.integer;
    if (v === "true" || v === "false") return v;
    return JSON.stringify(v);
  }

  function toTOML(flat) {
    const tables = new Map();
    for (const [key, v] of Object.entries(flat)) {
      const parts = key.split(".");
      const table = parts.slice(0, -1).join(".");
      if (!tables.has(table)) tables.set(table, []);
      tables.get(table).push(`${parts[parts.length - 1]} = ${tomlValue(v, key)}`);
    }
    const order = ["hardware", "model", "scheduler", "workload"].concat(DISTS.map((d) => "workload." + d), ["compute", "simulation"]);
    const names = [...tables.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    return names.map((t) => `[${t}]\n${tables.get(t).join("\n")}\n`).join("\n");
  }

  function showEffectiveConfig() {
    try { $("config-toml").textContent = toTOML(readForm()); } catch (e) { $("config-toml").textContent = String(e.message); }
  }

  // ---- Running -----------------------------------------------------------------------------
  let lab = null, running = false;

  async function loadModule() {
    const bin = Uint8Array.from(atob(self.INFERENCE_LAB_WASM), (c) => c.charCodeAt(0));
    $("wasm-size").textContent = `inference-lab.wasm: ${(bin.length / 1024).toFixed(0)} KiB`;
    lab = await W.InferenceLab.load(bin);
  }

  function run() {
    if (running) return;
    $("error").textContent = "";
    $("warnings").textContent = "";
    let warnings;
    const started = performance.now();
    try {
      const flat = W.resolveEngineFlat(readForm(), CATALOG);
      lab.setConfig(flat);
      warnings = lab.start();
    } catch (e) {
      $("error").textContent = "error: " + e.message;
      document.body.dataset.status = "error";
      return;
    }
    $("warnings").textContent = warnings.join("\n");
    running = true;
    $("run").disabled = true;
    document.body.dataset.status = "running";
    const tick = () => {
      const t0 = performance.now();
      let done = false;
      while (!done && performance.now() - t0 < 50) done = lab.advance(256);
      const i = lab.info();
      $("progress").value = i.progress;
      $("status").textContent = `t = ${i.time.toFixed(1)} s simulated · step ${i.steps} · finished ${i.finished} of ${i.arrived} arrived · running ${i.running} · waiting ${i.waiting} · KV ${(100 * i.kvBlocksUsed / Math.max(i.kvBlocks, 1)).toFixed(1)} %`;
      if (!done) { setTimeout(tick, 0); return; }
      running = false;
      $("run").disabled = false;
      const wall = (performance.now() - started) / 1000;
      $("status").textContent = `${i.status}: ${i.steps} steps, ${i.time.toFixed(2)} s simulated in ${wall.toFixed(2)} s · ${i.kvBlocks} KV blocks`;
      if (i.status === "failed") $("error").textContent = `error: the run could not finish: ${i.running + i.waiting} requests can never be scheduled`;
      showResults(i);
      document.body.dataset.status = "done";
    };
    setTimeout(tick, 0);
  }

  // ---- Results -----------------------------------------------------------------------------
  const fmt = (v, d = 2) => (v === null || v === undefined || Number.isNaN(v) ? "–" : Number(v).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }));

  function showResults(info) {
    const json = lab.summaryJSON();
    const s = JSON.parse(json);
    $("summary-json").textContent = json;
    $("results").hidden = false;
    $("summary-caption").textContent = `(${s.completed} completed, ${s.rejected} rejected, ${fmt(s.duration)} s)`;
    const stats = ["mean", "p50", "p90", "p95", "p99", "min", "max"];
    let html = `<tr><th>Latency (ms)</th>${stats.map((x) => `<th>${x}</th>`).join("")}</tr>`;
    for (const [stem, label] of [["ttft", "TTFT"], ["tpot", "TPOT"], ["itl", "ITL"], ["e2el", "E2E"], ["queue", "Queue"]]) {
      html += `<tr><td>${label}</td>${stats.map((x) => `<td>${fmt(s[`${x}_${stem}_ms`])}</td>`).join("")}</tr>`;
    }
    $("latency-table").innerHTML = html;
    const rows = [
      ["Requests/s", fmt(s.request_throughput, 3)], ["Input tok/s", fmt(s.input_throughput, 1)],
      ["Output tok/s", fmt(s.output_throughput, 1)], ["Total tok/s", fmt(s.total_token_throughput, 1)],
      ["Compute util", fmt(100 * s.mean_compute_util, 1) + " %"], ["Bandwidth util", fmt(100 * s.mean_bandwidth_util, 1) + " %"],
      ["KV cache util (mean / peak)", `${fmt(100 * s.mean_kv_cache_util, 1)} / ${fmt(100 * s.peak_kv_cache_util, 1)} %`],
      ["Preemptions", fmt(s.preemptions, 0)], ["Steps", fmt(s.steps, 0)],
      ["Prefix-cache hit rate", fmt(100 * s.prefix_cache_hit_rate, 1) + " %"],
    ];
    $("totals-table").innerHTML = `<tr><th>Throughput and use</th><th></th></tr>` + rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join("");
    drawPlots(info);
  }

  /// A centred moving average over `k` points (rates per bucket are spiky: a 0.3 s prefill
  /// step lands in one bucket).
  function smooth(ys, k) {
    if (k <= 1) return ys;
    const out = new Float64Array(ys.length), h = Math.floor(k / 2);
    for (let i = 0; i < ys.length; i++) {
      let sum = 0, n = 0;
      for (let j = Math.max(0, i - h); j <= Math.min(ys.length - 1, i + h); j++) { sum += ys[j]; n++; }
      out[i] = sum / n;
    }
    return out;
  }

  function drawPlots(info) {
    const series = lab.series(), samples = lab.samples();
    const k = Math.max(1, Math.round(series.time.length / 50));
    const t = series.time, w = info.bucketWidth;
    const mid = Array.from(t, (x) => x + w / 2);
    const plots = $("plots");
    plots.innerHTML = "";
    const add = (svg) => { const d = document.createElement("div"); d.className = "plot"; d.innerHTML = svg; plots.appendChild(d); };
    add(lineChart("KV cache use over time", "time (s)", "% of blocks", [
      { name: "KV cache", xs: mid, ys: Array.from(series.kv_cache_util, (v) => 100 * v), color: "#2b6cb0" }]));
    add(lineChart("Running and waiting requests", "time (s)", "requests", [
      { name: "running", xs: mid, ys: series.running, color: "#2f855a" },
      { name: "waiting", xs: mid, ys: series.waiting, color: "#c05621" }]));
    const avg = k > 1 ? ` (moving average over ${(k * w).toPrecision(2)} s)` : "";
    add(lineChart("Throughput over time" + avg, "time (s)", "tokens/s", [
      { name: "output", xs: mid, ys: smooth(series.output_tokens_per_sec, k), color: "#6b46c1" },
      { name: "prefill", xs: mid, ys: smooth(series.prefill_tokens_per_sec, k), color: "#b83280" }]));
    add(lineChart("GPU utilisation over time" + avg, "time (s)", "%", [
      { name: "compute", xs: mid, ys: smooth(Array.from(series.compute_util, (v) => 100 * v), k), color: "#dd6b20" },
      { name: "bandwidth", xs: mid, ys: smooth(Array.from(series.bandwidth_util, (v) => 100 * v), k), color: "#3182ce" }]));
    const cdf = (xs) => { const s = Array.from(xs, (v) => 1000 * v).sort((a, b) => a - b); return { xs: s, ys: s.map((_, i) => (100 * (i + 1)) / s.length) }; };
    const ttft = cdf(samples.ttft), e2e = cdf(samples.e2e), tpot = cdf(samples.tpot);
    add(lineChart("TTFT distribution (CDF)", "TTFT (ms)", "% of requests", [{ name: "TTFT", ...ttft, color: "#2b6cb0" }]));
    add(lineChart("TPOT distribution (CDF)", "TPOT (ms)", "% of requests", [{ name: "TPOT", ...tpot, color: "#2f855a" }]));
    add(lineChart("E2E latency distribution (CDF)", "E2E (ms)", "% of requests", [{ name: "E2E", ...e2e, color: "#c05621" }]));
    add(scatterChart("E2E latency by finish time", "finish time (s)", "E2E (ms)", samples.e2eTime, Array.from(samples.e2e, (v) => 1000 * v)));
  }

  // ---- SVG charts --------------------------------------------------------------------------
  const W0 = 460, H0 = 250, M = { l: 58, r: 12, t: 26, b: 38 };
  const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");

  function niceTicks(lo, hi, n = 5) {
    if (!(hi > lo)) { hi = lo + 1; }
    const raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
    return out;
  }
  const tickLabel = (v) => (Math.abs(v) >= 1e4 ? v.toExponential(1).replace("e+", "e") : String(Number(v.toPrecision(6))));

  function frame(title, xl, yl, xlo, xhi, ylo, yhi) {
    const X = (x) => M.l + ((x - xlo) / (xhi - xlo || 1)) * (W0 - M.l - M.r);
    const Y = (y) => H0 - M.b - ((y - ylo) / (yhi - ylo || 1)) * (H0 - M.t - M.b);
    let s = `<text x="${M.l}" y="16" font-size="13" font-weight="600" fill="#1d232b">${esc(title)}</text>`;
    for (const v of niceTicks(ylo, yhi)) {
      s += `<line x1="${M.l}" x2="${W0 - M.r}" y1="${Y(v)}" y2="${Y(v)}" stroke="#eceff3"/>`;
      s += `<text x="${M.l - 5}" y="${Y(v) + 4}" font-size="10.5" text-anchor="end" fill="#5b6673">${tickLabel(v)}</text>`;
    }
    for (const v of niceTicks(xlo, xhi, 6)) {
      s += `<line x1="${X(v)}" x2="${X(v)}" y1="${H0 - M.b}" y2="${H0 - M.b + 4}" stroke="#8a949f"/>`;
      s += `<text x="${X(v)}" y="${H0 - M.b + 15}" font-size="10.5" text-anchor="middle" fill="#5b6673">${tickLabel(v)}</text>`;
    }
    s += `<line x1="${M.l}" x2="${W0 - M.r}" y1="${H0 - M.b}" y2="${H0 - M.b}" stroke="#8a949f"/>`;
    s += `<text x="${(M.l + W0 - M.r) / 2}" y="${H0 - 6}" font-size="11" text-anchor="middle" fill="#5b6673">${esc(xl)}</text>`;
    s += `<text transform="translate(13 ${(M.t + H0 - M.b) / 2}) rotate(-90)" font-size="11" text-anchor="middle" fill="#5b6673">${esc(yl)}</text>`;
    return { s, X, Y };
  }

  function extent(arrays, zero) {
    let lo = zero ? 0 : Infinity, hi = -Infinity;
    for (const a of arrays) for (const v of a) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    if (hi <= lo) hi = lo + 1;
    return [lo, hi];
  }

  function lineChart(title, xl, yl, series) {
    const [xlo, xhi] = extent(series.map((s) => s.xs), false);
    const [ylo, yhi0] = extent(series.map((s) => s.ys), true);
    const yhi = yhi0 * 1.05;
    const { s, X, Y } = frame(title, xl, yl, xlo, xhi, ylo, yhi);
    let body = s;
    series.forEach((ser, k) => {
      const n = ser.xs.length;
      const stride = Math.max(1, Math.floor(n / 1500));
      let d = "";
      for (let i = 0; i < n; i += stride) if (Number.isFinite(ser.ys[i])) d += `${d ? "L" : "M"}${X(ser.xs[i]).toFixed(1)},${Y(ser.ys[i]).toFixed(1)}`;
      if (n > 0 && (n - 1) % stride !== 0 && Number.isFinite(ser.ys[n - 1])) d += `L${X(ser.xs[n - 1]).toFixed(1)},${Y(ser.ys[n - 1]).toFixed(1)}`;
      body += `<path d="${d}" fill="none" stroke="${ser.color}" stroke-width="1.6"/>`;
      const lx = W0 - M.r - 110, ly = M.t + 4 + 14 * k;
      body += `<rect x="${lx}" y="${ly}" width="10" height="3" fill="${ser.color}"/><text x="${lx + 14}" y="${ly + 5}" font-size="11" fill="#1d232b">${esc(ser.name)}</text>`;
    });
    return `<svg viewBox="0 0 ${W0} ${H0}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}">${body}</svg>`;
  }

  function scatterChart(title, xl, yl, xs, ys) {
    const [xlo, xhi] = extent([xs], false);
    const [ylo, yhi0] = extent([ys], true);
    const { s, X, Y } = frame(title, xl, yl, xlo, xhi, ylo, yhi0 * 1.05);
    let body = s;
    const stride = Math.max(1, Math.floor(xs.length / 4000));
    for (let i = 0; i < xs.length; i += stride) body += `<circle cx="${X(xs[i]).toFixed(1)}" cy="${Y(ys[i]).toFixed(1)}" r="1.6" fill="#c05621" fill-opacity="0.55"/>`;
    return `<svg viewBox="0 0 ${W0} ${H0}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}">${body}</svg>`;
  }

  // ---- Start -------------------------------------------------------------------------------
  function loadExample(name) {
    const ex = EXAMPLES.find((e) => e.name === name) || EXAMPLES[0];
    $("example").value = ex.name;
    const doc = W.resolvePresets(W.parseTOML(ex.text), CATALOG);
    setForm(W.flatten(doc));
  }

  async function main() {
    buildForm();
    for (const e of EXAMPLES) $("example").add(new Option(e.name, e.name));
    $("example").addEventListener("change", () => loadExample($("example").value));
    $("run").addEventListener("click", run);
    const params = new URLSearchParams(location.search);
    loadExample(params.get("example") || EXAMPLES[0].name);
    // Links can pick catalog presets and knobs: ?gpu=h100-sxm&precision=1&model=llama-3.1-70b&tp=2
    if (params.get("precision")) $(id("hardware.bytes_per_param")).value = params.get("precision");
    if (params.get("tp")) $(id("hardware.tensor_parallel_size")).value = params.get("tp");
    for (const [param, table] of [["gpu", "hardware"], ["model", "model"]]) {
      const name = params.get(param);
      if (name) { $(id(table + ".preset")).value = name; applyPreset(table, name); }
    }
    for (const [key, value] of params) {
      if (FIELDS.has(key)) { $(id(key)).value = value; updateVisibility(); showEffectiveConfig(); }
    }
    try {
      await loadModule();
    } catch (e) {
      $("error").textContent = "error: could not load inference-lab.wasm: " + e.message;
      document.body.dataset.status = "error";
      return;
    }
    document.body.dataset.status = "ready";
    if (params.get("autorun") === "1") run();
  }
  main();
})();
