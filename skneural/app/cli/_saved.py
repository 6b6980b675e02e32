"""What ``predict``, ``evaluate`` and ``report`` share: a saved model, its data.

pandas, scikit-learn and Keras are imported inside the functions ("heavy"),
when a command runs: `--help` and mistakes in the command line answer
without them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..._params import did_you_mean
from ...exceptions import DataError, UsageError
from ..catalog import DATASETS, check_source
from ._common import start_keras, status


def load_model(args: argparse.Namespace, *, check_data: bool = True):
    """Check the paths the command was given, then load the model file."""
    if not Path(args.model).is_file():
        raise UsageError(
            f"No such model file: {args.model!r}"
            + (" (it is a folder)." if Path(args.model).is_dir() else ".")
            + " Give a file written by `skneural fit` or `skneural tune`."
        )
    if check_data:
        check_source(args.data)
    status(args, f"Loading {args.model} ...")
    start_keras(args)
    from ..bundle import load_bundle  # heavy

    return load_bundle(args.model)


def features_for(bundle, args: argparse.Namespace, *, need_target: bool):
    """Read DATA for a saved model: the feature columns it knows (and target)."""
    from ..data import has_test_split, load_data  # heavy

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
        if y is not None and need_target:
            # evaluate compares with the target where there is one; predict
            # keeps every row, so that its output lines up with DATA's rows
            keep = y.notna().to_numpy()
            X, y = X[keep], y[keep]
    return X, y
