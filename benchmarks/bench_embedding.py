"""Epoch time of the periodic embedding's two forms, in the same run.

``PeriodicEmbedding`` applies its columns' linear maps either as one matrix
product with a block-diagonal kernel (up to
``skneural.architectures.table.BLOCK_DIAGONAL_COLUMNS`` columns) or as a
batched product per column (an ``einsum``). Both give the same values; this
script times them on real tables of the panel (benchmarks/_tables.py): the
default estimator on the raw table, the panel's first fold, ``random_state=0``,
each form ``--repeats`` times, alternating. An epoch's time (training and
the validation loss) is the median over a fit's epochs after the first
(the first traces the loop); a fit's time is reported beside it. The two
forms' predictions on the held-out rows are compared too.

Run:  python benchmarks/bench_embedding.py
      python benchmarks/bench_embedding.py --tables adult,hmda --repeats 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from _common import write
from _epochs import EPOCH_SECONDS, EpochTimer
from _tables import BY_NAME
from bench_tabular import folds

import skneural
from skneural._pool import POOL
from skneural.architectures import table as table_module

FORMS = {
    "per column": 0,  # no column count takes the block-diagonal product
    "block-diagonal": table_module.BLOCK_DIAGONAL_COLUMNS,
}


def one_fit(name: str, X, y, train, test, columns: int) -> dict:
    """Fit the default estimator with the embedding's form set by ``columns``."""
    table_module.BLOCK_DIAGONAL_COLUMNS = columns
    POOL.clear()  # a pooled network keeps the loop traced with the other form
    estimator = (
        skneural.NeuralClassifier
        if BY_NAME[name].classification
        else skneural.NeuralRegressor
    )
    EPOCH_SECONDS.clear()
    est = estimator(random_state=0, callbacks=[EpochTimer()])
    start = time.perf_counter()
    est.fit(X.iloc[train], y.iloc[train])
    fit_s = time.perf_counter() - start
    out = est.predict_proba if hasattr(est, "predict_proba") else est.predict
    return {
        "epoch_ms": 1000 * statistics.median(EPOCH_SECONDS[1:] or EPOCH_SECONDS),
        "fit_s": fit_s,
        "epochs": len(EPOCH_SECONDS),
        "predictions": np.asarray(out(X.iloc[test]), dtype=np.float64),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default="adult,diamonds,hotel_rates,hmda")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    results = {}
    print(
        "| table | per column: epoch ms (fit s) | block-diagonal | epoch ratio "
        "| largest prediction difference |"
    )
    print("|---|---|---|---|---|")
    for name in args.tables.split(","):
        X, y = BY_NAME[name].load()
        train, test = folds(BY_NAME[name], X, y)[0]
        runs = {form: [] for form in FORMS}
        for _ in range(args.repeats):
            for form, columns in FORMS.items():
                runs[form].append(one_fit(name, X, y, train, test, columns))
        epoch = {f: statistics.median(r["epoch_ms"] for r in runs[f]) for f in FORMS}
        fit = {f: statistics.median(r["fit_s"] for r in runs[f]) for f in FORMS}
        gap = float(
            np.max(
                np.abs(
                    runs["per column"][0]["predictions"]
                    - runs["block-diagonal"][0]["predictions"]
                )
            )
        )
        ratio = epoch["block-diagonal"] / epoch["per column"]
        print(
            f"| {name} | {epoch['per column']:.1f} ({fit['per column']:.2f}) "
            f"| {epoch['block-diagonal']:.1f} ({fit['block-diagonal']:.2f}) "
            f"| {ratio:.2f}x | {gap:.1e} |",
            flush=True,
        )
        results[name] = {
            "epoch_ms": epoch,
            "fit_s": fit,
            "epochs": {f: runs[f][0]["epochs"] for f in FORMS},
            "epoch_ratio": ratio,
            "largest_prediction_difference": gap,
        }
    table_module.BLOCK_DIAGONAL_COLUMNS = FORMS["block-diagonal"]
    path = write("bench_embedding", {"args": vars(args), "tables": results})
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
