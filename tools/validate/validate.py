#!/usr/bin/env python3
"""Compare inference-lab's predictions with real vLLM serving measurements.

For every measured run in tools/validate/data/ this rebuilds the run's workload as a trace
(inference-perf's shared_prefix generator with its "constant" load timer, see
tools/validate/README.md), writes a config for the run's engine settings and model, runs
`inference-lab --json`, and prints predicted vs measured values with signed relative errors
(predicted / measured - 1) and the median |error| per metric.

Usage:
    python3 tools/validate/validate.py --bin .build-release/release/inference-lab \
        [--compute roofline|calibrated|both] [--runs N | --smoke] [--split]
        [--source vllm|gpustack|all] [--markdown] [--json OUT] [--keep DIR] [--only ID[,ID...]]

It is a report, not a gate: exit status 0 when every simulation ran, 1 when one failed,
2 on bad usage (e.g. a missing binary). Standard library only.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
REPO = HERE.parent.parent

# Engine settings every real run shared (data/experiments.json "about", README).
MAX_MODEL_LEN = 4096
MAX_NUM_SEQS = 128
BLOCK_SIZE = 16
SEED = 42                      # the trace generator's seed (inference-perf runs used seed 42)
# The calibration profile of `calibrated` runs (--profile). The default (None) is what a user
# gets from `[compute] model = "calibrated"` with no preset: the per-GPU profile of the
# hardware preset (configs/calibration/<gpu>.toml), the profile the engine profile
# (configs/engines/vllm-0.15.1.toml) was fitted with. `--profile NAME` names another one.
CALIBRATION_PRESET = None
# The KV pool (--kv-blocks): "derived" from memory as vLLM does (what a user's config gives), or
# "measured": `num_gpu_blocks_override` = the blocks vLLM logged, where the data has them.
KV_BLOCKS = "derived"

# Metrics compared for the vLLM 0.15.1 runs: (key, label, unit).
METRICS = [
    ("ttft_mean", "TTFT mean", "ms"),
    ("ttft_p90", "TTFT p90", "ms"),
    ("ttft_p99", "TTFT p99", "ms"),
    ("e2e_mean", "E2E mean", "ms"),
    ("e2e_p90", "E2E p90", "ms"),
    ("e2e_p99", "E2E p99", "ms"),
    ("itl", "ITL", "ms"),
    ("req_tput", "Throughput", "req/s"),
]
# ... and for GPUStack's `vllm bench serve` results (what they publish).
GS_METRICS = [
    ("ttft_mean", "TTFT mean", "ms"),
    ("ttft_median", "TTFT median", "ms"),
    ("tpot_mean", "TPOT mean", "ms"),
    ("itl_mean", "ITL mean", "ms"),
    ("req_tput", "Throughput", "req/s"),
]
SOURCES = {"vllm-0.15.1": METRICS, "gpustack-vllm-0.11": GS_METRICS, "gpustack-a100-vllm-0.11": GS_METRICS}
# GPUStack data files: (file in data/, source name, catalog hardware preset).
GS_FILES = [("gpustack-h100-vllm-0.11.json", "gpustack-vllm-0.11", "h100-sxm"),
            ("gpustack-a100-vllm-0.11.json", "gpustack-a100-vllm-0.11", "a100-sxm-80gb")]

SMOKE_RUNS = ["66", "64"]      # two small Qwen2.5-7B runs, truncated (see smoke_limit)
SMOKE_SECONDS = 60.0           # --smoke replays only the first 60 s of arrivals


class HarnessError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Models: config.json -> [model] table

MODEL_DIRS = {
    "meta-llama/Llama-3.1-70B-Instruct": "llama-3.1-70b-instruct",
    "mistralai/Mistral-Nemo-Instruct-2407": "mistral-nemo-instruct-2407",
    "Qwen/Qwen2.5-7B-Instruct": "qwen2.5-7b-instruct",
    "01-ai/Yi-34B": "yi-34b",
    "meta-llama/Llama-2-7b-hf": "Llama-2-7b-hf",
    "meta-llama/Llama-2-70b-hf": "Llama-2-70b-hf",
    "codellama/CodeLlama-34b-Instruct-hf": "CodeLlama-34b-Instruct-hf",
    "Qwen/Qwen3-14B": "qwen3-14b",
    "Qwen/Qwen3-8B": "qwen3-8b",
    "Qwen/Qwen3-32B": "qwen3-32b",
}


def count_parameters(c: dict) -> int:
    """Parameters of a dense decoder-only transformer from its Hugging Face config.json:
    embeddings (+ an untied LM head), per layer q/k/v/o projections (+ q/k/v biases for
    Qwen2), the gated MLP (3 matrices) and two norms, and the final norm."""
    h = c["hidden_size"]
    L = c["num_hidden_layers"]
    nh = c["num_attention_heads"]
    nkv = c.get("num_key_value_heads") or nh
    hd = c.get("head_dim") or h // nh
    ffn = c["intermediate_size"]
    vocab = c["vocab_size"]
    if c.get("num_local_experts"):
        raise HarnessError("MoE config.json not supported by this harness")
    attn = h * nh * hd + 2 * h * nkv * hd + nh * hd * h
    bias = (nh * hd + 2 * nkv * hd) if c.get("model_type") == "qwen2" else 0
    mlp = 3 * h * ffn
    per_layer = attn + bias + mlp + 2 * h
    emb = vocab * h * (1 if c.get("tie_word_embeddings") else 2)
    return L * per_layer + emb + h


def model_config(model_id: str) -> dict:
    d = MODEL_DIRS.get(model_id)
    if d is None:
        raise HarnessError(f"no config.json kept for {model_id}")
    return json.loads((DATA / "model_configs" / d / "config.json").read_text())


def model_table(model_id: str, max_len: int) -> str:
    c = model_config(model_id)
    nh = c["num_attention_heads"]
    hd = c.get("head_dim") or c["hidden_size"] // nh
    return (
        "[model]\n"
        f'name = "{model_id}"\n'
        f"num_parameters = {count_parameters(c)}\n"
        f"num_layers = {c['num_hidden_layers']}\n"
        f"hidden_dim = {c['hidden_size']}\n"
        f"num_heads = {nh}\n"
        f"num_kv_heads = {c.get('num_key_value_heads') or nh}\n"
        f"head_dim = {hd}\n"
        f"max_seq_len = {max_len}\n"
    )


# ---------------------------------------------------------------------------------------------
# Runs

def inference_perf_dir(run_id: str) -> Path | None:
    stamp = run_id[2:] if run_id.startswith("x-") else run_id
    base = DATA / "inference-perf-runs"
    for p in sorted(base.iterdir()) if base.is_dir() else []:
        if p.name.startswith(stamp + "-"):
            return p
    return None


def resolved_groups(run_dir: Path) -> tuple[int, int]:
    """num_groups and num_prompts_per_group from inference-perf's resolved results/config.yaml."""
    text = (run_dir / "results" / "config.yaml").read_text()
    g = re.search(r"^\s*num_groups:\s*(\d+)\s*$", text, re.M)
    u = re.search(r"^\s*num_prompts_per_group:\s*(\d+)\s*$", text, re.M)
    if not (g and u):
        raise HarnessError(f"{run_dir}/results/config.yaml: no num_groups/num_prompts_per_group")
    return int(g.group(1)), int(u.group(1))


