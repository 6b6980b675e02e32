"""Prediction latency: one row and 100,000 rows.

The same trained 64-32 regressor (10,000 x 20) predicts through skneural, plain
Keras ``model.predict``, Keras ``predict_on_batch`` and scikit-learn's
``MLPRegressor`` of the same shape. Targets (issue 4): skneural one row median
<= 1 ms with TensorFlow (plain Keras ~67 ms), and 100,000 rows no slower than
scikit-learn's MLP.

Run:  python benchmarks/bench_predict.py [--calls 300] [--big-calls 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from _common import SAME_NETWORK, write
from bench_fit import data
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from skneural import NeuralRegressor


def median_seconds(fn, calls: int) -> float:
    fn()  # warm-up: compiled functions, caches
    fn()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--big-calls", type=int, default=7)
    args = parser.parse_args(argv)
    X, y = data()
    big = np.random.default_rng(1).normal(size=(100_000, X.shape[1]))
    big = big.astype(np.float32)
    one = X[:1]

    est = NeuralRegressor(hidden_layer_sizes=(64, 32), epochs=1, **SAME_NETWORK).fit(
        X, y
    )
    model = est.model_  # the same trained network, used directly by Keras
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPRegressor(hidden_layer_sizes=(64, 32), max_iter=1).fit(X, y)

    impls = {
        "skneural": est.predict,
        "keras predict": lambda a: model.predict(a, verbose=0, batch_size=32),
        "keras predict_on_batch": model.predict_on_batch,
        "sklearn": mlp.predict,
    }
    results = {}
    for name, fn in impls.items():
        results[name] = {
            "one_row_ms": 1e3 * median_seconds(lambda f=fn: f(one), args.calls),
            "rows_100k_s": median_seconds(lambda f=fn: f(big), args.big_calls),
        }
    base = results["sklearn"]
    print(
        f"{'implementation':<24} {'1 row ms':>9} {'100k rows s':>12} "
        f"{'1 row vs sklearn':>17} {'100k vs sklearn':>16}"
    )
    for name, r in results.items():
        print(
            f"{name:<24} {r['one_row_ms']:>9.3f} {r['rows_100k_s']:>12.4f} "
            f"{r['one_row_ms'] / base['one_row_ms']:>17.2f} "
            f"{r['rows_100k_s'] / base['rows_100k_s']:>16.2f}"
        )
    sk = results["skneural"]
    print(
        f"skneural one row: {sk['one_row_ms']:.3f} ms (target <= 1 ms); "
        f"100,000 rows: {sk['rows_100k_s'] / base['rows_100k_s']:.2f}x "
        "scikit-learn (target <= 1)"
    )
    path = write("bench_predict", {"args": vars(args), "results": results})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
