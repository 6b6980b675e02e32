"""The ``skneural`` command: a tuned, cross-validated network from a table.

::

    skneural fit DATA --target COL [--task auto] [--model dense] [--set k=v] --out M
    skneural tune DATA --target COL [--trials N] [--timeout S] --out M
    skneural predict M DATA --out predictions.csv
    skneural evaluate M DATA
    skneural report M --out report.html

DATA is a CSV or Parquet file, or a named dataset (``skneural datasets``).
Mistakes in the command or the data end with one line naming the problem
and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import re
import shlex
import sys
import warnings
from pathlib import Path
from typing import Any

# Only light modules at the top: `--help`, `--version`, `datasets` and mistakes
# in the command line answer without loading pandas, scikit-learn or Keras.
# Each command imports what it needs when it needs it.
from ._params import closest, did_you_mean
from .catalog import DATASETS, check_source
from .exceptions import (
    DataError,
    InvalidParameterError,
    ModelFileError,
    SkneuralError,
    UsageError,
)

__all__ = ["console", "main"]


# --- progress -------------------------------------------------------------------


def _progress_callback(bar_state: dict):
    """A Keras callback showing one tqdm bar over the epochs of each fit."""
    import keras
    from tqdm.auto import tqdm

    class EpochProgress(keras.callbacks.Callback):
        def __init__(self, state):
            super().__init__()
            self.state = state
            self.bar = None

        def __deepcopy__(self, memo):
            # Estimators copy their callbacks for every fit; the copies share
            # the description the command updates.
            return EpochProgress(self.state)

        def on_train_begin(self, logs=None):
            self.bar = tqdm(
                total=self.params.get("epochs"),
                desc=self.state.get("desc", "training"),
                unit="epoch",
                leave=False,
                file=sys.stderr,
                dynamic_ncols=True,
            )

        def on_epoch_end(self, epoch, logs=None):
            if self.bar is not None:
                logs = logs or {}
                shown = {k: f"{logs[k]:.4g}" for k in ("loss", "val_loss") if k in logs}
                self.bar.set_postfix(shown, refresh=False)
                self.bar.update(1)

        def on_train_end(self, logs=None):
            if self.bar is not None:
                self.bar.close()
                self.bar = None

    return EpochProgress(bar_state)


class _Progress:
    """The command's progress bars (none with ``--quiet``)."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.state: dict[str, str] = {}
        self.callback = None if quiet else _progress_callback(self.state)
        self.bar = None
        self._first = ""

    def attach(self, model) -> None:
        """Add the epoch bar to the network of ``model`` (a Pipeline)."""
        if self.callback is not None:
            _set_callbacks(model, [self.callback])

    def folds(self, total: int):
        from tqdm.auto import tqdm

        self.bar = tqdm(
            total=total,
            desc="cross-validation",
            unit="fit",
            disable=self.quiet,
            file=sys.stderr,
            dynamic_ncols=True,
        )
        return self.bar

    def on_fold(self, name: str, fold: int, n_folds: int) -> None:
        if self.bar is not None:
            if fold or name != self._first:
                self.bar.update(1)
            self.bar.set_postfix_str(f"{name}, fold {fold + 1}/{n_folds}")
        self.state["desc"] = f"{name} fold {fold + 1}/{n_folds}"

    def __call__(self, name, fold, n_folds):
        self.on_fold(name, fold, n_folds)


def _set_callbacks(model, callbacks) -> None:
    from .tuning._space import find_network

    prefix, _ = find_network(model)
    model.set_params(**{f"{prefix}callbacks": callbacks})


# --- arguments ------------------------------------------------------------------


def _parse_value(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_settings(items: list[str] | None) -> dict[str, Any]:
    """``["hidden_layer_sizes=64,32", "dropout=0.2"]`` -> parameters."""
    params: dict[str, Any] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(
                f"--set {item!r}: write name=value, e.g. --set dropout=0.2 or "
                "--set hidden_layer_sizes=64,32"
            )
        params[name.strip()] = _parse_value(value)
    return params


def _check_settings(params: dict[str, Any], task: str, model: str) -> None:
    from .tabular import make_network

    known = make_network(task, model).get_params(deep=False)
    for name in params:
        if name not in known:
            raise UsageError(
                f"--set {name}: not a parameter of the {model} {task} network."
                f"{did_you_mean(name, known)} See `skneural fit --help` or the "
                "estimator's documentation for its parameters."
            )


def _check_out(path: str, what: str = "--out") -> Path:
    out = Path(path)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{what} {path}: the folder {str(folder)!r} does not exist.")
    if out.is_dir():
        raise UsageError(f"{what} {path} is a folder; give a file name.")
    return out


def _status(args, text: str) -> None:
    """A line on stderr saying what the command is doing (none with --quiet)."""
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr, flush=True)