def inference_perf_stages(run_dir: Path, n: int) -> dict:
    """Per-stage TTFT/E2E mean, p90, p99 (ms) from inference-perf's stage_<i>_lifecycle_metrics.json."""
    out = {}
    for i in range(n):
        f = run_dir / "results" / f"stage_{i}_lifecycle_metrics.json"
        if not f.exists():
            return {}
        lat = json.loads(f.read_text())["successes"]["latency"]
        t, r = lat["time_to_first_token"], lat["request_latency"]
        out[i] = {"ttft_mean": t["mean"] * 1000, "ttft_p90": t["p90"] * 1000, "ttft_p99": t["p99"] * 1000,
                  "e2e_mean": r["mean"] * 1000, "e2e_p90": r["p90"] * 1000, "e2e_p99": r["p99"] * 1000}
    return out


def split_of(model_id: str) -> str:
    """Deterministic model-level split: a model's runs are all 'validate' when the first 32 bits
    of sha256(model id) are divisible by 3, else 'fit'. Splitting by model means a factor fitted
    on the 'fit' runs is never checked on a model it saw."""
    h = int(hashlib.sha256(model_id.encode()).hexdigest()[:8], 16)
    return "validate" if h % 3 == 0 else "fit"


def load_runs() -> tuple[list[dict], list[dict]]:
    """The vLLM 0.15.1 runs of data/experiments.json: (runs to simulate, runs skipped with a reason)."""
    ex = json.loads((DATA / "experiments.json").read_text())
    runs, skipped = [], []
    for e in ex["experiments"]:
        if not e.get("represented", False) or e["model"] not in MODEL_DIRS:
            skipped.append({"id": e["id"], "model": e["model"], "workload": e["workload"],
                            "reason": e.get("not_represented_reason") or "no model config kept"})
            continue
        w = ex["workloads"][e["workload"]]
        groups, users = w["groups"], w["users"]
        ipd = inference_perf_dir(e["id"])
        if ipd is not None:
            groups, users = resolved_groups(ipd)
        rebuilt = e.get("workload_rebuilt") or {}
        if rebuilt.get("distinct_prompts") not in (None, groups * users):
            raise HarnessError(f"run {e['id']}: {groups}x{users} prompts, "
                               f"experiments.json says {rebuilt['distinct_prompts']}")
        out = w["out"]
        measured = {k: e["actual"][k] for k, _, _ in METRICS if k in e["actual"]}
        # ITL on one definition for both sides: (E2E mean - TTFT mean) / (output tokens - 1)
        # with the output length the server generated (ignore_eos). The published itl_mean
        # divides by the client's re-tokenised count, which is short for some runs.
        measured["itl"] = (e["actual"]["e2e_mean"] - e["actual"]["ttft_mean"]) / (out - 1)
        stage_measured = {}
        if len(w["stages"]) > 1:
            stage_measured = {int(k): dict(v) for k, v in (e.get("stage_actual") or {}).items()}
            if not stage_measured and ipd is not None:
                stage_measured = inference_perf_stages(ipd, len(w["stages"]))
            for v in stage_measured.values():
                v.pop("itl_mean", None)
                v["itl"] = (v["e2e_mean"] - v["ttft_mean"]) / (out - 1)
        runs.append({
            "id": e["id"], "source": "vllm-0.15.1", "group": e["group"], "model": e["model"],
            "tp": e["tp"], "mbt": e["mbt"], "gpu_mem": e["gpu_mem"],
            "max_num_seqs": e.get("max_num_seqs", MAX_NUM_SEQS),
            "total_kv_blocks": e.get("total_kv_blocks"), "max_len": MAX_MODEL_LEN,
            "workload": e["workload"], "kind": "shared_prefix",
            "groups": groups, "users": users, "sys": w["sys"], "q": w["q"],
            "overhead": ex["prompt_overhead_tokens"][e["workload"]],
            "prompt": w["sys"] + w["q"] + ex["prompt_overhead_tokens"][e["workload"]], "out": out,
            "stages": [(float(r), float(d)) for r, d in w["stages"]],
            "measured": measured, "published_itl_mean": e["actual"].get("itl_mean"),
            "stage_measured": stage_measured,
            "split": split_of(e["model"]),
            # vLLM turned async scheduling on by default in late 2025 (vllm-project/vllm#27614,
            # listed done in the async-scheduling plan, issue #27679), so the 0.15.1 server (Feb 2026)
            # ran the AsyncScheduler (no spec decoding, no pipeline parallelism here).
            "async": True,
        })
    return runs, skipped


