"""Uninformative columns: the defaults, the scales' L1 penalty, no scaling layer.

Generated tables whose target depends on 5 columns (``sin(2 x0) + x1 x2 +
|x3| - x4``, plus noise; binary classification: above its median) and
that carry 50 or 200 more columns of pure noise; 600 or 3,000 rows; three
draws. Each table goes through ``bench_tabular.py``'s own protocol (its
folds, models and scoring): skneural's defaults on the raw table
(``scaling_layer=True``), the same with ``scaling_l1=0.002`` and with
``scaling_layer=False``,
HistGradientBoosting*, scikit-learn's MLP* and logistic / ridge regression
in the standard pipeline (regression targets standardized for them).
Accuracy or R² per table and the mean over the draws.

Run:  python benchmarks/bench_noise_columns.py
      python benchmarks/bench_noise_columns.py --draws 1 --sizes 600x50
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
from _common import write
from _tables import Table
from bench_tabular import evaluate, folds

INFORMATIVE = 5
#: Column of results -> (bench_tabular's model key, skneural parameters).
MODELS = {
    "skneural": ("skneural-raw", {"random_state": 0}),
    "skneural, scaling_l1=0.002": (
        "skneural-raw",
        {"random_state": 0, "scaling_l1": 0.002},
    ),
    "skneural, no scaling layer": (
        "skneural-raw",
        {"random_state": 0, "scaling_layer": False},
    ),
    "hgb": ("hgb", {}),
    "mlp": ("mlp", {}),
    "linear": ("linear", {}),
}


def table(task: str, n_rows: int, n_noise: int, draw: int) -> Table:
    """One generated table (informative columns first), as the panel's are."""
    rng = np.random.default_rng(draw)
    values = rng.normal(size=(n_rows, INFORMATIVE + n_noise))
    X = pd.DataFrame(values, columns=[f"x{i}" for i in range(values.shape[1])])
    signal = np.sin(2 * values[:, 0]) + values[:, 1] * values[:, 2]
    signal += np.abs(values[:, 3]) - values[:, 4]
    y = signal + 0.3 * rng.normal(size=n_rows)
    if task != "regression":
        y = (y > np.median(y)).astype(int)
    name = f"{task} draw {draw} {n_rows}x{n_noise}"
    return Table(name, task, "generated", name, lambda: (X, pd.Series(y)))


def main() -> None:
    """Score every model on every table and print the means."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument(
        "--sizes", default="600x50,600x200,3000x200", help="ROWSxNOISE,..."
    )
    parser.add_argument("--name", default="bench_noise_columns")
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    rows = []
    for task in ("binary", "regression"):
        for draw in range(args.draws):
            for n_rows, n_noise in sizes:
                t = table(task, n_rows, n_noise, draw)
                X, y = t.load()
                splits = folds(t, X, y)
                scores = {
                    column: evaluate(key, t, X, y, splits, params).get("mean")
                    for column, (key, params) in MODELS.items()
                }
                rows.append(
                    {"task": task, "draw": draw, "rows": n_rows, "noise": n_noise}
                    | scores
                )
                shown = "  ".join(f"{k} {v:.3f}" for k, v in scores.items())
                print(f"{t.name}: {shown}", flush=True)
    for task in ("binary", "regression"):
        part = [r for r in rows if r["task"] == task]
        means = "  ".join(f"{k} {np.mean([r[k] for r in part]):.3f}" for k in MODELS)
        print(f"mean, {task}: {means}")
    write(args.name, {"args": vars(args), "rows": rows})


if __name__ == "__main__":
    main()
