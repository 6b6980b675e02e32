"""Import time: ``import skneural`` vs ``import keras``, each in a fresh process.

Importing skneural imports Keras (and its backend) plus scikit-learn pieces;
the target is at most 10% over ``import keras`` alone. Each import runs in its
own interpreter ``--repeats`` times, interleaved; medians are compared.

Run:  python benchmarks/bench_import.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from _common import write

CODE = (
    "import time; t = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - t)"
)


def import_seconds(module: str) -> float:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run(
        [sys.executable, "-c", CODE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    modules = ("keras", "skneural")
    times = {m: [] for m in modules}
    for r in range(args.repeats):
        for m in modules if r % 2 == 0 else reversed(modules):
            times[m].append(import_seconds(m))
    med = {m: statistics.median(v) for m, v in times.items()}
    ratio = med["skneural"] / med["keras"]
    for m in modules:
        print(
            f"import {m:<9} median {med[m]:.2f} s  (runs: "
            + ", ".join(f"{t:.2f}" for t in times[m])
            + ")"
        )
    print(f"skneural / keras = {ratio:.3f} (target <= 1.10)")
    path = write(
        "bench_import",
        {"args": vars(args), "seconds": times, "median": med, "ratio": ratio},
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
