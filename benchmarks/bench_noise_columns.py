"""Uninformative columns: the defaults with and without the scaling layer.

Generated tables whose target depends on 5 columns (``sin(2 x0) + x1 x2 +
|x3| - x4``, plus noise; binary classification: above its median) and
that carry 50 or 200 more columns of pure noise; 600 or 3,000 rows; three
draws. Each table, the same 3 shuffled folds for: skneural's defaults
(``scaling_layer=True``), the defaults with ``scaling_layer=False``,
HistGradientBoosting*, scikit-learn's MLP* (after a StandardScaler) and
logistic / ridge regression (the same). Accuracy or R² per table and the
mean over the draws.

Run:  python benchmarks/bench_noise_columns.py
      python benchmarks/bench_noise_columns.py --draws 1 --sizes 600x50
"""

from __future__ import annotations

import argparse
import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from _common import write
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import KFold, cross_val_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor

INFORMATIVE = 5


def table(n_rows: int, n_noise: int, draw: int) -> tuple[np.ndarray, np.ndarray]:
    """Features (informative first) and the regression target of one draw."""
    rng = np.random.default_rng(draw)
    X = rng.normal(size=(n_rows, INFORMATIVE + n_noise))
    signal = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + np.abs(X[:, 3]) - X[:, 4]
    return X, signal + 0.3 * rng.normal(size=n_rows)


def models(classification: bool) -> dict:
    """The estimators compared, by name."""
    if classification:
        net, hgb, mlp, linear = (
            NeuralClassifier,
            HistGradientBoostingClassifier(),
            MLPClassifier(),
            LogisticRegression(max_iter=1000),
        )
    else:
        net, hgb, mlp, linear = (
            NeuralRegressor,
            HistGradientBoostingRegressor(),
            MLPRegressor(),
            RidgeCV(),
        )
    return {
        "skneural": net(random_state=0),
        "skneural, no scaling layer": net(random_state=0, scaling_layer=False),
        "hgb": hgb,
        "mlp": make_pipeline(StandardScaler(), mlp),
        "linear": make_pipeline(StandardScaler(), linear),
    }


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
    folds = KFold(3, shuffle=True, random_state=0)
    rows = []
    for task in ("classification", "regression"):
        for draw in range(args.draws):
            for n_rows, n_noise in sizes:
                X, y = table(n_rows, n_noise, draw)
                if task == "classification":
                    y = (y > np.median(y)).astype(int)
                scores = {}
                for name, est in models(task == "classification").items():
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", ConvergenceWarning)
                        scores[name] = float(
                            cross_val_score(est, X, y, cv=folds).mean()
                        )
                rows.append(
                    {"task": task, "draw": draw, "rows": n_rows, "noise": n_noise}
                    | scores
                )
                shown = "  ".join(f"{k} {v:.3f}" for k, v in scores.items())
                print(f"{task:14} draw {draw} {n_rows}x{n_noise}: {shown}", flush=True)
    names = list(models(True))
    for task in ("classification", "regression"):
        part = [r for r in rows if r["task"] == task]
        means = "  ".join(f"{k} {np.mean([r[k] for r in part]):.3f}" for k in names)
        print(f"mean, {task}: {means}")
    write(args.name, {"args": vars(args), "rows": rows})


if __name__ == "__main__":
    main()
