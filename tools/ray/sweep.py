#!/usr/bin/env python3
"""Runs an inference-lab sweep on a Ray cluster: each grid point is a Ray task that executes the
inference-lab binary on a worker; the table is then assembled by inference-lab itself
(`sweep --collect`), so it is byte-identical to the local `inference-lab sweep` run's.

    tools/ray/sweep.py SPEC.toml -o results.csv [--address ADDR] [--bin PATH] [--format jsonl]

The spec, its base config and its trace must be readable on every worker under the same
relative paths: submit from a directory holding them with `ray job submit --working-dir .`
(Ray ships that directory to every worker), or use a shared file system. The binary is
`--bin PATH` (relative paths resolve in the working directory, so a binary copied into it
ships with the job), else `inference-lab` on the worker's PATH. Point results already in the
results directory (default: OUTPUT.points) are not recomputed. See docs/capacity-planning.md.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import ray


def find_binary(name):
    """The binary: a path (relative to the working directory) or a name on PATH."""
    if os.sep in name:
        path = os.path.abspath(name)
        if not os.access(path, os.X_OK):
            raise RuntimeError(f"{name}: not an executable file on this node")
        return path
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not on this node's PATH (ship it with the job and pass --bin ./{name})")
    return found


@ray.remote(max_retries=3, retry_exceptions=True)
def run_point(binary, spec, point):
    """Runs grid point `point` on this worker; returns (key, stored result text)."""
    exe = find_binary(binary)
    with tempfile.TemporaryDirectory(prefix="inference-lab-point-") as scratch:
        done = subprocess.run([exe, "sweep", spec, "--point", str(point), "--results-dir", scratch],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"point {point}: inference-lab exited with {done.returncode}: {done.stderr.strip()}")
        key = done.stdout.strip()
        with open(os.path.join(scratch, key + ".point"), encoding="utf-8") as f:
            return key, f.read()


def store(directory, key, text):
    """Writes one point result atomically."""
    final = os.path.join(directory, key + ".point")
    fd, temporary = tempfile.mkstemp(prefix="." + key, dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, final)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", help="the sweep spec (TOML)")
    parser.add_argument("-o", "--output", required=True, help="the table (CSV, or JSONL with --format jsonl)")
    parser.add_argument("--format", default="csv", choices=["csv", "jsonl"])
    parser.add_argument("--address", help="the Ray cluster (default: RAY_ADDRESS, else a local Ray started here)")
    parser.add_argument("--bin", default="inference-lab", help="the inference-lab binary on the workers (default: on PATH)")
    parser.add_argument("--results-dir", help="where point results are stored (default: OUTPUT.points)")
    parser.add_argument("--num-cpus", type=int, help="CPUs of the local Ray started without --address")
    args = parser.parse_args()

    local = find_binary(args.bin)
    results = args.results_dir or args.output + ".points"
    os.makedirs(results, exist_ok=True)
    plan = subprocess.run([local, "sweep", args.spec, "--plan"], capture_output=True, text=True)
    if plan.returncode != 0:
        sys.stderr.write(plan.stderr)
        return plan.returncode
    points = [json.loads(line) for line in plan.stdout.splitlines() if line.strip()]
    missing = [p for p in points if not os.path.exists(os.path.join(results, p["key"] + ".point"))]

    if missing:
        if args.address:
            ray.init(address=args.address)
        else:
            ray.init(num_cpus=args.num_cpus)
        pending = [run_point.remote(args.bin, args.spec, p["point"]) for p in missing]
        done = 0
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            key, text = ray.get(ready[0])
            store(results, key, text)
            done += 1
            if sys.stderr.isatty():
                sys.stderr.write(f"\r  {done}/{len(missing)} points")
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        ray.shutdown()

    collect = subprocess.run([local, "sweep", args.spec, "--collect", "--results-dir", results,
                              "-o", args.output, "--format", args.format])
    return collect.returncode


if __name__ == "__main__":
    sys.exit(main())
