"""GPU throughput: a small conv net through KerasClassifier vs plain Keras.

Meant for a GPU machine with ``KERAS_BACKEND=jax`` (runs anywhere, slowly):

1. Two conv blocks on 28 x 28 x 1 images (synthetic, Fashion-MNIST sized),
   trained through ``KerasClassifier`` and through a plain Keras
   ``model.fit`` of the same network with default settings (batch 32).
   Throughput is images per second of a timed fit after a warm-up fit (a
   clone for skneural, as in a search), so compilation is excluded for both. Target: skneural >= 5x plain Keras.
2. The dense benchmark (64-32 network, 10,000 x 20, batch 32, 20 epochs) with
   ``device="gpu"`` and ``device="cpu"`` in the same run.

Run:  KERAS_BACKEND=jax python benchmarks/bench_gpu.py [--images 60000] [--epochs 2]
"""

from __future__ import annotations

import argparse
import gc
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from _common import write
from bench_fit import data
from sklearn.base import clone

from skneural import KerasClassifier, NeuralRegressor
from skneural.devices import list_devices


def conv_net(n_classes: int = 10):
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )


def images(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, size=n)
    X = rng.normal(size=(n, 28, 28, 1)).astype(np.float32) * 0.3
    X[np.arange(n), y, :, 0] += 1.0  # a learnable pattern: a bright row per class
    return X, y


def throughput_skneural(X, y, epochs, batch, device):
    clf = KerasClassifier(
        conv_net,
        loss="sparse_categorical_crossentropy",
        optimizer="adam",
        epochs=1,
        batch_size=batch,
        verbose=0,
        device=device,
    )
    # Warm-up on a clone, as a search would: it compiles the epoch function,
    # and its network goes back to the pool when the clone is collected.
    warm = clone(clf).fit(X, y)
    del warm
    gc.collect()
    start = time.perf_counter()
    clf.set_params(epochs=epochs).fit(X, y)
    seconds = time.perf_counter() - start
    return len(X) * epochs / seconds, float(clf.history_["loss"][-1])


def throughput_keras(X, y, epochs, batch):
    model = conv_net()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, y, epochs=1, batch_size=batch, verbose=0)  # warm-up
    start = time.perf_counter()
    hist = model.fit(X, y, epochs=epochs, batch_size=batch, verbose=0)
    seconds = time.perf_counter() - start
    return len(X) * epochs / seconds, float(hist.history["loss"][-1])


def dense_fit_seconds(device):
    X, y = data()
    est = NeuralRegressor(hidden_layer_sizes=(64, 32), epochs=20, device=device)
    warm = clone(est).fit(X, y)  # warm-up: compiles for this network and size
    del warm
    gc.collect()
    start = time.perf_counter()
    est.fit(X, y)
    return time.perf_counter() - start, float(est.history_["loss"][-1])


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=60_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    gpus = list_devices("gpu")
    device = "gpu" if gpus else "cpu"
    print(f"backend {keras.backend.backend()}, GPUs: {list(gpus) or 'none'}")
    X, y = images(args.images)
    ours, our_loss = throughput_skneural(X, y, args.epochs, args.batch_size, device)
    plain, plain_loss = throughput_keras(X, y, args.epochs, args.batch_size)
    ratio = ours / plain
    print(
        f"conv net, batch {args.batch_size}, {args.images} images x {args.epochs} "
        f"epochs on {device}:"
    )
    print(f"  skneural KerasClassifier {ours:>10.0f} images/s (loss {our_loss:.4f})")
    print(f"  plain Keras model.fit    {plain:>10.0f} images/s (loss {plain_loss:.4f})")
    print(f"  ratio {ratio:.2f} (target >= 5)")
    dense = {"cpu": dense_fit_seconds("cpu")}
    if gpus:
        dense["gpu"] = dense_fit_seconds("gpu")
    for dev, (sec, loss) in dense.items():
        print(
            f"dense 64-32, 10,000 x 20, 20 epochs on {dev}: {sec:.2f} s "
            f"(loss {loss:.4f})"
        )
    path = write(
        "bench_gpu",
        {
            "args": vars(args),
            "gpus": list(gpus),
            "conv_images_per_s": {"skneural": ours, "keras": plain},
            "conv_ratio": ratio,
            "dense_seconds": {k: v[0] for k, v in dense.items()},
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
