#!/usr/bin/env python3
"""Fits the [engine] overheads of a vLLM version on the FIT runs of tools/validate.

Coordinate descent over the engine keys (costs in seconds, all >= 0, and the GPU time scale),
minimising by default how far the worst of the targeted metrics (TTFT mean, ITL, E2E mean, E2E
p99) is from its target median |relative error| across the fit runs (`--objective mean`: the
mean over metrics of the median |relative error|) (the `--split` rule of validate.py:
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
    "gpu_time_scale": 1.0,
}
# The accuracy targets (median |error|) the default objective aims at.
TARGETS = {"ttft_mean": 0.10, "itl": 0.05, "e2e_mean": 0.05, "e2e_p99": 0.10}
# The smallest value each key may take (0 unless stated): a GPU time scale must stay positive.
LOWER = {"gpu_time_scale": 0.5}
FLOOR = {
    "api_request_seconds": 2e-4,
    "api_prompt_token_seconds": 5e-8,
    "api_output_token_seconds": 1e-6,
    "step_seconds": 1e-4,
    "step_request_seconds": 1e-6,
    "step_token_seconds": 1e-8,
    "gpu_time_scale": 0.01,
}


def fit(objective, start: dict, keys: list, rounds: int, log=None) -> tuple[dict, float, dict]:
    """Coordinate descent from `start` over `keys`: each key tries +step, -step, x2 and /2 and
    keeps the first improvement; the step halves down to the key's floor."""
    values = dict(start)
    best, detail = objective(values)
    if log:
        log(f"start {best:.4f} {values}")
    for rnd in range(rounds):
        for k in keys:
            step = max(values[k], FLOOR[k])
            improved = True
            while improved:
                improved = False
                low = LOWER.get(k, 0.0)
                for cand in (values[k] + step, max(values[k] - step, low), values[k] * 2, max(values[k] / 2, low)):
                    if cand == values[k]:
                        continue
                    trial = dict(values, **{k: cand})
                    score, d = objective(trial)
                    if score < best - 1e-5:
                        best, detail, values = score, d, trial
                        improved = True
                        if log:
                            log(f"  round {rnd} {k}={cand:.6g} -> {best:.4f}")
                        break
                if not improved and step > FLOOR[k]:
                    step /= 2
                    improved = True
                    if step < FLOOR[k]:
                        break
    return values, best, detail


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
    ap.add_argument("--all-runs", action="store_true",
                    help="fit on every run, not only the FIT side of the --split rule")
    ap.add_argument("--start", metavar="TOML",
                    help="start from the [engine] values of this file (e.g. configs/engines/vllm-0.15.1.toml); "
                         "its keys outside --keys stay fixed")
    ap.add_argument("--cross-validate", action="store_true",
                    help="leave-one-model-out: for each model, choose the engine values on the runs of the "
                         "other models (a grid around --start over --keys, see --grid) and predict its runs; "
                         "prints the held-out errors per run and their medians (Markdown with --markdown)")
    ap.add_argument("--markdown", action="store_true", help="with --cross-validate: print Markdown")
    ap.add_argument("--grid", default="0.85,1,1.15",
                    help="with --cross-validate: the factors each cost key in --keys is scaled by (default 0.85,1,1.15)")
    ap.add_argument("--scale-grid", default="0.98,1,1.02",
                    help="with --cross-validate: the factors gpu_time_scale is scaled by (default 0.98,1,1.02)")
    ap.add_argument("--objective", choices=["targets", "mean"], default="targets",
                    help="targets (default): the largest ratio of a metric's median |error| to the project's "
                         "target (TTFT mean 10 %%, ITL 5 %%, E2E mean 5 %%, E2E p99 10 %%), plus a tenth of "
                         "their mean; mean: the mean over all metrics of the median |error|")
    args = ap.parse_args()

    if args.source == "vllm":
        runs, _ = v.load_runs()
        metrics = [m for m in v.SOURCES["vllm-0.15.1"]]
    else:
        runs, _ = v.gpustack_runs()
        metrics = [m for m in v.SOURCES["gpustack-vllm-0.11"]]
    exclude = set(filter(None, args.exclude.split(",")))
    runs = [r for r in runs if (args.all_runs or args.cross_validate or r["split"] == "fit")
            and r["id"] not in exclude]
    if not runs:
        print("fit_engine.py: no fit runs", file=sys.stderr)
        return 2
    keys = [k for k in args.keys.split(",") if k]
    start = {k: START[k] for k in keys}
    if args.start:
        # Every key the file gives; the ones not in --keys stay fixed at the file's values.
        start.update(read_engine_table(Path(args.start), list(START)))
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

    def predict(subset: list, values: dict) -> list:
        counter[0] += 1
        tag = counter[0]
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            return list(pool.map(lambda r: simulate(r, values, tag), subset))

    def objective_on(subset: list):
        def objective(values: dict) -> tuple[float, dict]:
            preds = predict(subset, values)
            per_metric = {}
            for m, _, _ in metrics:
                errs = [abs(v.rel(p.get(m), r["measured"].get(m))) for p, r in zip(preds, subset)
                        if v.rel(p.get(m), r["measured"].get(m)) is not None]
                if errs:
                    per_metric[m] = statistics.median(errs)
            if args.objective == "targets" and all(m in per_metric for m in TARGETS):
                # How far the worst metric is from its target, with the mean as a tie-breaker.
                ratios = [per_metric[m] / t for m, t in TARGETS.items()]
                return max(ratios) + 0.1 * statistics.fmean(ratios), per_metric
            return statistics.fmean(per_metric.values()), per_metric
        return objective

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        if args.cross_validate:
            # Grid search per fold: every run is simulated once per grid point (the start values
            # with each key in --keys scaled by each of --grid), then each fold picks the point
            # that minimises the objective on the other models' runs and predicts its own.
            factors = [float(x) for x in args.grid.split(",")]
            scale_factors = [float(x) for x in args.scale_grid.split(",")]
            grid = [dict(start)]
            for k in keys:
                fs = scale_factors if k == "gpu_time_scale" else factors
                grid = [dict(g, **{k: max(start[k] * f, LOWER.get(k, 0.0))}) for g in grid for f in fs]
            log(f"cross-validation: {len(grid)} grid points x {len(runs)} runs")
            table = []
            for i, g in enumerate(grid):
                table.append(predict(runs, g))
                log(f"  grid point {i + 1}/{len(grid)}")

            def score(point: int, subset: list) -> float:
                per_metric = {}
                for m, _, _ in metrics:
                    errs = [abs(v.rel(table[point][runs.index(r)].get(m), r["measured"].get(m))) for r in subset
                            if v.rel(table[point][runs.index(r)].get(m), r["measured"].get(m)) is not None]
                    if errs:
                        per_metric[m] = statistics.median(errs)
                if args.objective == "targets" and all(m in per_metric for m in TARGETS):
                    ratios = [per_metric[m] / t for m, t in TARGETS.items()]
                    return max(ratios) + 0.1 * statistics.fmean(ratios)
                return statistics.fmean(per_metric.values())

            held_out = []
            for model in sorted({r["model"] for r in runs}):
                train = [r for r in runs if r["model"] != model]
                best = min(range(len(grid)), key=lambda i: score(i, train))
                log(f"fold {model}: " + ", ".join(f"{k}={grid[best][k]:.4g}" for k in keys))
                for r in runs:
                    if r["model"] == model:
                        p = table[best][runs.index(r)]
                        held_out.append((r, {m: v.rel(p.get(m), r["measured"].get(m)) for m, _, _ in metrics}, grid[best]))
            print(cross_validation_report(held_out, metrics, keys, args.markdown))
            return 0
        values, best, detail = fit(objective_on(runs), start, keys, args.rounds, log)
    finally:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()
    print(f"# objective ({args.objective}) on {len(runs)} runs: {best:.4f}")
    for m, e in detail.items():
        print(f"#   {m}: {e * 100:.1f} %")
    print("[engine]")
    for k in START:
        print(f"{k} = {values.get(k, START[k] if k == 'gpu_time_scale' else 0.0):.4g}")
    return 0


