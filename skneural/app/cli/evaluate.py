"""``skneural evaluate``: score a saved model on DATA that holds the target."""

from __future__ import annotations

import argparse
import sys

from ._common import add_model_file, add_quiet, quiet_libraries
from ._saved import features_for, load_model

HELP = "score a saved model on DATA with its target"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``evaluate``."""
    add_model_file(p)
    p.add_argument(
        "data", metavar="DATA", help="CSV or Parquet file (or dataset) with the target"
    )
    p.add_argument(
        "--target",
        metavar="COL",
        help="the target column, when it is not the model's own (or the model file, "
        "written by skneural.save, does not name it)",
    )
    add_quiet(p)


def run(args: argparse.Namespace) -> int:
    """Print the model's metrics on DATA (which must hold the target)."""
    bundle = load_model(args)
    from ..evaluation import score  # heavy

    X, y = features_for(bundle, args, need_target=True)
    with quiet_libraries():
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
