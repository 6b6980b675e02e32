"""Where an epoch of the default network goes: one setting changed at a time.

The default estimator on a real table of the panel (benchmarks/_tables.py),
the panel's first fold, ``random_state=0``, a fixed number of epochs without
early stopping or refit (every variant trains the same number of steps), and
the same estimator with one setting changed per variant. The variants run
``--repeats`` times, interleaved, in one process; an epoch's time (its
training steps and nothing else: no validation split) is the median over a
fit's epochs after the first (which traces the loop), then over the repeats.
Prints each variant's epoch time and its ratio to the defaults'.

Run:  python benchmarks/bench_epoch.py
      python benchmarks/bench_epoch.py --tables adult,tv16 --repeats 5 \\
          --variant "no dropout: dropout=0.0" --variant "sgd: optimizer='sgd'"
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _common import write
from _epochs import EPOCH_SECONDS, EpochTimer
from _tables import BY_NAME
from bench_tabular import folds, parse_set

import skneural

#: Variants timed when none is given: each removes one part of the default
#: network or its training.
VARIANTS = {
    "no dropout": {"dropout": 0.0},
    "no scaling layer": {"scaling_layer": False},
    "no numeric embedding": {"numeric_embedding": None},
    "plain SGD": {"optimizer": "sgd"},
}


def epoch_ms(name: str, X, y, params: dict, epochs: int) -> float:
    """Median epoch time (ms) of one fit with ``params`` on top of the defaults."""
    estimator = (
        skneural.NeuralClassifier
        if BY_NAME[name].classification
        else skneural.NeuralRegressor
    )
    EPOCH_SECONDS.clear()
    estimator(
        random_state=0,
        epochs=epochs,
        early_stopping=False,
        refit=False,
        callbacks=[EpochTimer()],
        **params,
    ).fit(X, y)
    return 1000 * statistics.median(EPOCH_SECONDS[1:] or EPOCH_SECONDS)


def parse_variant(text: str) -> tuple[str, dict]:
    """``"label: key=value, key=value"`` -> ``(label, params)``."""
    label, sep, settings = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected 'label: key=value', got {text!r}")
    return label.strip(), dict(parse_set(s) for s in settings.split(",") if s.strip())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default="adult,tv16")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument(
        "--variant",
        type=parse_variant,
        action="append",
        help="'label: key=value, ...' (repeatable); default: " + ", ".join(VARIANTS),
    )
    args = parser.parse_args(argv)
    variants = {"defaults": {}, **(dict(args.variant) if args.variant else VARIANTS)}
    results = {}
    for name in args.tables.split(","):
        X, y = BY_NAME[name].load()
        train, _ = folds(BY_NAME[name], X, y)[0]
        X, y = X.iloc[train], y.iloc[train]
        runs = {label: [] for label in variants}
        for _ in range(args.repeats):
            for label, params in variants.items():
                runs[label].append(epoch_ms(name, X, y, params, args.epochs))
        medians = {label: statistics.median(v) for label, v in runs.items()}
        print(f"{name} ({len(X):,} training rows), ms an epoch:")
        for label, ms in medians.items():
            print(
                f"  {label:28s} {ms:7.1f}  {ms / medians['defaults']:.2f}x", flush=True
            )
        results[name] = {"epoch_ms": medians, "runs": runs}
    variants_out = {label: repr(params) for label, params in variants.items()}
    path = write(
        "bench_epoch", {"args": vars(args) | {"variant": variants_out}, **results}
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