# vLLM 0.11's `vllm serve` defaults on an H100 (EngineArgs for the OpenAI server on a GPU with
# >= 70 GiB that is not an A100): max_num_batched_tokens 8192, max_num_seqs 1024; max_model_len
# = the model's max_position_embeddings; gpu_memory_utilization 0.9; block size 16.
GS_MBT = 8192
GS_MAX_NUM_SEQS = 1024
# ... and on an A100 (the device-name check of the same function): 2048 and 256.
GS_MBT_A100 = 2048
GS_MAX_NUM_SEQS_A100 = 256

# ShareGPT points: only totals / means are published, so each is rebuilt with fixed mean lengths.
GS_SHAREGPT = {
    "qwen3-14b-sharegpt": {"prompt": 217, "out": 202, "concurrency": None},   # 217,393 / 201,648 tokens over 1000
    "qwen3-8b-sharegpt-c4": {"prompt": 241, "out": 221, "concurrency": 4},
    "a100-qwen3-14b-sharegpt": {"prompt": 217, "out": 202, "concurrency": None},   # 217,393 / 201,605
    "a100-qwen3-32b-sharegpt": {"prompt": 217, "out": 201, "concurrency": None,    # 217,393 / 201,396
                                "max_len": 32768},                                  # --max-model-len 32768
}


def gpustack_runs() -> tuple[list[dict], list[dict]]:
    runs, skipped = [], []
    for name, source, preset in GS_FILES:
        r, s = gpustack_file_runs(DATA / name, source, preset)
        runs += r
        skipped += s
    return runs, skipped


def gpustack_file_runs(src: Path, source: str, preset: str) -> tuple[list[dict], list[dict]]:
    runs, skipped = [], []
    for p in json.loads(src.read_text())["points"]:
        approx = []
        if p["prompt_tokens"] is not None:
            prompt, out, conc = p["prompt_tokens"], p["output_tokens"], None
        elif p["id"] in GS_SHAREGPT:
            g = GS_SHAREGPT[p["id"]]
            prompt, out, conc = g["prompt"], g["out"], g["concurrency"]
            approx.append("ShareGPT lengths replaced by their published means")
        else:
            skipped.append({"id": p["id"], "model": p["model"], "workload": p["workload"],
                            "reason": "no lengths published"})
            continue
        m = p["measured"]
        runs.append({
            "id": p["id"], "source": source, "gpu_preset": preset, "group": "gpustack", "model": p["model"],
            "tp": p["tp"], "mbt": GS_MBT_A100 if "a100" in preset else GS_MBT, "gpu_mem": 0.9,
            "max_num_seqs": GS_MAX_NUM_SEQS_A100 if "a100" in preset else GS_MAX_NUM_SEQS,
            "total_kv_blocks": None,
            "max_len": GS_SHAREGPT.get(p["id"], {}).get("max_len")
                       or model_config(p["model"])["max_position_embeddings"],
            "workload": "sharegpt" if "sharegpt" in p["id"] else "random",
            "kind": "closed_loop" if conc else "burst", "concurrency": conc,
            "requests": p["requests"], "prompt": prompt, "out": out,
            "measured": {"ttft_mean": m["mean_ttft_ms"], "ttft_median": m["median_ttft_ms"],
                         "tpot_mean": m["mean_tpot_ms"], "itl_mean": m["mean_itl_ms"],
                         "req_tput": m["request_throughput"]},
            "approximations": approx,
            "split": "validate",   # nothing is fitted on GPUStack's runs
            "async": False,   # opt-in (--async-scheduling) in vLLM 0.11
        })
    return runs, skipped


# ---------------------------------------------------------------------------------------------
# Workload rebuild (inference-perf shared_prefix + constant load timer)

def arrivals(stages: list[tuple[float, float]], rng: random.Random, limit: float | None) -> list[float]:
    """Per stage n = int(rate x duration) exponential gaps scaled to sum to the duration;
    stages follow each other."""
    times, start = [], 0.0
    for rate, duration in stages:
        n = int(rate * duration)
        if n == 0:
            start += duration
            continue
        gaps = [rng.expovariate(rate) for _ in range(n)]
        scale = duration / sum(gaps)
        t = start
        for g in gaps:
            t += g * scale
            times.append(t)
        start += duration
    if limit is not None:
        times = [t for t in times if t <= limit]
    return times


