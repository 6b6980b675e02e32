"""A small grid search: skneural vs scikit-learn's MLP, same grid, same folds.

GridSearchCV over 8 candidates (hidden_layer_sizes x learning rate x L2
penalty) with 3-fold cross-validation, 5 epochs, batch 32, on 1,000 x 20
regression data. Each implementation runs ``--repeats`` times, interleaved;
the median is reported with the ratio to scikit-learn (issue 4's target:
skneural <= 5x; scikeras measured ~68x) and the number of TensorFlow retracing
warnings (target: none).

The first skneural search in a process also traces (TensorFlow) or compiles
(JAX) one training function per network structure; later searches reuse them
through the network pool. Both the first and the median are printed.

Run:  python benchmarks/bench_grid.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from _common import SAME_NETWORK, RetraceCounter, timed, write
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neural_network import MLPRegressor

from skneural import NeuralRegressor

EPOCHS = 5
BATCH = 32
GRID = {
    "hidden_layer_sizes": [(32,), (64, 32)],
    "learning_rate": [1e-3, 1e-2],
    "l2": [0.0, 1e-3],
}


def data(n=1_000, d=20, seed=0):
    X, y = make_regression(
        n_samples=n, n_features=d, n_informative=10, noise=10.0, random_state=seed
    )
    return X.astype(np.float32), ((y - y.mean()) / y.std()).astype(np.float32)


def search_skneural(X, y):
    est = NeuralRegressor(
        epochs=EPOCHS, batch_size=BATCH, random_state=0, **SAME_NETWORK
    )
    search = GridSearchCV(est, GRID, cv=KFold(3, shuffle=True, random_state=0))
    return search.fit(X, y)


def search_sklearn(X, y):
    grid = {
        "hidden_layer_sizes": GRID["hidden_layer_sizes"],
        "learning_rate_init": GRID["learning_rate"],
        # scikit-learn's alpha multiplies 0.5 * ||W||^2 / n_samples; Keras's l2
        # multiplies ||W||^2 per batch. Comparable magnitudes are enough here.
        "alpha": GRID["l2"],
    }
    mlp = MLPRegressor(
        max_iter=EPOCHS, batch_size=BATCH, tol=0.0, n_iter_no_change=EPOCHS + 1
    )
    search = GridSearchCV(mlp, grid, cv=KFold(3, shuffle=True, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return search.fit(X, y)


IMPLS = {"skneural": search_skneural, "sklearn": search_sklearn}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    counter = RetraceCounter.install()
    X, y = data()
    times = {k: [] for k in IMPLS}
    scores = {k: [] for k in IMPLS}
    for r in range(args.repeats):
        order = list(IMPLS) if r % 2 == 0 else list(reversed(IMPLS))
        for name in order:
            sec, search = timed(lambda f=IMPLS[name]: f(X, y))
            times[name].append(sec)
            scores[name].append(float(search.best_score_))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"{'implementation':<12} {'first s':>8} {'median s':>9} {'best R2':>8} "
        f"{'vs sklearn':>11}"
    )
    for name in IMPLS:
        print(
            f"{name:<12} {times[name][0]:>8.2f} {med[name]:>9.2f} "
            f"{statistics.median(scores[name]):>8.3f} "
            f"{med[name] / med['sklearn']:>11.2f}"
        )
    ratio = med["skneural"] / med["sklearn"]
    first = times["skneural"][0] / med["sklearn"]
    print(
        f"skneural / scikit-learn = {ratio:.2f} (first search {first:.2f}; "
        f"target <= 5); retracing warnings: {counter.count} (target 0)"
    )
    path = write(
        "bench_grid",
        {
            "args": vars(args),
            "grid": {
                k: [list(v) if isinstance(v, tuple) else v for v in vals]
                for k, vals in GRID.items()
            },
            "seconds": times,
            "best_score": scores,
            "median": med,
            "ratio_skneural_sklearn": ratio,
            "ratio_first_search": first,
            "retracing_warnings": counter.count,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
