"""Convolutional networks: ConvClassifier vs plain Keras vs scikit-learn's MLP.

In one run:

1. Fashion-MNIST, official split (train on the 60,000, score on the 10,000):
   - the default ``ConvClassifier`` (uint8 images as they come; early stopping
     on 10% held out, learning rate divided by 10 on plateaus);
   - a plain Keras model of the same architecture, written out below, fitted
     the way a Keras user would (``model.fit``, batch 64, validation on a
     10% hold-out, ``ReduceLROnPlateau``) for as many epochs as
     ``ConvClassifier`` ran. Fit times include building, compiling and
     scaling the images for both. Target: ConvClassifier / Keras <= 1.05;
   - plain Keras with ``model.fit``'s default settings (batch 32) for a few
     epochs: images per second only (the GPU target compares with this);
   - scikit-learn's ``MLPClassifier`` (early stopping) on the flattened
     images.
   Target: ConvClassifier test accuracy >= 0.92.
2. scikit-learn's digits as 8 x 8 images in [0, 1]: 5-fold cross-validated
   accuracy of the default ConvClassifier, folds stratified and shuffled
   (target: >= 0.98); also the unshuffled folds of ``cross_val_score(cv=5)``,
   which follow the order the digits were written in and are harder.

Run:  python benchmarks/bench_conv.py [--train 60000] [--default-keras-epochs 1]
      [--skip-mlp]   (on a GPU machine: KERAS_BACKEND=jax)
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from _common import timed, write
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier

from skneural import ConvClassifier
from skneural.app.datasets import load_fashion_mnist
from skneural.devices import list_devices


def keras_conv_net(input_shape=(28, 28, 1), n_classes=10):
    """ConvClassifier's default network, written out in plain Keras."""
    inputs = keras.Input(input_shape)
    x = inputs
    for filters in (32, 64):
        x = keras.layers.Conv2D(
            filters,
            3,
            padding="same",
            use_bias=False,
            kernel_initializer="he_uniform",
        )(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.Activation("relu")(x)
        x = keras.layers.MaxPooling2D(2, padding="same")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(128, use_bias=False, kernel_initializer="he_uniform")(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Activation("relu")(x)
    x = keras.layers.Dropout(0.5)(x)
    outputs = keras.layers.Dense(
        n_classes, activation="softmax", kernel_initializer="he_uniform"
    )(x)
    return keras.Model(inputs, outputs)


def fit_keras(X_train, y_train, *, epochs, batch_size, validation, seed=0):
    """Scale, build, compile and fit the plain Keras network; return it."""
    keras.utils.set_random_seed(seed)
    X = X_train[..., None].astype("float32") / 255
    model = keras_conv_net()
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    kwargs = {}
    if validation:
        X, X_val, y, y_val = train_test_split(
            X, y_train, test_size=0.1, stratify=y_train, random_state=seed
        )
        kwargs = {
            "validation_data": (X_val, y_val),
            "callbacks": [keras.callbacks.ReduceLROnPlateau(patience=2)],
        }
    else:
        y = y_train
    model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0, **kwargs)
    return model, len(X)


def keras_accuracy(model, X, y) -> float:
    proba = model.predict(X[..., None].astype("float32") / 255, verbose=0)
    return float(np.mean(np.argmax(proba, axis=1) == y))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=60_000)
    parser.add_argument("--default-keras-epochs", type=int, default=1)
    parser.add_argument("--skip-mlp", action="store_true")
    args = parser.parse_args()
    device = "GPU" if list_devices("gpu") else "CPU"

    (X_train, y_train), (X_test, y_test) = load_fashion_mnist()
    X_train, y_train = X_train[: args.train], y_train[: args.train]
    n = len(X_train)
    print(f"Fashion-MNIST: {n} training / {len(X_test)} test images, {device}")

    clf = ConvClassifier(random_state=0)
    t_sk, _ = timed(lambda: clf.fit(X_train, y_train))
    acc_sk = clf.score(X_test, y_test)
    epochs = clf.n_iter_
    trained = n - int(np.ceil(0.1 * n))
    ips_sk = trained * epochs / t_sk
    print(
        f"ConvClassifier     test acc {acc_sk:.4f}  fit {t_sk:7.1f} s  "
        f"({epochs} epochs, best {clf.best_epoch_ + 1})  {ips_sk:7.0f} images/s"
    )

    t_k, (model, _) = timed(
        lambda: fit_keras(
            X_train, y_train, epochs=epochs, batch_size=64, validation=True
        )
    )
    n_params = model.count_params()
    assert n_params == clf.model_.count_params(), "architectures differ"
    acc_k = keras_accuracy(model, X_test, y_test)
    ips_k = trained * epochs / t_k
    print(
        f"Keras, same setup  test acc {acc_k:.4f}  fit {t_k:7.1f} s  "
        f"({epochs} epochs)            {ips_k:7.0f} images/s"
    )

    d_epochs = args.default_keras_epochs
    t_d, (_, n_d) = timed(
        lambda: fit_keras(
            X_train, y_train, epochs=d_epochs, batch_size=32, validation=False
        )
    )
    ips_d = n_d * d_epochs / t_d
    print(
        f"Keras, defaults    (batch 32, {d_epochs} epoch(s))  fit {t_d:7.1f} s"
        f"                       {ips_d:7.0f} images/s"
    )

    mlp = {}
    if not args.skip_mlp:
        flat_train = X_train.reshape(n, -1) / 255
        est = MLPClassifier(early_stopping=True, random_state=0)
        t_m, _ = timed(lambda: est.fit(flat_train, y_train))
        acc_m = est.score(X_test.reshape(len(X_test), -1) / 255, y_test)
        mlp = {"test_accuracy": acc_m, "fit_s": t_m, "epochs": est.n_iter_}
        print(f"MLPClassifier      test acc {acc_m:.4f}  fit {t_m:7.1f} s")

    X_d, y_d = load_digits(return_X_y=True)
    images = (X_d / 16).reshape(-1, 8, 8)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    t_cv, scores = timed(
        lambda: cross_val_score(ConvClassifier(random_state=0), images, y_d, cv=folds)
    )
    print(
        f"digits 5-fold CV   accuracy {scores.mean():.4f} "
        f"(folds {', '.join(f'{s:.3f}' for s in scores)})  {t_cv:.1f} s"
    )
    ordered = cross_val_score(ConvClassifier(random_state=0), images, y_d, cv=5)
    print(f"  unshuffled folds  accuracy {ordered.mean():.4f}")

    ratio = t_sk / t_k
    print(
        f"\nfit time ConvClassifier / Keras same setup: {ratio:.3f} (target <= 1.05)"
        f"\nimages/s ConvClassifier / Keras defaults:   {ips_sk / ips_d:.2f}"
        f"\ntest accuracy {acc_sk:.4f} (target >= 0.92); digits CV "
        f"{scores.mean():.4f} (target >= 0.98)"
    )
    path = write(
        "bench_conv",
        {
            "device": device,
            "train_images": n,
            "conv_classifier": {
                "test_accuracy": acc_sk,
                "fit_s": t_sk,
                "epochs": epochs,
                "best_epoch": clf.best_epoch_ + 1,
                "images_per_s": ips_sk,
            },
            "keras_same_setup": {
                "test_accuracy": acc_k,
                "fit_s": t_k,
                "epochs": epochs,
                "images_per_s": ips_k,
                "params": n_params,
            },
            "keras_defaults": {
                "fit_s": t_d,
                "epochs": d_epochs,
                "images_per_s": ips_d,
            },
            "mlp_classifier": mlp,
            "digits_cv": {
                "scores": scores.tolist(),
                "mean": float(scores.mean()),
                "unshuffled_mean": float(ordered.mean()),
            },
            "fit_time_ratio": ratio,
            "images_per_s_vs_keras_defaults": ips_sk / ips_d,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
