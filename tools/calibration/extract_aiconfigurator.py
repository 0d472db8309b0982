#!/usr/bin/env python3
"""Step times per GPU from NVIDIA aiconfigurator's kernel database, for `inference-lab calibrate`.

aiconfigurator (PyPI `aiconfigurator`, Apache-2.0) ships kernel times measured on real GPUs
(GEMMs, context and generation attention, all-reduces, element-wise ops) per backend and
version, and composes them into the step time of a model. This script asks its compiled step
engine for single forward passes, with no scheduling or serving overhead:

- prefill: `batch` prompts of `tokens` tokens on `context` cached ones (prefix), one step;
- decode: `batch` requests generating one token each on `context` cached tokens.

and writes one JSON line per step in the layout `inference-lab calibrate` reads
(docs/step-time.md): {"model", "phase", "tokens", "context", "batch", "tp", "ms",
"attention_ms"}. `model` is the inference-lab catalog model, `attention_ms` the attention
kernel's share of `ms` (for analysis; `calibrate` ignores it).

Setup (not part of the repository; do not commit the venv):

    python3 -m venv /tmp/aic-venv
    /tmp/aic-venv/bin/pip install aiconfigurator==0.12.0
    /tmp/aic-venv/bin/python tools/calibration/extract_aiconfigurator.py --out configs/calibration

It prefers the vLLM kernel database (the newest version the package has for the GPU).
Deterministic: the grid is fixed and the package's estimates are deterministic.
"""

import argparse
import json
import logging
import os
import sys

logging.disable(logging.WARNING)

# inference-lab GPU name -> aiconfigurator system
SYSTEMS = {
    "h100-sxm": "h100_sxm",
    "h200-sxm": "h200_sxm",
    "a100-sxm-80gb": "a100_sxm",
    "l40s": "l40s",
    "b200": "b200_sxm",
}

# inference-lab model -> (Hugging Face id, parameters, layers, KV heads, head_dim)
MODELS = {
    "llama-3.1-8b": ("meta-llama/Meta-Llama-3.1-8B", 8.03e9, 32, 8, 128),
    "qwen3-30b-a3b": ("Qwen/Qwen3-30B-A3B", 30.5e9, 48, 4, 128),
    "qwen3-32b": ("Qwen/Qwen3-32B", 32.8e9, 64, 8, 128),
    "llama-3.1-70b": ("meta-llama/Meta-Llama-3.1-70B", 70.6e9, 80, 8, 128),
}

TPS = {"llama-3.1-8b": [1, 2], "qwen3-30b-a3b": [1, 2], "qwen3-32b": [1, 2, 4], "llama-3.1-70b": [2, 4, 8]}

# Prefill: (prompt tokens, prompts per step, cached tokens before the chunk).
PREFILL = [(128, 1, 0), (128, 16, 0), (512, 1, 0), (512, 8, 0), (1024, 1, 0), (1024, 4, 0),
           (2048, 1, 0), (2048, 4, 0), (4096, 1, 0), (8192, 1, 0), (2048, 1, 2048), (2048, 1, 6144)]
# Decode: (requests, cached tokens per request).
DECODE = [(b, c) for b in (1, 8, 32, 128, 256) for c in (128, 1024, 4096, 8192)]

MEMORY_GIB = {"h100-sxm": 80, "h200-sxm": 141, "a100-sxm-80gb": 80, "l40s": 48, "b200": 180}


def fits(gpu, model, tp, tokens_in_cache):
    """Weights plus the KV cache of the step fit in 90 % of one GPU's memory."""
    _, params, layers, kv_heads, head_dim = MODELS[model]
    kv_share = -(-kv_heads // tp) / kv_heads
    need = params * 2 / tp + tokens_in_cache * 2 * kv_heads * head_dim * 2 * layers * kv_share
    return need <= 0.9 * MEMORY_GIB[gpu] * 2**30 - 2e9  # activations, CUDA graphs, NCCL


def build(system, hf_id, tp, moe):
    """The aiconfigurator model and database, as its `cli estimate` builds them."""
    import aiconfigurator.cli.api as api

    captured = {}
    original = api._run_static_estimate

    def wrapper(**kw):
        get_model, load_database = kw["get_model"], kw["load_database"]

        def capture_model(*a, **k):
            captured["model"] = get_model(*a, **k)
            return captured["model"]

        def capture_database(*a, **k):
            captured["database"] = load_database(*a, **k)
            return captured["database"]

        kw["get_model"], kw["load_database"] = capture_model, capture_database
        return original(**kw)

    api._run_static_estimate = wrapper
    try:
        r = api.cli_estimate(hf_id, system, mode="static", backend_name="vllm", isl=128, osl=2,
                             batch_size=1, tp_size=tp, stride=1,
                             # vLLM's default for MoE under TP: experts split by TP, no EP.
                             **({"moe_tp_size": tp, "moe_ep_size": 1} if moe else {}))
    finally:
        api._run_static_estimate = original
    return captured["model"], captured["database"], r.raw.get("version")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="configs/calibration", help="output directory")
    ap.add_argument("--gpu", action="append", help="only these inference-lab GPUs")
    args = ap.parse_args()
    from aiconfigurator_core.sdk import rust_engine_step as rs
    import aiconfigurator

    for gpu, system in SYSTEMS.items():
        if args.gpu and gpu not in args.gpu:
            continue
        lines, versions = [], set()
        for model, (hf_id, *_rest) in MODELS.items():
            for tp in TPS[model]:
                if not fits(gpu, model, tp, 0):
                    continue
                m, db, version = build(system, hf_id, tp, moe="a3b" in model)
                versions.add(version)
                ctx_ops, gen_ops = range(len(m.context_ops)), range(len(m.generation_ops))

                def emit(phase, tokens, context, batch, ops):
                    total = sum(op[1] for op in ops)
                    attn = sum(op[1] for op in ops if "attention" in op[0])
                    lines.append(json.dumps({
                        "model": model, "phase": phase, "tokens": tokens, "context": context,
                        "batch": batch, "tp": tp, "ms": round(total, 4), "attention_ms": round(attn, 4)}))

                for tokens, batch, context in PREFILL:
                    if not fits(gpu, model, tp, batch * (tokens + context)):
                        continue
                    ops = rs.evaluate_context_ops_with_rust(m, db, indices=ctx_ops, batch_size=batch,
                                                            s=tokens, prefix=context)
                    emit("prefill", tokens, context, batch, ops)
                for batch, context in DECODE:
                    if not fits(gpu, model, tp, batch * (context + 1)):
                        continue
                    # s counts the new token: the step of a request holding `context` tokens.
                    ops = rs.evaluate_generation_ops_with_rust(m, db, indices=gen_ops, batch_size=batch,
                                                               s=context + 1)
                    emit("decode", 1, context, batch, ops)
                print(f"{gpu} {model} tp{tp}: {len(lines)} lines so far", file=sys.stderr)
        path = os.path.join(args.out, f"{gpu}-vllm.jsonl")
        header = (f"# {gpu}: single-step times from aiconfigurator {aiconfigurator.__version__ if hasattr(aiconfigurator, '__version__') else '0.12.0'}"
                  f", system {system}, backend vllm {', '.join(sorted(v for v in versions if v))};"
                  f" generated by tools/calibration/extract_aiconfigurator.py")
        with open(path, "w") as f:
            f.write(header + "\n" + "\n".join(lines) + "\n")
        print(f"wrote {path}: {len(lines)} steps", file=sys.stderr)


if __name__ == "__main__":
    main()
