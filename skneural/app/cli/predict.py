"""``skneural predict``: write a saved model's predictions for DATA to a CSV file."""

from __future__ import annotations

import argparse
import sys

from ..._files import atomic_write
from ._common import add_model_file, add_quiet, check_out, quiet_libraries
from ._saved import features_for, load_model

HELP = "predict DATA with a saved model"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``predict``."""
    add_model_file(p)
    p.add_argument("data", metavar="DATA", help="CSV or Parquet file, or dataset name")
    p.add_argument(
        "--out", required=True, metavar="CSV", help="CSV file to write (- for stdout)"
    )
    p.add_argument(
        "--proba", action="store_true", help="add class probabilities (classifiers)"
    )
    add_quiet(p)


def run(args: argparse.Namespace) -> int:
    """Write the model's predictions for DATA to a CSV file."""
    if args.out != "-":
        check_out(args.out)
    bundle = load_model(args)
    import pandas as pd  # heavy

    X, _ = features_for(bundle, args, need_target=False)
    with quiet_libraries():
        pred = bundle.model.predict(X)
    name = f"predicted_{bundle.target}" if bundle.target else "prediction"
    columns = (
        {name: pred}
        if pred.ndim == 1
        else {f"{name}_{i}": pred[:, i] for i in range(pred.shape[1])}
    )
    frame = pd.DataFrame(columns)
    if args.proba and bundle.task != "classification":
        print(
            f"Note: --proba adds class probabilities, and {args.model!r} is a "
            f"{bundle.task} model: predictions only.",
            file=sys.stderr,
        )
    elif args.proba:
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
