"""``skneural tune``: tune a network with Optuna, then evaluate, refit and save it.

The study lives in a database (by default a SQLite file beside ``--out``), so a
stopped run continues where it stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import warnings
from pathlib import Path
from typing import Any

from ...exceptions import UsageError
from ...tuning._pruners import PRUNERS
from . import _training
from ._common import positive_float, positive_int, quiet_libraries, start_keras

HELP = "tune a network with Optuna and save the best"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``tune``: those of ``fit``, and the study's."""
    _training.add_arguments(p)
    p.add_argument(
        "--trials",
        type=positive_int,
        default=20,
        help="trials the study should have (a continued study runs the rest; "
        "default 20)",
    )
    p.add_argument(
        "--timeout", type=positive_float, metavar="S", help="stop after S seconds"
    )
    p.add_argument(
        "--storage",
        metavar="URL",
        help="Optuna storage (default: sqlite:///MODEL.study.db beside --out, so "
        "a stopped run continues where it stopped)",
    )
    p.add_argument("--study-name", metavar="NAME", help="the study's name")
    p.add_argument(
        "--pruner",
        choices=PRUNERS,
        default="median",
        help="stop unpromising trials early (default median)",
    )


def run(args: argparse.Namespace) -> int:
    """Tune a network with Optuna (resumable), then evaluate, refit and save it."""
    if args.cv < 2:
        raise UsageError("tune needs cross-validation: use --cv 2 or more.")
    params = _training.check_arguments(args)
    out = Path(args.out)
    data, task = _training.load_training_data(args)
    start_keras(args)
    # heavy
    import optuna

    from ...tuning import make_storage, tune
    from ..evaluation import MAIN_METRIC, make_folds

    model = _training.build_model(args, params, data, task)
    print(_training.describe(data, task), flush=True)

    url = args.storage or f"sqlite:///{out.with_suffix('.study.db')}"
    study_name = args.study_name or (
        f"{Path(data.name).stem}-{data.target}-{task}-{args.model}"
    )
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        storage = make_storage(url)
    except Exception as exc:  # a bad URL, an unreachable server
        first = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise UsageError(f"--storage {url}: cannot open it ({first}).") from None
    finished = 0
    with contextlib.suppress(KeyError):
        study = optuna.load_study(study_name=study_name, storage=storage)
        finished = sum(t.state.is_finished() for t in study.trials)
        _check_study_fits(study, model, url)
    n_trials = max(0, args.trials - finished)
    if finished:
        print(
            f"Study {study_name!r} in {url} has {finished} finished trials; "
            f"running {n_trials} more to reach --trials {args.trials}.",
            flush=True,
        )
    else:
        print(f"Study {study_name!r} in {url}: {args.trials} trials.", flush=True)
    progress = _training.Progress(args.quiet)
    progress.attach(model)
    progress.state["desc"] = "trial"
    folds = make_folds(task, args.cv, args.seed)
    main = MAIN_METRIC[task]
    with quiet_libraries():
        result = tune(
            model,
            data.X,
            data.y,
            n_trials=n_trials,
            timeout=args.timeout,
            cv=folds,
            scoring=main,
            storage=storage,
            study_name=study_name,
            pruner=args.pruner,
            random_state=args.seed,
            refit=False,
            show_progress_bar=not args.quiet,
        )
        tuning = {
            "study_name": study_name,
            "storage": url,
            "metric": main,
            "best_score": result.best_score_,
            "best_params": {k: repr(v) for k, v in result.best_params_.items()},
            "trials": _trial_records(result),
            "importances": _importances(result.study_),
        }
        model.set_params(**result.best_params_)
        print(
            f"Best cross-validated {main} in the study: {result.best_score_:.4g}",
            flush=True,
        )
        _training.evaluate_and_fit(args, data, task, model, progress, tuning)
    return 0


def _check_study_fits(study, model, url: str) -> None:
    """Refuse to continue a study whose trials set parameters ``model`` lacks.

    Its best trial could not be applied: the study was made for another
    model, or by an earlier skneural (whose regressors sat in a target
    wrapper, ``net__regressor__...``).
    """
    import optuna  # heavy

    from ...tuning import search_space  # heavy

    probe = optuna.create_study().ask()
    search_space(model)(probe)
    unknown = sorted({k for t in study.trials for k in t.params} - set(probe.params))
    if unknown:
        shown = ", ".join(unknown[:3]) + (", ..." if len(unknown) > 3 else "")
        raise UsageError(
            f"The study {study.study_name!r} in {url} tuned parameters this model "
            f"does not have ({shown}): it was made for another model or by an "
            "earlier version of skneural. Give another --study-name, or another "
            "--storage (or delete that study's file)."
        )


def _importances(study) -> dict[str, float]:
    import optuna  # heavy

    from ...tuning._tune import ignore_importance_regimes

    complete = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    if len(complete) < 3:
        return {}
    try:
        with warnings.catch_warnings():
            ignore_importance_regimes()
            values = optuna.importance.get_param_importances(study)
    except (RuntimeError, ValueError):
        return {}
    return {k: round(float(v), 4) for k, v in values.items()}


def _trial_records(result) -> list[dict[str, Any]]:
    records = []
    for t in result.study_.trials:
        value = t.value
        if value is None and t.intermediate_values:
            value = t.intermediate_values[max(t.intermediate_values)]
        params = result._estimator_params(t) if t.params else {}
        records.append(
            {
                "number": t.number,
                "state": t.state.name,
                "value": None if value is None else float(value),
                "seconds": round(t.duration.total_seconds(), 1) if t.duration else None,
                "params": {
                    k.rpartition("__")[2]: (repr(v) if isinstance(v, tuple) else v)
                    for k, v in params.items()
                },
            }
        )
    return records
