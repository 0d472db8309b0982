// inference-lab in the browser (and node): loads the WebAssembly build of InferenceLabCore
// (tools/wasm/build.sh), turns TOML configs into the flat keys it takes, and drives runs.
//
// A classic script, not an ES module, so that the page also works from file:// (Chromium
// refuses module scripts there). In node, `require` it.
(function (root) {
  "use strict";

  // ---- A TOML subset: tables, dotted headers, key = value, inline tables, strings, numbers,
  // booleans, comments. Enough for configs/*.toml and the catalog; anything else is an error.
  function parseTOML(text) {
    const doc = {};
    let table = doc;
    const lines = text.split(/\r?\n/);
    for (let ln = 0; ln < lines.length; ln++) {
      const where = `line ${ln + 1}`;
      const p = { s: lines[ln], i: 0, where };
      skipSpace(p);
      if (p.i >= p.s.length || p.s[p.i] === "#") continue;
      if (p.s[p.i] === "[") {
        p.i++;
        const path = parseKey(p);
        skipSpace(p);
        if (p.s[p.i] !== "]") throw new Error(`${where}: expected ] after a table name`);
        p.i++;
        endOfLine(p);
        table = doc;
        for (const k of path) {
          if (table[k] === undefined) table[k] = {};
          if (typeof table[k] !== "object") throw new Error(`${where}: ${path.join(".")} is not a table`);
          table = table[k];
        }
        continue;
      }
      assign(table, p);
      endOfLine(p);
    }
    return doc;
  }

  function assign(table, p) {
    const path = parseKey(p);
    skipSpace(p);
    if (p.s[p.i] !== "=") throw new Error(`${p.where}: expected = after ${path.join(".")}`);
    p.i++;
    skipSpace(p);
    const value = parseValue(p);
    let t = table;
    for (const k of path.slice(0, -1)) {
      if (t[k] === undefined) t[k] = {};
      t = t[k];
    }
    const last = path[path.length - 1];
    if (Object.prototype.hasOwnProperty.call(t, last)) throw new Error(`${p.where}: duplicate key ${path.join(".")}`);
    t[last] = value;
  }

  function skipSpace(p) { while (p.i < p.s.length && (p.s[p.i] === " " || p.s[p.i] === "\t")) p.i++; }

  function endOfLine(p) {
    skipSpace(p);
    if (p.i < p.s.length && p.s[p.i] !== "#") throw new Error(`${p.where}: unexpected text "${p.s.slice(p.i)}"`);
  }

  function parseKey(p) {
    const parts = [];
    for (;;) {
      skipSpace(p);
      if (p.s[p.i] === '"' || p.s[p.i] === "'") parts.push(parseString(p));
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(p.s.slice(p.i));
        if (!m) throw new Error(`${p.where}: expected a key`);
        parts.push(m[0]);
        p.i += m[0].length;
      }
      skipSpace(p);
      if (p.s[p.i] !== ".") return parts;
      p.i++;
    }
  }

  function parseString(p) {
    const q = p.s[p.i++];
    let out = "";
    while (p.i < p.s.length && p.s[p.i] !== q) {
      const c = p.s[p.i++];
      if (q === '"' && c === "\\") {
        const e = p.s[p.i++];
        const simple = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };
        if (e in simple) out += simple[e];
        else if (e === "u" || e === "U") {
          const n = e === "u" ? 4 : 8;
          out += String.fromCodePoint(parseInt(p.s.slice(p.i, p.i + n), 16));
          p.i += n;
        } else throw new Error(`${p.where}: bad escape \\${e}`);
      } else out += c;
    }
    if (p.s[p.i] !== q) throw new Error(`${p.where}: unterminated string`);
    p.i++;
    return out;
  }

  function parseValue(p) {
    const c = p.s[p.i];
    if (c === '"' || c === "'") return parseString(p);
    if (c === "{") {
      p.i++;
      const t = {};
      skipSpace(p);
      if (p.s[p.i] === "}") { p.i++; return t; }
      for (;;) {
        assign(t, p);
        skipSpace(p);
        if (p.s[p.i] === ",") { p.i++; continue; }
        if (p.s[p.i] === "}") { p.i++; return t; }
        throw new Error(`${p.where}: expected , or } in an inline table`);
      }
    }
    const m = /^[^\s,}#]+/.exec(p.s.slice(p.i));
    if (!m) throw new Error(`${p.where}: expected a value`);
    p.i += m[0].length;
    const w = m[0];
    if (w === "true") return true;
    if (w === "false") return false;
    if (/^[+-]?(0|[1-9](_?[0-9])*)$/.test(w)) {
      const digits = w.replace(/_/g, "");
      const n = Number(digits);
      // Integers beyond 2^53 cross as decimal text, which the module parses exactly.
      return Number.isSafeInteger(n) ? n : { integer: digits };
    }
    if (/^[+-]?(0|[1-9](_?[0-9])*)(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$/.test(w)) return Number(w.replace(/_/g, ""));
    if (/^[+-]?(inf|nan)$/.test(w)) return w.endsWith("inf") ? (w[0] === "-" ? -Infinity : Infinity) : NaN;
    throw new Error(`${p.where}: unsupported value ${w}`);
  }

  // ---- Configs as flat keys ----------------------------------------------------------------

  /// Dotted keys and their values (numbers, strings, booleans, {integer: "digits"}).
  function flatten(doc, prefix = "", out = {}) {
    for (const [k, v] of Object.entries(doc)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v !== null && typeof v === "object" && !("integer" in v)) flatten(v, key, out);
      else out[key] = v;
    }
    return out;
  }

  // The [compute] factor keys: a file that sets any of them describes its own factors (the
  // core's ConfigSchema.calibrationFactorKeys; CalibrationFactorKeysTests holds them equal).
  const CALIBRATION_FACTOR_KEYS = ["compute_efficiency", "memory_efficiency", "attention_compute_efficiency",
    "attention_memory_efficiency", "interconnect_efficiency", "step_overhead_seconds",
    "layer_overhead_seconds", "token_overhead_seconds"];

  /// Resolves `preset` in [hardware], [model] and [compute] from `catalog` ({hardware: {name:
  /// TOML text}, model: {...}, calibration: {...}}), as the command-line loader does: the
  /// preset's table first, the config's own keys of that table over it; and the catalog
  /// GPU's calibration profile stands in for a missing [compute] table (or for
  /// `model = "calibrated"` with no preset and no factor keys).
  function resolvePresets(doc, catalog) {
    const kinds = { hardware: "hardware", model: "model", compute: "calibration" };
    const out = Object.assign({}, doc);
    const gpu = doc.hardware && typeof doc.hardware.preset === "string" && !doc.hardware.preset.endsWith(".toml")
      ? doc.hardware.preset : undefined;
    const profile = gpu !== undefined ? (catalog.calibration || {})[gpu] : undefined;
    const c = doc.compute;
    if (!c && profile !== undefined) {
      out.compute = { preset: gpu };
    } else if (c && c.preset === undefined && typeof c.model === "string" && c.model.toLowerCase() === "calibrated"
               && !CALIBRATION_FACTOR_KEYS.some((k) => c[k] !== undefined)) {
      if (profile === undefined) {
        const gpus = Object.keys(catalog.hardware || {}).filter((g) => (catalog.calibration || {})[g] !== undefined).sort();
        throw new Error(`compute.model: model = "calibrated" without a preset or factors needs a calibration profile; GPUs with one: ${gpus.join(", ")}`);
      }
      out.compute = Object.assign({ preset: gpu }, c);
    }
    // [engine] vllm_version: the shipped profile's keys, overridden by the table's own (as the
    // CLI loads configs/engines/vllm-<version>.toml); the version itself stays, since it also
    // picks vLLM's scheduler defaults.
    const e = doc.engine;
    if (e && typeof e.vllm_version === "string") {
      const text = (catalog.engine || {})["vllm-" + e.vllm_version];
      if (text === undefined) {
        const known = Object.keys(catalog.engine || {}).map((n) => n.replace(/^vllm-/, "")).sort();
        throw new Error(`engine.vllm_version: no engine profile for vLLM "${e.vllm_version}"; shipped: ${known.join(", ")}`);
      }
      out.engine = Object.assign({}, parseTOML(text).engine || {}, e);
    }
    for (const [table, kind] of Object.entries(kinds)) {
      const t = out[table];
      if (!t || t.preset === undefined) continue;
      const text = (catalog[kind] || {})[t.preset];
      if (text === undefined) throw new Error(`${table}.preset: unknown ${kind} preset "${t.preset}"`);
      const presetTable = parseTOML(text)[table] || {};
      const merged = Object.assign({}, presetTable);
      for (const [k, v] of Object.entries(t)) if (k !== "preset") merged[k] = v;
      out[table] = merged;
    }
    return out;
  }

  // ---- The module ----------------------------------------------------------------------------

  const SERIES_COLUMNS = 9;
  const ARRAYS = { ttft: 10, ttftTime: 11, tpot: 12, e2e: 13, e2eTime: 14, promptLengths: 15, outputLengths: 16 };

  class InferenceLab {
    /// `bytes`: the .wasm file (ArrayBuffer or typed array).
    static async load(bytes) {
      const { instance } = await WebAssembly.instantiate(bytes, {});
      return new InferenceLab(instance.exports);
    }

    constructor(exports) {
      this.x = exports;
      if (this.x.il_api_version() !== 1) throw new Error("unexpected inference-lab.wasm API version");
      this.encoder = new TextEncoder();
      this.decoder = new TextDecoder();
    }

    _bytes() { return new Uint8Array(this.x.memory.buffer); }

    text(kind) {
      const n = this.x.il_text(kind);
      return this.decoder.decode(this._bytes().slice(this.x.il_out(), this.x.il_out() + n));
    }

    array(kind) {
      const n = this.x.il_array(kind);
      const p = this.x.il_out();
      return new Float64Array(this.x.memory.buffer.slice(p, p + 8 * n));
    }

    /// Sets the config from flat keys; throws on the first bad key.
    setConfig(flat) {
      this.x.il_config_reset();
      for (const [key, value] of Object.entries(flat)) {
        const k = this.encoder.encode(key);
        let rc;
        if (typeof value === "number") {
          const p = this.x.il_scratch(k.length);
          this._bytes().set(k, p);
          rc = this.x.il_config_set_number(k.length, value);
        } else {
          const text = typeof value === "object" ? value.integer : String(value);
          const v = this.encoder.encode(text);
          const p = this.x.il_scratch(k.length + v.length);
          const mem = this._bytes();
          mem.set(k, p);
          mem.set(v, p + k.length);
          rc = this.x.il_config_set_text(k.length, v.length);
        }
        if (rc !== 0) throw new Error(this.text(0));
      }
    }

    /// Validates the config and starts a run; returns its warnings (strings).
    start() {
      if (this.x.il_run_start() !== 0) throw new Error(this.text(0));
      return this.text(2).split("\n").filter((l) => l.length > 0);
    }

    /// Runs up to `steps` engine steps; true once the run has ended.
    advance(steps) { return this.x.il_run_advance(steps) === 1; }

    info() {
      const i = (k) => this.x.il_info(k);
      return {
        progress: i(0), time: i(1), steps: i(2), finished: i(3), arrived: i(4), running: i(5),
        waiting: i(6), kvBlocks: i(7), kvBytesPerToken: i(8),
        status: ["running", "complete", "interrupted", "failed"][i(9)], kvBlocksUsed: i(10), rejected: i(11),
        bucketWidth: i(12),
      };
    }

    /// The summary JSON text, exactly as `inference-lab --json` prints it (without the final newline).
    summaryJSON() { return this.text(1); }

    series() {
      const names = this.text(3).split(",");
      const out = {};
      for (let c = 0; c < SERIES_COLUMNS; c++) out[names[c]] = this.array(c);
      return out;
    }

    samples() {
      const out = {};
      for (const [name, kind] of Object.entries(ARRAYS)) out[name] = this.array(kind);
      return out;
    }

    /// Runs a whole config (flat keys) synchronously; returns {summary, summaryJSON, warnings}.
    runToEnd(flat) {
      this.setConfig(flat);
      const warnings = this.start();
      while (!this.advance(1 << 16)) {}
      const summaryJSON = this.summaryJSON();
      return { summary: JSON.parse(summaryJSON), summaryJSON, warnings, info: this.info() };
    }
  }

  /// Flat keys with `engine.vllm_version` set: adds the shipped profile's cost keys that the
  /// keys do not set themselves (the form's counterpart of resolvePresets' [engine] step).
  function resolveEngineFlat(flat, catalog) {
    const version = flat["engine.vllm_version"];
    if (typeof version !== "string" || version === "") return flat;
    const text = (catalog.engine || {})["vllm-" + version];
    if (text === undefined) throw new Error(`engine.vllm_version: no engine profile for vLLM "${version}"`);
    const out = Object.assign({}, flat);
    for (const [k, v] of Object.entries(flatten({ engine: parseTOML(text).engine || {} }))) {
      if (out[k] === undefined) out[k] = v;
    }
    return out;
  }

  const api = { parseTOML, flatten, resolvePresets, resolveEngineFlat, InferenceLab };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.InferenceLabWeb = api;
})(typeof self !== "undefined" ? self : this);
