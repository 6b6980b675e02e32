"""Pruning rules replayed on one recorded study: where a tuning study's time goes.

bench_tune.py times whole studies, each with its own sampler path: a rule
that prunes differently also draws different trials, and one run says
little about why it was faster. This script runs bench_tune.py's study once
without pruning (digits, StandardScaler + NeuralClassifier(epochs=40), the
default search space, 3-fold CV, TPE seed and network seed alike) and
records, for every trial, every fold and every epoch, the fold's best
held-out accuracy so far (what ``PruningCallback`` reports) and the time.
Median rules are then replayed on the record, trial by trial in the study's
order: a trial is cut at the first epoch where its best so far falls below
the median of the earlier trials that the rule kept, at the same fold and
epoch; its cost is the time up to there. The replay keeps the recorded
trials (a real pruned study's sampler would draw others after a pruned
trial), so it compares rules on the same trials.

Prints, per rule: the study's time and speed-up, the best kept trial's
score, trials pruned, and the time of the trials before the rule starts
(its startup trials), of the other kept trials and of the pruned ones.

Run:  python benchmarks/bench_pruning_replay.py --seed 0
      python benchmarks/bench_pruning_replay.py --replay results/pruning_record_s0.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import optuna
from _common import RESULTS, write
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skneural import NeuralClassifier
from skneural.backend import keras
from skneural.tuning._tune import AS_GIVEN, _add_callback, as_search_space

#: (label, folds judged, startup trials, warm-up epochs of each fold). The
#: first is skneural's median pruner (``MedianPruner(n_startup_trials=5,
#: n_warmup_steps=2)`` on the first fold's reports).
RULES = [
    ("median, first fold (skneural's)", 1, 5, 2),
    ("median, every fold", 3, 5, 2),
    ("median, first fold, 3 startup trials", 1, 3, 2),
    ("median, first fold, 1 startup trial", 1, 1, 2),
    ("median, first fold, warm-up 4", 1, 5, 4),
]


class Recorder(keras.callbacks.Callback):
    """Append ``(epoch, best score so far, time)`` after every epoch."""

    def __init__(self, rows: list, score):
        super().__init__()
        self.rows, self.score, self.best = rows, score, float("nan")

    def __deepcopy__(self, memo):  # the estimator's copy records here too
        return self

    def on_epoch_end(self, epoch, logs=None):
        self.best = float(np.fmax(self.best, float(self.score())))
        self.rows.append((epoch, self.best, time.perf_counter()))


def record(seed: int, trials: int, epochs: int) -> list[dict]:
    """Run the unpruned study; return every trial's folds and epochs."""
    X, y = load_digits(return_X_y=True)
    net = NeuralClassifier(epochs=epochs, random_state=seed)
    pipe = Pipeline([("scale", StandardScaler()), ("net", net)])
    space = as_search_space(None, pipe)
    splits = list(check_cv(3, y, classifier=True).split(X, y))
    scorer = check_scoring(pipe)
    log: list[dict] = []

    def objective(trial):
        params = {} if trial.user_attrs.get(AS_GIVEN) else space(trial)
        folds = []
        for train, test in splits:
            est = clone(pipe).set_params(**params)
            rows: list = []
            _add_callback(
                est,
                Recorder(rows, lambda e=est, t=test: scorer(e, X[t], y[t])),
            )
            start = time.perf_counter()
            est.fit(X[train], y[train])
            score = float(scorer(est, X[test], y[test]))
            end = time.perf_counter()
            folds.append({"start": start, "end": end, "score": score, "epochs": rows})
        value = float(np.mean([f["score"] for f in folds]))
        log.append({"number": trial.number, "value": value, "folds": folds})
        print(f"trial {trial.number}: {value:.4f}", flush=True)
        return value

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed)
    )
    study.enqueue_trial({}, user_attrs={AS_GIVEN: True})
    study.optimize(objective, n_trials=trials)
    return log


def replay(log: list[dict], judged: int, startup: int, warmup: int) -> dict:
    """The study's cost under one median rule (see the module docstring)."""
    kept: list[dict] = []  # (fold, epoch) -> best so far, of each kept trial
    seconds = {"startup": 0.0, "kept": 0.0, "pruned": 0.0}
    best = -np.inf
    for trial in log:
        spent, cut, values = 0.0, False, {}
        for f, fold in enumerate(trial["folds"]):
            for epoch, value, at in fold["epochs"]:
                values[(f, epoch)] = value
                if f < judged and epoch >= warmup and len(kept) >= startup:
                    others = [k[(f, epoch)] for k in kept if (f, epoch) in k]
                    if others and value < statistics.median(others):
                        spent += at - fold["start"]
                        cut = True
                        break
            if cut:
                break
            spent += fold["end"] - fold["start"]
        part = "pruned" if cut else ("startup" if len(kept) < startup else "kept")
        seconds[part] += spent
        if not cut:
            kept.append(values)
            best = max(best, trial["value"])
    return {
        "seconds": sum(seconds.values()),
        "parts": seconds,
        "best": float(best),
        "pruned": len(log) - len(kept),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--replay", help="a record written by an earlier run")
    args = parser.parse_args(argv)
    epochs = args.epochs
    if args.replay:
        with open(args.replay) as file:
            saved = json.load(file)
        log, epochs = saved["trials"], saved["args"]["epochs"]
    else:
        log = record(args.seed, args.trials, args.epochs)
        path = write(
            f"pruning_record_s{args.seed}", {"args": vars(args), "trials": log}
        )
        print(f"wrote {path}")
    full = sum(f["end"] - f["start"] for t in log for f in t["folds"])
    at_cap = sum(len(t["folds"][0]["epochs"]) == epochs for t in log)
    print(
        f"\n{len(log)} trials, no pruning: {full:.1f} s, best "
        f"{max(t['value'] for t in log):.4f}; {at_cap} trials ran all "
        f"{epochs} epochs in their first fold\n"
    )
    print("| rule | s | speed-up | best | pruned | startup / kept / pruned s |")
    print("|---|---|---|---|---|---|")
    results = {}
    for label, judged, startup, warmup in RULES:
        r = results[label] = replay(log, judged, startup, warmup)
        parts = " / ".join(f"{s:.0f}" for s in r["parts"].values())
        print(
            f"| {label} | {r['seconds']:.0f} | {full / r['seconds']:.2f}x "
            f"| {r['best']:.4f} | {r['pruned']} | {parts} |"
        )
    stem = os.path.basename(args.replay or f"pruning_record_s{args.seed}")
    write(f"pruning_replay_{stem.removesuffix('.json')}", {"rules": results})


if __name__ == "__main__":
    RESULTS.mkdir(exist_ok=True)
    sys.exit(main())