def _start_keras(args) -> None:
    """Import Keras and its backend (seconds), saying so first."""
    if "skneural.backend" not in sys.modules:
        _status(args, "Starting Keras ...")
    from . import backend  # noqa: F401


def _load_training_data(args):
    _status(args, f"Reading {args.data} ...")
    from .tabular import infer_task, load_data

    data = load_data(args.data, args.target, split="train")
    if not data.target:  # a file, and no --target
        columns = [str(c) for c in data.X.columns]
        shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
        raise UsageError(
            f"Give the column to predict with --target (columns: {shown})."
        )
    task = infer_task(data.y, args.task)
    if task == "classification":
        counts = data.y.value_counts()
        if counts.min() < args.cv and args.cv > 1:
            rare = str(counts.idxmin())
            raise DataError(
                f"The class {rare!r} of {data.target!r} has {counts.min()} row(s), "
                f"fewer than the {args.cv} cross-validation folds. Use --cv "
                f"{max(2, int(counts.min()))} or fewer, or drop that class."
            )
    return data, task


def _say(args, text: str = "") -> None:
    print(text, flush=True)


def _describe(data, task: str) -> str:
    if data.is_images:
        shape = "x".join(map(str, data.X.shape[1:]))
        what = f"{len(data.y):,} images of {shape}"
    else:
        from .tabular import categorical_columns

        n_cat = len(categorical_columns(data.X))
        what = (
            f"{len(data.y):,} rows, {data.X.shape[1]} feature columns "
            f"({data.X.shape[1] - n_cat} numeric, {n_cat} categorical)"
        )
    extra = "".join(f"; {note}" for note in data.notes)
    return f"{data.name}: {what}{extra}. Task: {task} of {data.target!r}."


@contextlib.contextmanager
def _quiet_libraries():
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message=".*unknown categories.*")
        warnings.filterwarnings("ignore", message=".*Skipping features without any")
        yield


# --- fit and tune ---------------------------------------------------------------


def _evaluate_and_fit(args, data, task, model, progress, tuning=None):
    """Cross-validate ``model`` beside the baselines, refit it, save it."""
    from .evaluation import MAIN_METRIC, baselines, cross_validate_models, make_folds
    from .persistence import ModelBundle, save_bundle
    from .tabular import summarize

    cv = None
    name = f"skneural {type(_network(model)).__name__}"
    if args.cv >= 2:
        models = {name: model}
        if not args.no_baselines:
            models.update(baselines(data.X, task, random_state=args.seed))
        folds = make_folds(task, args.cv, args.seed)
        bar = progress.folds(len(models) * args.cv)
        progress._first = name
        try:
            cv = cross_validate_models(
                models, data.X, data.y, task, cv=folds, on_fold=progress
            )
            bar.update(1)
        finally:
            bar.close()
        _say(args, f"\n{args.cv}-fold cross-validation (same folds for every model):")
        _say(args, cv.format())
    progress.state["desc"] = "final fit on all the data"
    model.fit(data.X, data.y)
    _set_callbacks(model, None)  # the saved model carries no progress bar
    net = _network(model)
    bundle = ModelBundle(
        model=model,
        task=task,
        target=data.target,
        features=None if data.is_images else [str(c) for c in data.X.columns],
        data=summarize(data, task),
        cv=cv,
        history=dict(net.history_),
        tuning=tuning,
        model_kind=args.model,
        command=" ".join(["skneural", *map(shlex.quote, sys.argv[1:])])
        if Path(sys.argv[0]).name == "skneural"
        else "",
    )
    save_bundle(bundle, args.out)
    if cv is not None:
        main = MAIN_METRIC[task]
        _say(
            args,
            f"\nCross-validated {main}: {cv.mean(name, main):.4g}. "
            f"Final fit: {net.n_iter_} epochs. Saved the model to {args.out}",
        )
    else:
        _say(args, f"Final fit: {net.n_iter_} epochs. Saved the model to {args.out}")
    if args.report:
        from .report import write_report

        write_report(bundle, args.report)
        _say(args, f"Wrote the report to {args.report}")
    return bundle


def _network(model):
    from .evaluation import network_of

    return network_of(model)


def _check_training_args(args) -> dict[str, Any]:
    """What a training command can check before loading anything: its settings."""
    _check_out(args.out)
    if args.report:
        _check_out(args.report, "--report")
    params = parse_settings(args.set)
    check_source(args.data, "train")
    return params