def read_engine_table(path: Path, keys: list) -> dict:
    """The `key = number` lines of an [engine] table (the shipped profiles' simple layout)."""
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            k, val = (x.strip() for x in line.split("=", 1))
            if k in keys:
                out[k] = float(val)
    return out


def cross_validation_report(held_out: list, metrics: list, keys: list, markdown: bool) -> str:
    """Per-run held-out signed errors and the median |error| per metric."""
    labels = [label for _, label, _ in metrics]
    lines = []
    if markdown:
        lines.append("| run | model | workload | " + " | ".join(labels) + " |")
        lines.append("|---|---|---|" + "---|" * len(labels))
    else:
        lines.append(f"{'run':<22} {'model':<28} {'workload':<15}" + "".join(f"{l:>12}" for l in labels))
    for r, errs, _ in held_out:
        cells = [v.fmt_err(errs[m]) for m, _, _ in metrics]
        if markdown:
            lines.append(f"| {r['id']} | {r['model'].split('/')[-1]} | {r['workload']} | " + " | ".join(cells) + " |")
        else:
            lines.append(f"{r['id']:<22} {r['model'].split('/')[-1]:<28} {r['workload']:<15}"
                         + "".join(f"{c:>12}" for c in cells))
    med = []
    for m, _, _ in metrics:
        errs = [abs(e[m]) for _, e, _ in held_out if e[m] is not None]
        med.append(v.fmt_med(statistics.median(errs)) if errs else "—")
    if markdown:
        lines.append(f"| **median \\|error\\|, held out** | | | " + " | ".join(med) + " |")
    else:
        lines.append(f"{'median |err| held out':<67}" + "".join(f"{c:>12}" for c in med))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
