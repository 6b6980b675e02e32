"""Fine-tune a pretrained network inside scikit-learn with KerasClassifier.

1. "Pretrain" a small network to recognise digits (scikit-learn's 8x8
   digits) with plain Keras and save it to a local ``.keras`` file: nothing
   is downloaded.
2. Fine-tune it for a new task, odd or even, from a few examples the
   pretraining never saw, under a new head: with the pretrained layers frozen (only the head trains), and
   with every layer trainable (starting from the pretrained weights). The
   model function loads the file each fit, so every clone starts from the
   pretrained weights and the frozen flags survive cloning and pickling.
3. Cross-validate both next to the same network trained from scratch.

Run:  python docs/examples/transfer_learning.py [--epochs 40]
"""

from __future__ import annotations

import argparse
import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score

from skneural import KerasClassifier


def pretrain(X, y, path: str, epochs: int, seed: int = 0) -> None:
    """Train a small digit recogniser and save it to ``path``."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Rescaling(1 / 16, name="scale"),
            keras.layers.Dense(64, activation="relu", name="features_1"),
            keras.layers.Dense(32, activation="relu", name="features_2"),
            keras.layers.Dense(10, activation="softmax", name="digits"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, y, epochs=epochs, batch_size=32, verbose=0)
    model.save(path)


def fine_tune(meta, compile_kwargs, path, freeze=True):
    """The pretrained network (frozen unless ``freeze=False``) under a new head.

    The old head's digit probabilities are the new head's features: parity is
    a linear function of them.
    """
    base = keras.models.load_model(path)
    inputs = keras.Input(meta["X_shape_"][1:])
    x = inputs
    for layer in base.layers:  # the digit probabilities become the features
        layer.trainable = not freeze
        x = layer(x)
    outputs = keras.layers.Dense(meta["n_classes_"], activation="softmax", name="head")(
        x
    )
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=compile_kwargs["optimizer"], loss="sparse_categorical_crossentropy"
    )
    return model


def from_scratch(meta, compile_kwargs):
    """The same architecture, randomly initialised."""
    inputs = keras.Input(meta["X_shape_"][1:])
    x = keras.layers.Rescaling(1 / 16)(inputs)
    x = keras.layers.Dense(64, activation="relu")(x)
    x = keras.layers.Dense(32, activation="relu")(x)
    outputs = keras.layers.Dense(meta["n_classes_"], activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=compile_kwargs["optimizer"], loss="sparse_categorical_crossentropy"
    )
    return model


def main(argv=None) -> dict:
    """Run the example; return the mean cross-validated accuracies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--per-class", type=int, default=10, help="examples per class")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(X))
    few, rest = order[: 2 * args.per_class], order[2 * args.per_class :]
    X_new, y_new = X[few], np.where(y[few] % 2 == 0, "even", "odd")

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "pretrained.keras")
        pretrain(X[rest], y[rest], path, epochs=args.epochs)
        common = dict(
            optimizer="adam",
            optimizer__learning_rate=0.01,
            epochs=args.epochs,
            verbose=0,
            random_state=0,
        )
        candidates = {
            "fine-tuned (frozen base)": KerasClassifier(
                fine_tune, model__path=path, **common
            ),
            "fine-tuned (all layers)": KerasClassifier(
                fine_tune, model__path=path, model__freeze=False, **common
            ),
            "from scratch": KerasClassifier(from_scratch, **common),
        }
        for label, est in candidates.items():
            scores = cross_val_score(est, X_new, y_new, cv=min(5, args.per_class))
            results[label] = float(scores.mean())
            print(f"{label:<26} accuracy {scores.mean():.3f} ± {scores.std():.3f}")
        fitted = candidates["fine-tuned (frozen base)"].fit(X_new, y_new)
        frozen = [layer.name for layer in fitted.model_.layers if not layer.trainable]
        print(f"frozen layers kept frozen: {frozen}")
    return results


if __name__ == "__main__":
    main()
