"""Tuning worker: join a study in a database and run trials.

Start as many as you like, on one machine or many, against one storage::

    python -m skneural.tuning worker --storage postgresql://user:pw@host/db
        --study-name prices --job job.joblib --data data.npz --n-trials 20

``job.joblib`` holds the estimator (``joblib.dump(estimator, ...)``), or a
dict ``{"estimator": ..., "search_space": ...}`` to use another space than
the default; ``data.npz`` holds arrays ``X`` and ``y`` (``numpy.savez``).
Every worker adds its trials to the one study; read the result with
``optuna.load_study(study_name=..., storage=...)``.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the worker; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m skneural.tuning", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="run trials of a shared study")
    worker.add_argument("--storage", required=True, help="database URL of the study")
    worker.add_argument("--study-name", required=True)
    worker.add_argument("--job", required=True, help="joblib file: the estimator")
    worker.add_argument("--data", required=True, help=".npz file with X and y")
    worker.add_argument("--n-trials", type=int, default=None)
    worker.add_argument("--timeout", type=float, default=None)
    worker.add_argument("--cv", type=int, default=5)
    worker.add_argument("--scoring", default=None)
    worker.add_argument("--pruner", default="median")
    worker.add_argument("--heartbeat", type=int, default=None, help="seconds")
    args = parser.parse_args(argv)

    import joblib  # after parsing: --help stays fast
    import numpy as np  # after parsing: --help stays fast

    from . import make_storage, tune  # after parsing: --help stays fast
    from ._tune import HEARTBEAT_INTERVAL  # after parsing

    job = joblib.load(args.job)
    if not isinstance(job, dict):
        job = {"estimator": job}
    with np.load(args.data, allow_pickle=False) as data:
        X, y = data["X"], data["y"]
    storage = make_storage(
        args.storage, heartbeat_interval=args.heartbeat or HEARTBEAT_INTERVAL
    )
    result = tune(
        job["estimator"],
        X,
        y,
        n_trials=args.n_trials,
        timeout=args.timeout,
        cv=args.cv,
        scoring=args.scoring,
        search_space=job.get("search_space"),
        storage=storage,
        study_name=args.study_name,
        pruner=args.pruner,
        refit=False,
        show_progress_bar=False,
    )
    print(f"study {args.study_name!r}: best score {result.best_score_:.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