def cmd_fit(args) -> int:
    """Fit a network with cross-validation and baselines, and save it."""
    params = _check_training_args(args)
    data, task = _load_training_data(args)
    _start_keras(args)
    from .tabular import make_model

    _check_settings(params, task, args.model)
    params.setdefault("random_state", args.seed)
    model = make_model(data, task, args.model, **params)
    _say(args, _describe(data, task))
    progress = _Progress(args.quiet)
    progress.attach(model)
    with _quiet_libraries():
        _evaluate_and_fit(args, data, task, model, progress)
    return 0


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


def cmd_tune(args) -> int:
    """Tune a network with Optuna (resumable), then evaluate, refit and save it."""
    if args.cv < 2:
        raise UsageError("tune needs cross-validation: use --cv 2 or more.")
    params = _check_training_args(args)
    out = Path(args.out)
    data, task = _load_training_data(args)
    _start_keras(args)
    import optuna

    from .evaluation import MAIN_METRIC, make_folds
    from .tabular import make_model
    from .tuning import make_storage, tune

    _check_settings(params, task, args.model)
    params.setdefault("random_state", args.seed)
    model = make_model(data, task, args.model, **params)
    _say(args, _describe(data, task))

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
        _say(
            args,
            f"Study {study_name!r} in {url} has {finished} finished trials; "
            f"running {n_trials} more to reach --trials {args.trials}.",
        )
    else:
        _say(args, f"Study {study_name!r} in {url}: {args.trials} trials.")
    progress = _Progress(args.quiet)
    progress.attach(model)
    progress.state["desc"] = "trial"
    folds = make_folds(task, args.cv, args.seed)
    main = MAIN_METRIC[task]
    with _quiet_libraries():
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
        _say(
            args, f"Best cross-validated {main} in the study: {result.best_score_:.4g}"
        )
        _evaluate_and_fit(args, data, task, model, progress, tuning)
    return 0


def _check_study_fits(study, model, url: str) -> None:
    """Refuse to continue a study whose trials set parameters ``model`` lacks.

    Its best trial could not be applied: the study was made for another
    model, or by an earlier skneural (whose regressors sat in a target
    wrapper, ``net__regressor__...``).
    """
    import optuna

    from .tuning import search_space

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
    import optuna

    complete = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    if len(complete) < 3:
        return {}
    try:
        values = optuna.importance.get_param_importances(study)
    except (RuntimeError, ValueError):
        return {}
    return {k: round(float(v), 4) for k, v in values.items()}


# --- predict, evaluate, report --------------------------------------------------


def _features_for(bundle, args, *, need_target: bool):
    """Read DATA for a saved model: the feature columns it knows (and target)."""
    from .tabular import has_test_split, load_data

    name = args.data.partition(":")[0]
    named = name in DATASETS and not Path(args.data).exists()
    split = "test" if named and has_test_split(name) else None
    if named and need_target and split is None:
        print(
            f"Note: {name!r} has no held-out test split, so these scores are on all "
            "of it, rows the model was trained on included. The cross-validated "
            "scores in the report estimate how it does on new data.",
            file=sys.stderr,
        )
    target = getattr(args, "target", None) or bundle.target
    data = load_data(args.data, (target or None) if named else None, split=split)
    if named:
        X, y = data.X, data.y
    else:
        frame = data.X
        y = None
        if target in frame.columns:
            y = frame[target]
            frame = frame.drop(columns=[target])
        elif need_target and not target:
            raise DataError(
                f"{args.model!r} does not name its target column (it was saved "
                "with skneural.save, not by skneural fit or tune): give the column "
                "to compare predictions with as --target COL."
            )
        elif need_target:
            whose = "the given" if getattr(args, "target", None) else "the model's"
            raise DataError(
                f"{args.data!r} has no column {target!r}, {whose} target: evaluate "
                f"compares predictions with it.{did_you_mean(target, frame.columns)}"
            )
        X = frame
        if bundle.features is not None:
            missing = [c for c in bundle.features if c not in frame.columns]
            if missing:
                shown = ", ".join(map(repr, missing[:10]))
                more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
                raise DataError(
                    f"{args.data!r} lacks {len(missing)} column(s) the model was "
                    f"trained on: {shown}{more}."
                )
            X = frame[bundle.features]
        if y is not None:
            keep = y.notna().to_numpy()
            X, y = X[keep], y[keep]
    return X, y


def _load_model(args, *, check_data: bool = True):
    """Check the paths the command was given, then load the model file."""
    if not Path(args.model).is_file():
        raise UsageError(
            f"No such model file: {args.model!r}"
            + (" (it is a folder)." if Path(args.model).is_dir() else ".")
            + " Give a file written by `skneural fit` or `skneural tune`."
        )
    if check_data:
        check_source(args.data)
    _status(args, f"Loading {args.model} ...")
    _start_keras(args)
    from .persistence import load_bundle

    return load_bundle(args.model)


