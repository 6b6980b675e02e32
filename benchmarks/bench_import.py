"""Import time of skneural vs ``import keras``, each in a fresh process.

``import skneural`` alone loads no Keras (the estimators are imported on
first use), so it costs about the interpreter's start-up; importing the
estimators (``from skneural import NeuralClassifier, NeuralRegressor``) loads
Keras, its backend and scikit-learn pieces: the target is at most 10% over
``import keras`` alone. Each import runs in its own interpreter
``--repeats`` times, interleaved; medians are compared.

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
    "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
)


#: What is timed: label -> the import statement.
IMPORTS = {
    "keras": "import keras",
    "skneural": "import skneural",
    "skneural estimators": "from skneural import NeuralClassifier, NeuralRegressor",
}


def import_seconds(statement: str) -> float:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run(
        [sys.executable, "-c", CODE.format(statement=statement)],
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
    labels = list(IMPORTS)
    times = {m: [] for m in labels}
    for r in range(args.repeats):
        for m in labels if r % 2 == 0 else reversed(labels):
            times[m].append(import_seconds(IMPORTS[m]))
    med = {m: statistics.median(v) for m, v in times.items()}
    ratio = med["skneural estimators"] / med["keras"]
    for m in labels:
        print(
            f"{IMPORTS[m]:<56} median {med[m]:.3f} s  (runs: "
            + ", ".join(f"{t:.2f}" for t in times[m])
            + ")"
        )
    print(f"skneural estimators / keras = {ratio:.3f} (target <= 1.10)")
    print(f"import skneural / keras = {med['skneural'] / med['keras']:.3f}")
    path = write(
        "bench_import",
        {"args": vars(args), "seconds": times, "median": med, "ratio": ratio},
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
