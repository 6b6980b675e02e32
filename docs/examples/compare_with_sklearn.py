"""Cross-validate skneural networks next to scikit-learn's MLP on real datasets.

Every model sits in a Pipeline behind a StandardScaler; regressors also scale
their target with TransformedTargetRegressor. Datasets ship with scikit-learn,
so nothing is downloaded. Prints one table of 5-fold scores and fit times.

Run:  python docs/examples/compare_with_sklearn.py [--folds 5]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier, NeuralRegressor

DATASETS = {
    "breast_cancer": (load_breast_cancer, "classification"),
    "wine": (load_wine, "classification"),
    "digits": (load_digits, "classification"),
    "diabetes": (load_diabetes, "regression"),
}


def models(task: str, seed: int, epochs: int = 200) -> dict:
    """The contenders for one task, each a full Pipeline."""
    if task == "classification":
        return {
            "skneural NeuralClassifier": make_pipeline(
                StandardScaler(),
                NeuralClassifier(
                    hidden_layer_sizes=(100,),
                    epochs=epochs,
                    early_stopping=True,
                    patience=10,
                    random_state=seed,
                ),
            ),
            "sklearn MLPClassifier": make_pipeline(
                StandardScaler(),
                MLPClassifier(early_stopping=True, max_iter=200, random_state=seed),
            ),
        }

    def scaled(reg):
        return make_pipeline(
            StandardScaler(),
            TransformedTargetRegressor(reg, transformer=StandardScaler()),
        )

    return {
        "skneural NeuralRegressor": scaled(
            NeuralRegressor(
                hidden_layer_sizes=(100,),
                epochs=epochs,
                early_stopping=True,
                patience=10,
                l2=1e-3,
                random_state=seed,
            )
        ),
        "sklearn MLPRegressor": scaled(
            MLPRegressor(early_stopping=True, max_iter=200, random_state=seed)
        ),
    }


def main(argv=None) -> list[dict]:
    """Run the comparison and print the table; return its rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=200, help="most epochs per fit")
    args = parser.parse_args(argv)

    rows = []
    header = f"{'dataset':<14} {'model':<27} {'metric':<9} {'score (mean ± std)':<20} {'fit s/fold':>10}"
    print(header)
    print("-" * len(header))
    for name, (load, task) in DATASETS.items():
        X, y = load(return_X_y=True)
        if task == "classification":
            cv = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
            metric = "accuracy"
        else:
            cv = KFold(args.folds, shuffle=True, random_state=args.seed)
            metric = "r2"
        for label, model in models(task, args.seed, args.epochs).items():
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                res = cross_validate(model, X, y, cv=cv, scoring=metric)
            wall = time.perf_counter() - start
            scores = res["test_score"]
            row = {
                "dataset": name,
                "model": label,
                "metric": metric,
                "mean": float(np.mean(scores)),
                "std": float(np.std(scores)),
                "fit_seconds": float(np.mean(res["fit_time"])),
                "wall_seconds": wall,
            }
            rows.append(row)
            score = f"{row['mean']:.3f} ± {row['std']:.3f}"
            print(
                f"{name:<14} {label:<27} {metric:<9} {score:<20} {row['fit_seconds']:>10.2f}"
            )
    return rows


if __name__ == "__main__":
    main()