def cmd_predict(args) -> int:
    """Write the model's predictions for DATA to a CSV file."""
    if args.out != "-":
        _check_out(args.out)
    bundle = _load_model(args)
    import pandas as pd

    from .persistence import atomic_write

    X, _ = _features_for(bundle, args, need_target=False)
    with _quiet_libraries():
        pred = bundle.model.predict(X)
    name = f"predicted_{bundle.target}" if bundle.target else "prediction"
    columns = (
        {name: pred}
        if pred.ndim == 1
        else {f"{name}_{i}": pred[:, i] for i in range(pred.shape[1])}
    )
    frame = pd.DataFrame(columns)
    if bundle.task == "classification" and args.proba:
        proba = bundle.model.predict_proba(X)
        for i, label in enumerate(bundle.model.classes_):
            frame[f"proba_{label}"] = proba[:, i]
    if args.out == "-":
        frame.to_csv(sys.stdout, index=False)
    else:
        with atomic_write(args.out, "w") as handle:
            frame.to_csv(handle, index=False)
        print(f"Wrote {len(frame):,} predictions to {args.out}", file=sys.stderr)
    return 0


def cmd_evaluate(args) -> int:
    """Print the model's metrics on DATA (which must hold the target)."""
    bundle = _load_model(args)
    from .evaluation import score

    X, y = _features_for(bundle, args, need_target=True)
    with _quiet_libraries():
        if bundle.task == "classification":
            unknown = sorted(set(map(str, y)) - set(map(str, bundle.model.classes_)))
            if unknown:
                print(
                    f"Note: {len(unknown)} class(es) in the data were not in training: "
                    f"{', '.join(unknown[:5])}",
                    file=sys.stderr,
                )
        values = score(bundle.model, X, y, bundle.task)
    width = max(map(len, values))
    print(f"{args.data}: {len(y):,} rows")
    for metric, value in values.items():
        print(f"{metric:<{width}}  {value:.4f}")
    return 0


def cmd_report(args) -> int:
    """Write the HTML report of a saved model."""
    _check_out(args.out)
    bundle = _load_model(args, check_data=False)
    from .report import write_report

    write_report(bundle, args.out)
    print(f"Wrote the report to {args.out}")
    return 0


def cmd_datasets(args) -> int:
    """List the named datasets."""
    width = max(map(len, DATASETS))
    for name, dataset in DATASETS.items():
        target = repr(dataset.target)
        print(f"{name:<{width}}  target {target:<24} {dataset.description}")
    return 0


# --- the parser -----------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number, got {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _quiet_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--quiet", action="store_true", help="no progress bars or status lines"
    )


def _training_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", metavar="DATA", help="CSV or Parquet file, or dataset name")
    p.add_argument("--target", metavar="COL", help="the column to predict")
    p.add_argument(
        "--task",
        choices=("auto", "regression", "classification"),
        default="auto",
        help="auto: text/category targets and numbers with <= 20 whole values "
        "are classification (default: auto)",
    )
    p.add_argument(
        "--model",
        choices=("dense", "conv"),
        default="dense",
        help="dense network (tables) or convolutional (images, signals)",
    )
    p.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="a network parameter, e.g. --set hidden_layer_sizes=64,32 "
        "--set dropout=0.2 (repeatable)",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="MODEL",
        help="model file to write (safe format: no code runs when it loads; "
        "e.g. model.skn)",
    )
    p.add_argument("--report", metavar="HTML", help="also write the HTML report")
    p.add_argument(
        "--cv", type=_positive_int, default=5, help="cross-validation folds (default 5)"
    )
    p.add_argument("--no-baselines", action="store_true", help="skip the baselines")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    _quiet_argument(p)


