"""Tuning with and without pruning, at equal numbers of trials.

scikit-learn's digits (1,797 images as 64 features, 10 classes), a
StandardScaler + NeuralClassifier(epochs=40) pipeline, the default search
space, 3-fold CV, the same number of trials, two studies (TPE seeds 0 and 1,
the network seeded alike, so that the arms draw the same trials until pruning
changes what the sampler has seen): with the median pruner (the default;
trials report their first fold's best validation accuracy so far after every
epoch), with successive halving, and without pruning, each in a fresh process (as a tuning job runs; networks
compiled by one run would otherwise speed up the other). Prints wall time,
trials pruned and best scores; target: pruning (the default pruner) >= 2x
faster, best scores within noise of each other (the spread of fold scores).

Run:  python benchmarks/bench_tune.py [--trials 40] [--epochs 40] [--seeds 0,1]
          [--pruners "median pruner,no pruning"]
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

PRUNERS = {
    "median pruner": "median",
    "successive halving": "successive_halving",
    "no pruning": None,
}


def run(X, y, *, pruner, trials, epochs, seed):
    # seeded network: a trial's score depends on its parameters only, so the
    # arms draw the same trials until pruning changes what TPE has seen
    net = NeuralClassifier(epochs=epochs, random_state=seed)
    pipe = Pipeline([("scale", StandardScaler()), ("net", net)])
    seconds, result = timed(
        lambda: tune(
            pipe,
            X,
            y,
            n_trials=trials,
            cv=3,
            pruner=pruner,
            random_state=seed,
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
    parser.add_argument(
        "--seeds", default="0,1", help="TPE (and network) seeds, one study each"
    )
    parser.add_argument(
        "--pruners",
        default=",".join(PRUNERS),
        help="a subset of: " + ", ".join(PRUNERS),
    )
    parser.add_argument("--only", choices=list(PRUNERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, y = load_digits(return_X_y=True)
    sizes = {"trials": args.trials, "epochs": args.epochs}

    if args.only:  # one study, in this (fresh) process
        seed = int(args.seeds)
        print(json.dumps(run(X, y, pruner=PRUNERS[args.only], seed=seed, **sizes)))
        return

    names = [n.strip() for n in args.pruners.split(",")]
    if "no pruning" not in names or not set(names) <= set(PRUNERS):
        parser.error(f"--pruners: names among {list(PRUNERS)}, 'no pruning' included")
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = {name: {} for name in names}
    for seed in seeds:
        for name in names:
            flags = [f"--{k}={v}" for k, v in sizes.items()] + [f"--seeds={seed}"]
            out = subprocess.run(
                [sys.executable, __file__, "--only", name, *flags],
                capture_output=True,
                text=True,
                check=True,
            )
            rows[name][seed] = row = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"seed {seed}  {name:18s} {row['seconds']:7.1f} s  best CV accuracy "
                f"{row['best_score']:.4f} (fold std {row['best_fold_std']:.4f})  "
                f"{row['complete']} complete, {row['pruned']} pruned"
            )
    full = rows["no pruning"]
    total = {n: sum(r["seconds"] for r in rows[n].values()) for n in names}
    summary = {}
    for name in names:
        if name == "no pruning":
            continue
        gaps = [full[s]["best_score"] - rows[name][s]["best_score"] for s in seeds]
        summary[name] = {
            "speedup": total["no pruning"] / total[name],
            "best_score_gaps": gaps,
        }
        print(
            f"\n{name}: {summary[name]['speedup']:.2f}x faster over {len(seeds)} "
            "studies"
            + (" (target >= 2)" if name == "median pruner" else "")
            + "; best score, no pruning - pruning: "
            + ", ".join(f"{g:+.4f}" for g in gaps)
            + " (fold std of the best trials: "
            + ", ".join(
                f"{rows[name][s]['best_fold_std']:.4f} / {full[s]['best_fold_std']:.4f}"
                for s in seeds
            )
            + ")"
        )
    path = write(
        "bench_tune",
        {
            "dataset": "digits",
            "cv": 3,
            "seeds": seeds,
            **sizes,
            "runs": {n: {str(s): r for s, r in v.items()} for n, v in rows.items()},
            "summary": summary,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