def write_trace(run: dict, path: Path, limit: float | None) -> int:
    """Write the run's requests as a native trace; returns the number of requests.

    shared_prefix: one line per request, prompt = system + question + template overhead
    tokens; prefix hashes (16-token blocks) equal across a group for the blocks wholly inside
    its system prompt and per distinct prompt after that, so a repeat of a prompt is a full hit.
    burst: `requests` identical-length requests at t = 0 with no shared prefix."""
    with path.open("w") as f:
        if run["kind"] == "burst":
            line = json.dumps({"arrival_time": 0, "prompt_tokens": run["prompt"],
                               "output_tokens": run["out"]}, separators=(",", ":")) + "\n"
            f.write(line * run["requests"])
            return run["requests"]
        rng = random.Random(f"{SEED}:{run['id']}")
        n_prompts = run["groups"] * run["users"]
        order = list(range(n_prompts))
        rng.shuffle(order)   # inference-perf shuffles its prompts once, then cycles through them
        blocks = math.ceil(run["prompt"] / BLOCK_SIZE)
        shared_blocks = run["sys"] // BLOCK_SIZE
        hashes = [[(1 << 40) + (p // run["users"]) * 4096 + k if k < shared_blocks
                   else (2 << 40) + p * 4096 + k for k in range(blocks)] for p in range(n_prompts)]
        times = arrivals(run["stages"], rng, limit)
        for i, t in enumerate(times):
            f.write(json.dumps({"arrival_time": round(t, 6), "prompt_tokens": run["prompt"],
                                "output_tokens": run["out"], "prefix_hashes": hashes[order[i % n_prompts]]},
                               separators=(",", ":")) + "\n")
        return len(times)


# The shipped engine profile of each source's vLLM version (configs/engines/vllm-<version>.toml).
ENGINE_VERSIONS = {"vllm-0.15.1": "0.15.1", "gpustack-vllm-0.11": "0.11.0", "gpustack-a100-vllm-0.11": "0.11.0"}
ENGINE_KEYS = ("api_request_seconds", "api_prompt_token_seconds", "api_output_token_seconds",
               "step_seconds", "step_request_seconds", "step_token_seconds", "gpu_time_scale")


def version_async_default(version: str) -> bool:
    """vLLM's async_scheduling default for `version` (the simulator's rule, VLLMDefaults):
    on from 0.12.0, off before."""
    parts = []
    for piece in version.split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return len(parts) < 2 or tuple(parts[:2]) >= (0, 12)


def engine_version(run: dict, engine: str) -> str | None:
    """The [engine] vllm_version for a run: `auto` picks the source's version when its profile is
    shipped; `none` gives no [engine] table; anything else is the version itself."""
    if engine == "none":
        return None
    if engine == "auto":
        v = ENGINE_VERSIONS.get(run["source"])
        return v if v and (REPO / "configs" / "engines" / f"vllm-{v}.toml").is_file() else None
    return engine.removeprefix("vllm-")


def config_toml(run: dict, trace: Path | None, compute: str, engine: str = "auto",
                engine_values: dict | None = None) -> str:
    """The run's config, written as a user would: the GPU preset, TP and memory utilisation, the
    model's numbers, the scheduler values vLLM ran with, the trace, the step-time model and the
    vLLM version, and nothing else about speed. vLLM's own defaults (block size 16, chunked
    prefill and prefix caching on, FCFS, async scheduling by version) are the simulator's too,
    so they are written only where they differ. The KV pool is derived from memory unless
    --kv-blocks measured gives vLLM's logged block count."""
    version = engine_version(run, engine)
    lines = [
        f"# generated by tools/validate/validate.py for run {run['id']} ({run['model']}, {run['workload']})",
        "[hardware]",
        f'preset = "{run.get("gpu_preset", "h100-sxm")}"',
        f"tensor_parallel_size = {run['tp']}",
        f"gpu_memory_utilization = {run['gpu_mem']}",
        "",
        model_table(run["model"], run["max_len"]),
        "[scheduler]",
        f"max_num_batched_tokens = {run['mbt']}",
        f"max_num_seqs = {run['max_num_seqs']}",
    ]
    default_async = version is not None and version_async_default(version)
    if run["async"] != default_async:
        lines.append(f"async_scheduling = {'true' if run['async'] else 'false'}")
    if run["total_kv_blocks"] and KV_BLOCKS == "measured":
        lines.append(f"num_gpu_blocks_override = {run['total_kv_blocks']}")
    lines += ["", "[workload]"]
    if run["kind"] == "closed_loop":
        lines += [
            'arrival_pattern = "closed_loop"',
            "arrival_rate = 1.0",
            f"num_concurrent_users = {run['concurrency']}",
            f"num_requests = {run['requests']}",
            f"seed = {SEED}",
            "",
            "[workload.input_len_dist]",
            'type = "fixed"',
            f"value = {run['prompt']}",
            "",
            "[workload.output_len_dist]",
            'type = "fixed"',
            f"value = {run['out']}",
        ]
    else:
        lines += [
            'arrival_pattern = "trace"',
            f"trace_path = {json.dumps(str(trace))}",
            f"seed = {SEED}",
        ]
    lines += ["", "[compute]"]
    if compute == "roofline":
        lines.append('model = "roofline"')
    else:
        lines.append('model = "calibrated"' if CALIBRATION_PRESET is None else f'preset = "{CALIBRATION_PRESET}"')
    if version is not None or engine_values:
        lines += ["", "[engine]"]
        if version is not None:
            lines.append(f'vllm_version = "{version}"')
        for k, v in (engine_values or {}).items():
            lines.append(f"{k} = {float(v)!r}")
    return "\n".join(lines) + "\n"


def simulate(binary: str, config: Path, events: Path | None = None) -> dict:
    cmd = [binary, "--config", str(config), "--json", "--quiet"]
    if events is not None:
        cmd += ["--events", str(events)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise HarnessError(f"{binary} --config {config} failed with status {p.returncode}: "
                           f"{p.stderr.strip()[-2000:]}")
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError as e:
        raise HarnessError(f"{config}: the simulator's --json output is not JSON: {e}")


STAGE_METRICS = [m for m in METRICS if m[0] != "req_tput"]


def percentile(xs: list[float], q: float) -> float:
    """numpy's default (linear) percentile, as inference-perf reports them."""
    xs = sorted(xs)
    pos = (len(xs) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def stage_predictions(analyze: str, events: Path, run: dict) -> dict:
    """Per-stage TTFT/E2E/ITL from the simulator's per-request export, requests assigned to the
    stage their arrival falls in (inference-perf groups requests by the stage that sent them)."""
    csv_path = events.with_suffix(".requests.csv")
    p = subprocess.run([analyze, "export", str(events), "--requests", str(csv_path)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise HarnessError(f"{analyze} export {events} failed with status {p.returncode}: {p.stderr.strip()[-2000:]}")
    bounds, t = [], 0.0
    for _, d in run["stages"]:
        bounds.append((t, t + d))
        t += d
    per = {i: ([], []) for i in range(len(bounds))}
    with csv_path.open() as f:
        for row in csv.DictReader(f):
            if row["status"] != "finished":
                continue
            a = float(row["arrival"])
            for i, (b0, b1) in enumerate(bounds):
                if b0 < a <= b1 or (i == 0 and a == 0):
                    per[i][0].append(float(row["ttft_ms"]))
                    per[i][1].append(float(row["e2e_ms"]))
                    break
    csv_path.unlink()
    out = {}
    for i, (ttft, e2e) in per.items():
        if not ttft:
            continue
        m = {"ttft_mean": statistics.fmean(ttft), "ttft_p90": percentile(ttft, 90), "ttft_p99": percentile(ttft, 99),
             "e2e_mean": statistics.fmean(e2e), "e2e_p90": percentile(e2e, 90), "e2e_p99": percentile(e2e, 99)}
        m["itl"] = (m["e2e_mean"] - m["ttft_mean"]) / (run["out"] - 1)
        out[i] = m
    return out


def predicted_metrics(s: dict, out: int) -> dict:
    return {
        "ttft_mean": s["mean_ttft_ms"],
        "ttft_median": s["median_ttft_ms"],
        "ttft_p90": s["p90_ttft_ms"],
        "ttft_p99": s["p99_ttft_ms"],
        "e2e_mean": s["mean_e2el_ms"],
        "e2e_p90": s["p90_e2el_ms"],
        "e2e_p99": s["p99_e2el_ms"],
        "itl": (s["mean_e2el_ms"] - s["mean_ttft_ms"]) / (out - 1),
        "tpot_mean": s["mean_tpot_ms"],
        "itl_mean": s["mean_itl_ms"],
        "req_tput": s["request_throughput"],
    }


# ---------------------------------------------------------------------------------------------
# Report

def rel(pred: float | None, meas: float | None) -> float | None:
    if meas is None or pred is None or meas == 0:
        return None
    return pred / meas - 1.0


def fmt_err(e: float | None) -> str:
    return "—" if e is None else f"{e * 100:+.0f} %"


def fmt_med(m: float | None) -> str:
    return "—" if m is None else f"{m * 100:.0f} %"


def fmt_val(v: float | None) -> str:
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def medians(results: list[dict], compute: str, metrics: list, split: str | None = None) -> dict:
    out = {}
    for key, _, _ in metrics:
        errs = [abs(r["errors"][compute][key]) for r in results
                if (split is None or r["split"] == split)
                and r["errors"].get(compute, {}).get(key) is not None]
        out[key] = (statistics.median(errs) if errs else None, len(errs))
    return out


def stage_tables(results: list[dict], computes: list[str]) -> list[str]:
    """Markdown: errors per load stage of the multi-stage runs, and the median |error| per stage
    index (stage 0 is the lighter load, stage 1 the heavier)."""
    rs = [r for r in results if r.get("stage_errors")]
    if not rs:
        return []
    lines = ["## Per load stage (vllm-0.15.1 runs with two load stages)\n",
             "Each stage's requests are those that arrived during it, as inference-perf groups them. "
             "Stage 0 is the lighter load, stage 1 the heavier (rates in req/s). Signed relative error.\n"]
    for compute in computes:
        lines.append(f"### `{compute}` step-time model, per stage\n")
        lines.append("| run | model | stage (rate) |" + "".join(f" {label} |" for _, label, _ in STAGE_METRICS))
        lines.append("|---|---|---|" + "---|" * len(STAGE_METRICS))
        by_stage: dict = {}
        for r in rs:
            errs = r["stage_errors"].get(compute, {})
            for i in sorted(errs):
                e = errs[i]
                rate = r["stages"][int(i)][0]
                lines.append(f"| {r['id']} | {r['model'].split('/')[-1]} | {i} ({rate:g}) |"
                             + "".join(f" {fmt_err(e.get(k))} |" for k, _, _ in STAGE_METRICS))
                for k, _, _ in STAGE_METRICS:
                    if e.get(k) is not None:
                        by_stage.setdefault((int(i), k), []).append(abs(e[k]))
        for i in sorted({i for i, _ in by_stage}):
            lines.append(f"| **median \\|error\\|, stage {i}** | | |" + "".join(
                f" **{fmt_med(statistics.median(by_stage[(i, k)]) if (i, k) in by_stage else None)}** |"
                for k, _, _ in STAGE_METRICS))
        lines.append("")
    return lines


def split_groups(show_split: bool) -> list:
    return [("all", None)] + ([("fit", "fit"), ("validate", "validate")] if show_split else [])


REGENERATE = ("swift build -c release --scratch-path .build-release && python3 tools/validate/validate.py "
              "--bin .build-release/release/inference-lab --split --stages --markdown > docs/validation-results.md")

READING = """\
### Reading the results

This page is regenerated; the interpretation (what the engine profile says, why the GPUStack
runs are far off, the known gaps) is in [fidelity.md](fidelity.md#against-real-vllm-serving),
with the leave-one-model-out check of the engine profile.

- **`calibrated` + the engine profile** is the project's prediction: the config names the
  catalog GPU, `[compute] model = "calibrated"` (the GPU's own profile) and, for the vLLM 0.15.1
  runs, `[engine] vllm_version = "0.15.1"`.
- **`roofline`** assumes datasheet peaks and is optimistic on every run; the engine profile was
  fitted with `calibrated` and is not meant to rescue it.
- **Throughput** of the vLLM 0.15.1 runs is set by the arrival rate (open loop, not saturated), so
  its near-zero error says little; it flags runs the simulator cannot keep up with (an
  overload that did not happen would show as a large negative throughput error).
- **GPUStack (vLLM 0.11)** rows use no engine profile (none is shipped for 0.11) and were never
  used in any fit: they are checks, reported as measured.
"""

NOTES = """\
## How the comparison is made

- **Measured:** real vLLM serving, aggregates at the client, from `tools/validate/data/`
  (origins in `tools/validate/data/SOURCES.md`): vLLM 0.15.1 on H100 SXM 80 GB (13 runs), and
  GPUStack's vLLM 0.11 results on an H100 (6) and an A100 80 GB (10). Each simulation's config
  is what a user would write: the catalog GPU preset with the run's TP and memory utilisation,
  the model's numbers, the run's token budget and sequence limit, the trace, and for
  `calibrated` only `model = "calibrated"` (the GPU's own profile). The vLLM 0.15.1 runs add
  `[engine] vllm_version = "0.15.1"`: the engine profile `configs/engines/vllm-0.15.1.toml`,
  which `tools/validate/fit_engine.py` fitted on the **fit** runs only (with `calibrated`);
  the **validate** runs were never used in that fit. GPUStack's points run without an engine
  profile and were never fitted on.
- **Workloads** are rebuilt as inference-perf generated them (see `tools/validate/README.md`):
  shared-prefix prompts in a fixed shuffled cyclic order with prefix hashes, exact output
  lengths (`ignore_eos`), "constant" arrivals (exponential gaps scaled to each stage's duration),
  seed 42. The GPUStack points are `vllm bench serve` runs: all requests at t = 0 (random
  dataset: exact lengths; ShareGPT: the published mean lengths, an approximation), the 8B point
  as a closed loop of 4 users.
- **Engine settings:** the run's TP, `max_num_batched_tokens`, `max_num_seqs` (128; GPUStack:
  vLLM 0.11's defaults, 1024 and 8192 on an H100, 256 and 2048 on an A100), block size, prefix
  caching and chunked prefill at vLLM's defaults (16, on, on), `max_model_len` 4096 (GPUStack:
  the model's), the KV pool derived from memory as vLLM derives it (within 1.5 % of the blocks
  vLLM logged; `--kv-blocks measured` uses the logged counts), async scheduling by version (on
  for 0.15.1, off for 0.11). `--async-scheduling off` shows how much of the TTFT gap that
  setting accounts for.
- **ITL** (vLLM 0.15.1 runs) is (E2E mean − TTFT mean) / (output tokens − 1) on both sides,
  with the output length the server generated. The published `itl_mean` divides by the client's
  re-tokenised output count, which is 15–20 % short for the Llama-2-7B runs (e.g. 209 of 248).
- **Error** = predicted / measured − 1: negative means the simulator predicts less time (is
  optimistic); for throughput, negative means it predicts less.
- **Split:** a vLLM 0.15.1 model's runs are all `validate` when sha256(model id) mod 3 = 0
  (first 32 bits), else `fit`: Yi-34B and CodeLlama-34B are held out. The engine profile was
  fitted on the fit side only; the validate medians judge it on models it never saw. Every
  GPUStack run is `validate`: nothing was fitted on them.
"""


def observations(results: list[dict], computes: list[str]) -> list[str]:
    """Plain statements of what the tables show, computed from them."""
    lines = []
    for source, metrics in SOURCES.items():
        rs = [r for r in results if r["source"] == source]
        if not rs:
            continue
        lines.append(f"**{source}**: median signed error, and in how many runs the prediction is "
                     f"below the measurement\n")
        lines.append("| step-time model |" + "".join(f" {label} |" for _, label, _ in metrics))
        lines.append("|---|" + "---|" * len(metrics))
        for compute in computes:
            cells = []
            for k, _, _ in metrics:
                errs = [r["errors"][compute][k] for r in rs
                        if r["errors"].get(compute, {}).get(k) is not None]
                if not errs:
                    cells.append("—")
                    continue
                under = sum(1 for e in errs if e < 0)
                cells.append(f"{statistics.median(errs) * 100:+.0f} % ({under}/{len(errs)} below)")
            lines.append(f"| `{compute}` |" + "".join(f" {c} |" for c in cells))
        lines.append("")
        for compute in computes:
            for r in rs:
                e = r["errors"].get(compute, {})
                big = [(label, e[k]) for k, label, _ in metrics if e.get(k) is not None and abs(e[k]) > 1.0]
                if big:
                    lines.append(f"- Outlier, `{compute}` on {r['id']} ({r['model'].split('/')[-1]}, "
                                 f"{r['workload']}): " + ", ".join(f"{lab} {fmt_err(v)}" for lab, v in big)
                                 + (" — the simulated server falls behind the arrivals (predicted "
                                    "throughput below measured), so requests queue for the rest of the run"
                                    if (e.get("req_tput") or 0) < -0.05 else ""))
        lines.append("")
    return lines


def markdown(results: list[dict], computes: list[str], skipped: list[dict], show_split: bool) -> str:
    lines = ["# Validation against real vLLM measurements", "",
             "Generated by `tools/validate/validate.py`; do not edit by hand. Regenerate with:", "",
             "```sh", REGENERATE, "```", ""]
    lines.append("## Median |error| per metric\n")
    for source, metrics in SOURCES.items():
        rs = [r for r in results if r["source"] == source]
        if not rs:
            continue
        lines.append(f"**{source}** ({len(rs)} runs)\n")
        lines.append("| step-time model |" + "".join(f" {label} |" for _, label, _ in metrics))
        lines.append("|---|" + "---|" * len(metrics))
        for compute in computes:
            med = medians(rs, compute, metrics)
            lines.append(f"| `{compute}` |" + "".join(f" {fmt_med(med[k][0])} |" for k, _, _ in metrics))
        lines.append("")
    lines.append("## What it shows\n")
    lines += observations(results, computes)
    lines.append(READING)
    lines.append(NOTES)
    for source, metrics in SOURCES.items():
        rs = [r for r in results if r["source"] == source]
        if not rs:
            continue
        lines.append(f"## Source: {source}\n")
        for compute in computes:
            lines.append(f"### `{compute}` step-time model\n")
            lines.append("Signed relative error, predicted / measured − 1.\n")
            head = "| run | model | TP | MBT | workload |" + (" split |" if show_split else "")
            head += "".join(f" {label} |" for _, label, _ in metrics)
            lines.append(head)
            lines.append("|" + "---|" * (5 + (1 if show_split else 0) + len(metrics)))
            for r in rs:
                e = r["errors"].get(compute)
                if e is None:
                    continue
                row = f"| {r['id']} | {r['model'].split('/')[-1]} | {r['tp']} | {r['mbt']} | {r['workload']} |"
                if show_split:
                    row += f" {r['split']} |"
                row += "".join(f" {fmt_err(e.get(k))} |" for k, _, _ in metrics)
                lines.append(row)
            for name, sp in split_groups(show_split):
                med = medians(rs, compute, metrics, sp)
                row = f"| **median \\|error\\|, {name}** | | | | |" + (" |" if show_split else "")
                row += "".join(f" **{fmt_med(med[k][0])}** (n={med[k][1]}) |" for k, _, _ in metrics)
                lines.append(row)
            lines.append("")
        lines.append(f"### Predicted and measured values ({source})\n")
        lines.append("| run | metric | measured |" + "".join(f" {c} |" for c in computes))
        lines.append("|" + "---|" * (3 + len(computes)))
        for r in rs:
            for k, label, unit in metrics:
                mv = r["measured"].get(k)
                if mv is None:
                    continue
                row = f"| {r['id']} | {label} ({unit}) | {fmt_val(mv)} |"
                row += "".join(f" {fmt_val(r['predicted'].get(c, {}).get(k))} |" for c in computes)
                lines.append(row)
        lines.append("")
        notes = [f"- {r['id']}: {'; '.join(r['approximations'])}" for r in rs if r.get("approximations")]
        sim_notes = []
        for r in rs:
            for c in computes:
                sim = r["simulator"].get(c)
                if sim and (sim["preemptions"] or sim["rejected"]):
                    sim_notes.append(f"- {r['id']} (`{c}`): {sim['preemptions']} preemptions, "
                                     f"{sim['rejected']} rejected in the simulation")
        if notes or sim_notes:
            lines.append(f"Notes ({source}):\n")
            lines += notes + sim_notes
            lines.append("")
    lines += stage_tables(results, computes)
    if skipped:
        lines.append("## Runs not simulated\n")
        lines.append("| run | model | workload | reason |")
        lines.append("|---|---|---|---|")
        for s in skipped:
            lines.append(f"| {s['id']} | {s['model']} | {s['workload']} | {s['reason']} |")
        lines.append("")
    return "\n".join(lines)


def text_table(results: list[dict], computes: list[str], skipped: list[dict], show_split: bool) -> str:
    lines = []
    for source, metrics in SOURCES.items():
        rs = [r for r in results if r["source"] == source]
        if not rs:
            continue
        for compute in computes:
            lines.append(f"[{source}, {compute}] signed relative error, predicted/measured - 1")
            head = f"{'run':<22} {'model':<28} {'workload':<15}" + (f" {'split':<8}" if show_split else "")
            head += "".join(f" {label:>11}" for _, label, _ in metrics)
            lines.append(head)
            for r in rs:
                e = r["errors"].get(compute)
                if e is None:
                    continue
                row = f"{r['id']:<22} {r['model'].split('/')[-1]:<28} {r['workload']:<15}"
                if show_split:
                    row += f" {r['split']:<8}"
                row += "".join(f" {fmt_err(e.get(k)):>11}" for k, _, _ in metrics)
                lines.append(row)
            for name, sp in split_groups(show_split):
                med = medians(rs, compute, metrics, sp)
                row = f"{'median |err| ' + name:<67}" + (" " * 9 if show_split else "")
                row += "".join(f" {fmt_med(med[k][0]):>11}" for k, _, _ in metrics)
                lines.append(row)
            lines.append("")
    for s in skipped:
        lines.append(f"skipped {s['id']} ({s['model']}, {s['workload']}): {s['reason']}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=".build/debug/inference-lab", help="the inference-lab executable")
    ap.add_argument("--compute", choices=["roofline", "calibrated", "both"], default="both",
                    help="step-time model (default: both)")
    ap.add_argument("--source", choices=["vllm", "gpustack", "all"], default="all",
                    help="vllm: the vLLM 0.15.1 inference-perf runs; gpustack: GPUStack's vLLM 0.11 results")
    ap.add_argument("--async-scheduling", choices=["auto", "on", "off"], default="auto",
                    help="auto: as the measured server ran (on for vLLM 0.15.1, off for 0.11)")
    ap.add_argument("--engine", default="auto", metavar="auto|none|VERSION",
                    help="[engine] vllm_version: auto (default) = the source's vLLM version where a profile "
                         "is shipped (configs/engines), none = no engine overheads, or a version like 0.15.1")
    ap.add_argument("--engine-set", metavar="KEY=VALUE,...",
                    help="[engine] cost keys to set on top of the profile (seconds), e.g. step_seconds=0.002")
    ap.add_argument("--runs", type=int, help="only the first N runs")
    ap.add_argument("--only", help="comma-separated run ids")
    ap.add_argument("--smoke", action="store_true",
                    help=f"CI: runs {', '.join(SMOKE_RUNS)}, first {SMOKE_SECONDS:.0f} s of arrivals")
    ap.add_argument("--stages", action="store_true",
                    help="also compare each load stage of the multi-stage runs (needs inference-lab-analyze)")
    ap.add_argument("--analyze", metavar="PATH",
                    help="the inference-lab-analyze executable (default: beside --bin)")
    ap.add_argument("--split", action="store_true", help="mark runs fit/validate and give medians per side")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    ap.add_argument("--json", metavar="OUT", help="write machine-readable results to OUT")
    ap.add_argument("--profile", default=None,
                    help="calibration profile of the calibrated runs (default: none named, so `model = \"calibrated\"` "
                         "picks the GPU's own profile, as a user's config does)")
    ap.add_argument("--kv-blocks", choices=["derived", "measured"], default="derived",
                    help="KV pool: derived from memory as vLLM does (default, what a user's config gives) or "
                         "the block count vLLM logged (num_gpu_blocks_override), where known")
    ap.add_argument("--keep", metavar="DIR", help="keep traces and configs in DIR (default: a temp dir, removed)")
    args = ap.parse_args()
    globals()["CALIBRATION_PRESET"] = args.profile
    globals()["KV_BLOCKS"] = args.kv_blocks

    binary = args.bin
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"validate.py: no executable at {binary} (build it with `swift build` and pass --bin)",
              file=sys.stderr)
        return 2
    computes = ["roofline", "calibrated"] if args.compute == "both" else [args.compute]
    engine_values = {}
    for item in (args.engine_set or "").split(","):
        if not item.strip():
            continue
        key, _, value = item.partition("=")
        if key.strip() not in ENGINE_KEYS:
            print(f"validate.py: --engine-set: unknown key {key.strip()!r} (one of {', '.join(ENGINE_KEYS)})",
                  file=sys.stderr)
            return 2
        try:
            engine_values[key.strip()] = float(value)
        except ValueError:
            print(f"validate.py: --engine-set {key.strip()}: not a number: {value!r}", file=sys.stderr)
            return 2
    analyze = args.analyze or str(Path(binary).with_name("inference-lab-analyze"))
    if args.stages and not (os.path.isfile(analyze) and os.access(analyze, os.X_OK)):
        print(f"validate.py: --stages needs inference-lab-analyze; none at {analyze} (pass --analyze)",
              file=sys.stderr)
        return 2

    try:
        runs, skipped = [], []
        if args.source in ("vllm", "all") or args.smoke:
            r, s = load_runs()
            runs += r
            skipped += s
        if args.source in ("gpustack", "all") and not args.smoke:
            r, s = gpustack_runs()
            runs += r
            skipped += s
    except (HarnessError, OSError, KeyError, ValueError) as e:
        print(f"validate.py: reading tools/validate/data: {e}", file=sys.stderr)
        return 2
    if args.async_scheduling != "auto":
        for r in runs:
            r["async"] = args.async_scheduling == "on"
    limit = None
    if args.smoke:
        runs = [r for r in runs if r["id"] in SMOKE_RUNS]
        limit = SMOKE_SECONDS
    if args.only:
        want = set(args.only.split(","))
        runs = [r for r in runs if r["id"] in want]
    if args.runs is not None:
        runs = runs[: args.runs]
    if not runs:
        print("validate.py: no runs selected", file=sys.stderr)
        return 2

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="inference-lab-validate-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    status = 0
    try:
        for run in runs:
            trace = None
            if run["kind"] == "closed_loop":
                n = run["requests"]
            else:
                trace = work / f"{run['id']}.trace.jsonl"
                n = write_trace(run, trace, limit)
            entry_engine = engine_version(run, args.engine)
            keys = ("id", "source", "group", "model", "tp", "mbt", "gpu_mem", "max_num_seqs", "async",
                    "total_kv_blocks", "max_len", "workload", "kind", "groups", "users", "concurrency",
                    "prompt", "out", "split", "measured", "published_itl_mean", "approximations")
            entry = {k: run[k] for k in keys if k in run}
            entry.update({"requests": n, "predicted": {}, "errors": {}, "simulator": {},
                          "engine": entry_engine, "engine_set": engine_values})
            want_stages = args.stages and bool(run.get("stage_measured")) and limit is None
            if want_stages:
                entry.update({"stage_measured": run["stage_measured"], "stage_predicted": {}, "stage_errors": {},
                              "stages": run["stages"]})
            if limit is not None:
                entry["truncated_to_s"] = limit
            for compute in computes:
                cfg = work / f"{run['id']}.{compute}.toml"
                cfg.write_text(config_toml(run, trace, compute, args.engine, engine_values))
                t0 = time.monotonic()
                events = work / f"{run['id']}.{compute}.events.jsonl.gz" if want_stages else None
                try:
                    s = simulate(binary, cfg, events)
                    if events is not None:
                        sp = stage_predictions(analyze, events, run)
                        events.unlink()
                        entry["stage_predicted"][compute] = sp
                        entry["stage_errors"][compute] = {
                            i: {k: rel(sp.get(i, {}).get(k), v) for k, v in mv.items()}
                            for i, mv in run["stage_measured"].items()}
                except HarnessError as e:
                    print(f"validate.py: run {run['id']} ({compute}): {e}", file=sys.stderr)
                    status = 1
                    continue
                wall = time.monotonic() - t0
                pred = predicted_metrics(s, run["out"])
                entry["predicted"][compute] = pred
                entry["errors"][compute] = {k: rel(pred.get(k), v) for k, v in run["measured"].items()}
                entry["simulator"][compute] = {
                    "completed": s["completed"], "rejected": s["rejected"], "preemptions": s["preemptions"],
                    "prefix_cache_hit_rate": s["prefix_cache_hit_rate"], "steps": s["steps"],
                    "peak_kv_cache_util": s["peak_kv_cache_util"], "wall_s": round(wall, 2)}
                if s["rejected"]:
                    print(f"validate.py: run {run['id']} ({compute}): {s['rejected']} requests rejected",
                          file=sys.stderr)
                print(f"  {run['id']:<22} {compute:<10} {n:>6} requests, {s['steps']} steps, "
                      f"hit rate {s['prefix_cache_hit_rate']:.3f}, {s['preemptions']} preemptions, "
                      f"{wall:.1f} s", file=sys.stderr)
            results.append(entry)
    finally:
        if not args.keep:
            for p in work.iterdir():
                p.unlink()
            work.rmdir()

    if args.markdown:
        print(markdown(results, computes, skipped, args.split))
    else:
        print(text_table(results, computes, skipped, args.split))
    if args.json:
        summary = {src: {c: {k: v[0] for k, v in medians([r for r in results if r["source"] == src],
                                                           c, metrics).items()} for c in computes}
                   for src, metrics in SOURCES.items()}
        Path(args.json).write_text(json.dumps({
            "computes": computes, "smoke": args.smoke, "split_rule": split_of.__doc__.strip(),
            "median_abs_error": summary, "runs": results, "skipped": skipped}, indent=1) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