def build_parser() -> argparse.ArgumentParser:
    """The ``skneural`` argument parser."""
    from . import __version__

    parser = _Parser(
        prog="skneural",
        description="Cross-validated, tuned Keras networks for tables and images, "
        "with scikit-learn baselines and an HTML report.",
    )
    parser.add_argument(
        "--version", action="version", version=f"skneural {__version__}"
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    parser.commands = sub.choices  # command name -> its parser

    p = sub.add_parser("fit", help="fit a network (cross-validated) and save it")
    _training_arguments(p)
    p.set_defaults(run=cmd_fit)

    p = sub.add_parser("tune", help="tune a network with Optuna and save the best")
    _training_arguments(p)
    p.add_argument(
        "--trials",
        type=_positive_int,
        default=20,
        help="trials the study should have (a continued study runs the rest; "
        "default 20)",
    )
    p.add_argument(
        "--timeout", type=_positive_float, metavar="S", help="stop after S seconds"
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
        choices=("median", "hyperband", "successive_halving", "none"),
        default="median",
        help="stop unpromising trials early (default median)",
    )
    p.set_defaults(run=cmd_tune)

    p = sub.add_parser("predict", help="predict DATA with a saved model")
    p.add_argument("model", metavar="MODEL", help="model file written by fit or tune")
    p.add_argument("data", metavar="DATA", help="CSV or Parquet file, or dataset name")
    p.add_argument(
        "--out", required=True, metavar="CSV", help="CSV file to write (- for stdout)"
    )
    p.add_argument(
        "--proba", action="store_true", help="add class probabilities (classifiers)"
    )
    _quiet_argument(p)
    p.set_defaults(run=cmd_predict)

    p = sub.add_parser("evaluate", help="score a saved model on DATA with its target")
    p.add_argument("model", metavar="MODEL", help="model file written by fit or tune")
    p.add_argument(
        "data", metavar="DATA", help="CSV or Parquet file (or dataset) with the target"
    )
    p.add_argument(
        "--target",
        metavar="COL",
        help="the target column, when it is not the model's own (or the model file, "
        "written by skneural.save, does not name it)",
    )
    _quiet_argument(p)
    p.set_defaults(run=cmd_evaluate)

    p = sub.add_parser("report", help="write the HTML report of a saved model")
    p.add_argument("model", metavar="MODEL", help="model file written by fit or tune")
    p.add_argument("--out", required=True, metavar="HTML", help="HTML file to write")
    _quiet_argument(p)
    p.set_defaults(run=cmd_report)

    p = sub.add_parser("datasets", help="list the named datasets")
    p.set_defaults(run=cmd_datasets)
    return parser


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors suggest the closest command or choice."""

    def error(self, message: str):
        match = re.search(r"invalid choice: '?(.*?)'? \(choose from", message)
        if match:
            choices = [
                choice
                for action in self._actions
                if action.choices is not None
                for choice in action.choices
            ]
            hint = did_you_mean(match.group(1), choices)
            message = f"{message.rstrip('.')}.{hint}" if hint else message
        super().error(message)

    def refuse_unknown(self, extras: list[str]) -> None:
        """Exit with a usage error naming ``extras``, each with a did-you-mean."""
        options = [o for action in self._actions for o in action.option_strings]
        hints = []
        for extra in extras:
            close = extra[:1] == "-" and closest(extra.partition("=")[0], options)
            if close:
                hints.append(f"{extra}: did you mean {close}?")
        self.error(
            f"unrecognized arguments: {' '.join(extras)}"
            + (f" ({'; '.join(hints)})" if hints else "")
        )


def main(argv: list[str] | None = None) -> int:
    """Run the ``skneural`` command; returns the exit status.

    0: done. 1: training failed (diverged, out of memory; one line on
    stderr). 2: a mistake in the command or the data (one line on stderr,
    with the closest option, command or dataset name where one fits).
    130: interrupted (Ctrl-C); a tuning study keeps its finished trials.
    """
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:
        parser.commands[args.command].refuse_unknown(extras)
    try:
        return args.run(args)
    except (UsageError, DataError, FileNotFoundError) as exc:
        print(f"skneural {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except SkneuralError as exc:  # a bad parameter, a damaged model file, ...
        code = 2 if isinstance(exc, (InvalidParameterError, ModelFileError)) else 1
        print(f"skneural {args.command}: error: {exc}", file=sys.stderr)
        return code
    except ImportError as exc:
        extra = {"optuna": "cli", "tqdm": "cli", "matplotlib": "cli"}.get(
            (exc.name or "").split(".")[0]
        )
        hint = f" Install it with: pip install 'skneural[{extra}]'" if extra else ""
        print(f"skneural {args.command}: error: {exc}.{hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"\nskneural {args.command}: interrupted; nothing was saved to --out "
            "(a tuning study keeps its finished trials: run the same command again "
            "to continue).",
            file=sys.stderr,
        )
        return 130


def console() -> int:
    """The ``skneural`` console script: :func:`main` with a quiet terminal.

    The backends' loggers are quieted and native libraries' log records held
    back (see :mod:`skneural._console`); a program calling :func:`main` or
    importing skneural keeps its own logging.
    """
    from ._console import native_logs_held_back, quiet_env

    quiet_env()
    with native_logs_held_back():
        return main()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(console())
