"""What ``fit`` and ``tune`` share.

Their arguments, reading the data, building the model, progress bars, and
cross-validating, refitting and saving the model.
"""

from __future__ import annotations

import argparse
import ast
import shlex
import sys
from pathlib import Path
from typing import Any

from ..._params import did_you_mean
from ...exceptions import DataError, UsageError
from ..catalog import MODELS, TASKS, check_source
from ._common import add_quiet, check_out, positive_int, status

# pandas, scikit-learn, Keras and tqdm are imported inside the functions
# below ("heavy"), when a command runs: `--help` and mistakes in the command
# line answer without them.


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``fit`` and ``tune``."""
    p.add_argument("data", metavar="DATA", help="CSV or Parquet file, or dataset name")
    p.add_argument("--target", metavar="COL", help="the column to predict")
    p.add_argument(
        "--task",
        choices=("auto", *TASKS),
        default="auto",
        help="auto: text/category targets and numbers with <= 20 whole values "
        "are classification (default: auto)",
    )
    p.add_argument(
        "--model",
        choices=MODELS,
        default=MODELS[0],
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
        "--cv", type=positive_int, default=5, help="cross-validation folds (default 5)"
    )
    p.add_argument("--no-baselines", action="store_true", help="skip the baselines")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_quiet(p)


# --- before loading anything ----------------------------------------------------


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


def check_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """What a training command can check before loading anything: its settings."""
    check_out(args.out)
    if args.report:
        check_out(args.report, "--report")
    params = parse_settings(args.set)
    check_source(args.data, "train")
    return params


# --- the data and the model -----------------------------------------------------


def load_training_data(args: argparse.Namespace):
    """The data of DATA with its target, and the task."""
    status(args, f"Reading {args.data} ...")
    from ..data import infer_task, load_data  # heavy

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


def build_model(args: argparse.Namespace, params: dict[str, Any], data, task: str):
    """The model the settings describe (checked: each must be a parameter)."""
    from ..models import make_model, make_network  # heavy

    known = make_network(task, args.model).get_params(deep=False)
    for name in params:
        if name not in known:
            raise UsageError(
                f"--set {name}: not a parameter of the {args.model} {task} network."
                f"{did_you_mean(name, known)} See `skneural fit --help` or the "
                "estimator's documentation for its parameters."
            )
    params.setdefault("random_state", args.seed)
    return make_model(data, task, args.model, **params)


def describe(data, task: str) -> str:
    """One line about the data: its size, its columns, the task."""
    if data.is_images:
        shape = "x".join(map(str, data.X.shape[1:]))
        what = f"{len(data.y):,} images of {shape}"
    else:
        from ..preprocessing import categorical_columns  # heavy

        n_cat = len(categorical_columns(data.X))
        what = (
            f"{len(data.y):,} rows, {data.X.shape[1]} feature columns "
            f"({data.X.shape[1] - n_cat} numeric, {n_cat} categorical)"
        )
    extra = "".join(f"; {note}" for note in data.notes)
    return f"{data.name}: {what}{extra}. Task: {task} of {data.target!r}."


# --- progress -------------------------------------------------------------------


def _progress_callback(bar_state: dict):
    """A Keras callback showing one tqdm bar over the epochs of each fit."""
    # heavy
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


class Progress:
    """The command's progress bars (none with ``--quiet``).

    One bar over the epochs of each fit (attached to the model's network),
    and one over the folds of the cross-validation; called as
    ``progress(model_name, fold, n_folds)`` before each fold's fit.
    """

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.state: dict[str, str] = {}
        self.callback = None if quiet else _progress_callback(self.state)
        self.bar = None
        self._first = ""

    def attach(self, model) -> None:
        """Add the epoch bar to the network of ``model`` (a Pipeline)."""
        if self.callback is not None:
            set_callbacks(model, [self.callback])

    def folds(self, total: int, first: str):
        """Start the bar over ``total`` fits; ``first`` is the first model's name."""
        from tqdm.auto import tqdm  # heavy

        self._first = first
        self.bar = tqdm(
            total=total,
            desc="cross-validation",
            unit="fit",
            disable=self.quiet,
            file=sys.stderr,
            dynamic_ncols=True,
        )
        return self.bar

    def __call__(self, name: str, fold: int, n_folds: int) -> None:
        if self.bar is not None:
            if fold or name != self._first:
                self.bar.update(1)
            self.bar.set_postfix_str(f"{name}, fold {fold + 1}/{n_folds}")
        self.state["desc"] = f"{name} fold {fold + 1}/{n_folds}"


def set_callbacks(model, callbacks) -> None:
    """Set the ``callbacks`` of the network inside ``model``."""
    from ..._find import find_network  # heavy

    prefix, _ = find_network(model)
    model.set_params(**{f"{prefix}callbacks": callbacks})


# --- evaluate, refit, save ------------------------------------------------------


def evaluate_and_fit(args, data, task, model, progress, tuning=None):
    """Cross-validate ``model`` beside the baselines, refit it, save it."""
    # heavy
    from ..bundle import ModelBundle, save_bundle
    from ..data import summarize
    from ..evaluation import (
        MAIN_METRIC,
        baselines,
        cross_validate_models,
        make_folds,
        network_of,
    )

    cv = None
    name = f"skneural {type(network_of(model)).__name__}"
    if args.cv >= 2:
        models = {name: model}
        if not args.no_baselines:
            models.update(baselines(data.X, task, random_state=args.seed))
        folds = make_folds(task, args.cv, args.seed)
        bar = progress.folds(len(models) * args.cv, first=name)
        try:
            cv = cross_validate_models(
                models, data.X, data.y, task, cv=folds, on_fold=progress
            )
            bar.update(1)
        finally:
            bar.close()
        print(
            f"\n{args.cv}-fold cross-validation (same folds for every model):",
            flush=True,
        )
        print(cv.format(), flush=True)
    progress.state["desc"] = "final fit on all the data"
    model.fit(data.X, data.y)
    set_callbacks(model, None)  # the saved model carries no progress bar
    net = network_of(model)
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
    done = f"Final fit: {net.n_iter_} epochs. Saved the model to {args.out}"
    if cv is not None:
        main = MAIN_METRIC[task]
        done = f"\nCross-validated {main}: {cv.mean(name, main):.4g}. {done}"
    print(done, flush=True)
    if args.report:
        from ..report import write_report  # heavy

        write_report(bundle, args.report)
        print(f"Wrote the report to {args.report}", flush=True)
    return bundle
