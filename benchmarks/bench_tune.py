"""Tuning with and without pruning, at equal numbers of trials.

scikit-learn's digits (1,797 images as 64 features, 10 classes), a
StandardScaler + NeuralClassifier(epochs=40) pipeline, the default search
space, 3-fold CV, the same number of trials and the same TPE seed: once with
the median pruner (trials report their first fold's validation accuracy after
every epoch), once without, each in a fresh process (as a tuning job runs;
networks compiled by one run would otherwise speed up the other). Prints
wall time, trials pruned and best scores; target: pruning >= 2x faster, best
scores within noise of each other (the spread of fold scores).

Run:  python benchmarks/bench_tune.py [--trials 40] [--epochs 40]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import optuna
from _common import timed, write
from sklearn.datasets import load_digits
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier
from skneural.tuning import tune

PRUNERS = {"median pruner": "median", "no pruning": None}


def run(X, y, *, pruner, trials, epochs):
    pipe = Pipeline(
        [("scale", StandardScaler()), ("net", NeuralClassifier(epochs=epochs))]
    )
    seconds, result = timed(
        lambda: tune(
            pipe,
            X,
            y,
            n_trials=trials,
            cv=3,
            pruner=pruner,
            random_state=0,
            refit=False,
            show_progress_bar=False,
        )
    )
    states = [t.state for t in result.study_.trials]
    best = result.study_.best_trial
    return {
        "seconds": seconds,
        "best_score": result.best_score_,
        "best_fold_std": float(np.std(best.user_attrs["fold_scores"])),
        "complete": states.count(optuna.trial.TrialState.COMPLETE),
        "pruned": states.count(optuna.trial.TrialState.PRUNED),
        "best_params": {k: repr(v) for k, v in result.best_params_.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--only", choices=list(PRUNERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, y = load_digits(return_X_y=True)

    if args.only:  # one configuration, in this (fresh) process
        row = run(
            X, y, pruner=PRUNERS[args.only], trials=args.trials, epochs=args.epochs
        )
        print(json.dumps(row))
        return

    rows = {}
    for name in PRUNERS:
        sizes = ["--trials", str(args.trials), "--epochs", str(args.epochs)]
        out = subprocess.run(
            [sys.executable, __file__, "--only", name, *sizes],
            capture_output=True,
            text=True,
            check=True,
        )
        rows[name] = row = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{name:14s} {row['seconds']:7.1f} s  best CV accuracy "
            f"{row['best_score']:.4f} (fold std {row['best_fold_std']:.4f})  "
            f"{row['complete']} complete, {row['pruned']} pruned"
        )
    pruned, full = rows["median pruner"], rows["no pruning"]
    speedup = full["seconds"] / pruned["seconds"]
    gap = full["best_score"] - pruned["best_score"]
    print(
        f"\npruning speed-up: {speedup:.2f}x (target >= 2)"
        f"\nbest score, no pruning - pruning: {gap:+.4f} "
        f"(fold std of the best trials: {pruned['best_fold_std']:.4f}, "
        f"{full['best_fold_std']:.4f})"
    )
    path = write(
        "bench_tune",
        {
            "dataset": "digits",
            "trials": args.trials,
            "epochs": args.epochs,
            "cv": 3,
            "runs": rows,
            "speedup": speedup,
            "best_score_gap": gap,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
