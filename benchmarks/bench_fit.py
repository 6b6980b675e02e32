"""Fit time of a 64-32 dense regressor: skneural vs plain Keras vs scikit-learn's MLP.

10,000 x 20 regression, batch 32, 20 epochs, Adam(1e-3), the same network in all
three. Each implementation runs ``--repeats`` times, interleaved, and the median
is reported with the ratio to plain Keras and to scikit-learn (issue 4's
targets: <= 1.5x scikit-learn on TensorFlow, <= 0.5x on JAX; same final
training loss within noise). The first skneural fit in a process also traces
(TensorFlow) or compiles (JAX) the network's epoch function; it is printed
separately.

Run:  python benchmarks/bench_fit.py [--repeats 3] [--epochs 20]
      KERAS_BACKEND=jax python benchmarks/bench_fit.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from _common import SAME_NETWORK, timed, write
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from skneural import NeuralRegressor


def data(n=10_000, d=20, seed=0):
    X, y = make_regression(
        n_samples=n, n_features=d, n_informative=d, noise=5.0, random_state=seed
    )
    return X.astype(np.float32), ((y - y.mean()) / y.std()).astype(np.float32)


def fit_skneural(X, y, epochs, batch):
    est = NeuralRegressor(
        hidden_layer_sizes=(64, 32), batch_size=batch, epochs=epochs, **SAME_NETWORK
    )
    est.fit(X, y)
    return est.history_["loss"][-1]


def fit_keras(X, y, epochs, batch):
    model = keras.Sequential(
        [
            keras.Input((X.shape[1],)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    hist = model.fit(X, y, batch_size=batch, epochs=epochs, verbose=0)
    return hist.history["loss"][-1]


def fit_sklearn(X, y, epochs, batch):
    mlp = MLPRegressor(
        hidden_layer_sizes=(64, 32),
        solver="adam",
        learning_rate_init=1e-3,
        batch_size=batch,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        alpha=0.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    return float(mlp.loss_curve_[-1] * 2)  # sklearn reports half the MSE


IMPLS = {"skneural": fit_skneural, "keras": fit_keras, "sklearn": fit_sklearn}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    X, y = data()
    times = {k: [] for k in IMPLS}
    losses = {k: [] for k in IMPLS}
    for r in range(args.repeats):
        order = list(IMPLS) if r % 2 == 0 else list(reversed(IMPLS))
        for name in order:
            sec, loss = timed(
                lambda f=IMPLS[name]: f(X, y, args.epochs, args.batch_size)
            )
            times[name].append(sec)
            losses[name].append(float(loss))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"backend: {keras.backend.backend()}")
    print(
        f"{'implementation':<12} {'first s':>8} {'median s':>9} {'final loss':>11} "
        f"{'vs keras':>9} {'vs sklearn':>11}"
    )
    for name in IMPLS:
        print(
            f"{name:<12} {times[name][0]:>8.2f} {med[name]:>9.2f} "
            f"{statistics.median(losses[name]):>11.4f} "
            f"{med[name] / med['keras']:>9.2f} {med[name] / med['sklearn']:>11.2f}"
        )
    ratio = med["skneural"] / med["keras"]
    target = 0.5 if keras.backend.backend() == "jax" else 1.5
    print(
        f"skneural / scikit-learn = {med['skneural'] / med['sklearn']:.2f} "
        f"(first fit {times['skneural'][0] / med['sklearn']:.2f}; target <= "
        f"{target}); skneural / plain Keras = {ratio:.2f}"
    )
    path = write(
        "bench_fit",
        {
            "args": vars(args),
            "seconds": times,
            "final_loss": losses,
            "median": med,
            "ratio_skneural_keras": ratio,
            "ratio_skneural_sklearn": med["skneural"] / med["sklearn"],
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
