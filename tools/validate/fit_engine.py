#!/usr/bin/env python3
"""Fits the [engine] overheads of a vLLM version on the FIT runs of tools/validate.

Coordinate descent over the engine cost keys (seconds, all >= 0), minimising the mean over
metrics of the median |relative error| across the fit runs (the `--split` rule of validate.py:
the validate runs are never simulated here). Each evaluation runs the release CLI once per fit
run, with `[compute]` as validate.py builds it (`calibrated` by default) and `[engine]` holding
only the candidate values (no profile). Prints the result as an [engine] TOML table.

    swift build -c release --scratch-path .build-release
    python3 tools/validate/fit_engine.py --bin .build-release/release/inference-lab --source vllm

Python 3 standard library only.
"""
import argparse
import concurrent.futures
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate as v  # noqa: E402

# Starting point and the smallest step of each key (seconds).
START = {
    "api_request_seconds": 0.005,
    "api_prompt_token_seconds": 1e-6,
    "api_output_token_seconds": 1e-5,
    "step_seconds": 0.002,
    "step_request_seconds": 1e-5,
    "step_token_seconds": 0.0,
}
FLOOR = {
    "api_request_seconds": 2e-4,
    "api_prompt_token_seconds": 5e-8,
    "api_output_token_seconds": 1e-6,
    "step_seconds": 1e-4,
    "step_request_seconds": 1e-6,
    "step_token_seconds": 1e-8,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=".build-release/release/inference-lab")
    ap.add_argument("--source", choices=["vllm", "gpustack"], default="vllm")
    ap.add_argument("--compute", choices=["roofline", "calibrated"], default="calibrated")
    ap.add_argument("--keys", default=",".join(k for k in START if k != "step_token_seconds"),
                    help="comma-separated engine keys to fit (the others stay 0)")
    ap.add_argument("--rounds", type=int, default=3, help="coordinate-descent rounds")
    ap.add_argument("--jobs", type=int, default=2, help="simulations in parallel")
    ap.add_argument("--exclude", default="", help="comma-separated run ids left out of the objective")
    args = ap.parse_args()

    if args.source == "vllm":
        runs, _ = v.load_runs()
        metrics = [m[0] for m in v.SOURCES["vllm-0.15.1"]]
    else:
        runs, _ = v.gpustack_runs()
        metrics = [m[0] for m in v.SOURCES["gpustack-vllm-0.11"]]
    exclude = set(filter(None, args.exclude.split(",")))
    runs = [r for r in runs if r["split"] == "fit" and r["id"] not in exclude]
    if not runs:
        print("fit_engine.py: no fit runs", file=sys.stderr)
        return 2
    keys = [k for k in args.keys.split(",") if k]
    work = Path(tempfile.mkdtemp(prefix="inference-lab-fit-"))
    traces = {}
    for r in runs:
        if r["kind"] != "closed_loop":
            traces[r["id"]] = work / f"{r['id']}.trace.jsonl"
            v.write_trace(r, traces[r["id"]], None)
    counter = [0]

    def simulate(run: dict, values: dict, tag: int) -> dict:
        cfg = work / f"{run['id']}.{tag}.toml"
        cfg.write_text(v.config_toml(run, traces.get(run["id"]), args.compute, "none", values))
        try:
            return v.predicted_metrics(v.simulate(args.bin, cfg), run["out"])
        finally:
            cfg.unlink()

    def objective(values: dict) -> tuple[float, dict]:
        counter[0] += 1
        tag = counter[0]
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            preds = list(pool.map(lambda r: simulate(r, values, tag), runs))
        per_metric = {}
        for m in metrics:
            errs = [abs(v.rel(p.get(m), r["measured"].get(m))) for p, r in zip(preds, runs)
                    if v.rel(p.get(m), r["measured"].get(m)) is not None]
            if errs:
                per_metric[m] = statistics.median(errs)
        return statistics.fmean(per_metric.values()), per_metric

    values = {k: START[k] for k in keys}
    best, detail = objective(values)
    print(f"start {best:.4f} {values}", file=sys.stderr)
    for rnd in range(args.rounds):
        for k in keys:
            step = max(values[k], FLOOR[k])
            improved = True
            while improved:
                improved = False
                for cand in (values[k] + step, max(values[k] - step, 0.0), values[k] * 2, values[k] / 2):
                    if cand == values[k]:
                        continue
                    trial = dict(values, **{k: cand})
                    score, d = objective(trial)
                    if score < best - 1e-5:
                        best, detail, values = score, d, trial
                        improved = True
                        print(f"  round {rnd} {k}={cand:.6g} -> {best:.4f}", file=sys.stderr)
                        break
                if not improved and step > FLOOR[k]:
                    step /= 2
                    improved = True
                    if step < FLOOR[k]:
                        break
    for p in work.iterdir():
        p.unlink()
    work.rmdir()
    print(f"# objective (mean over metrics of the median |error| on {len(runs)} fit runs): {best:.4f}")
    for m, e in detail.items():
        print(f"#   {m}: {e * 100:.1f} %")
    print("[engine]")
    for k in START:
        print(f"{k} = {values.get(k, 0.0):.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
