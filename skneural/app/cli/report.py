"""``skneural report``: write the HTML report of a saved model."""

from __future__ import annotations

import argparse

from ._common import add_model_file, add_quiet, check_out
from ._saved import load_model

HELP = "write the HTML report of a saved model"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``report``."""
    add_model_file(p)
    p.add_argument("--out", required=True, metavar="HTML", help="HTML file to write")
    add_quiet(p)


def run(args: argparse.Namespace) -> int:
    """Write the HTML report of a saved model."""
    check_out(args.out)
    bundle = load_model(args, check_data=False)
    from ..report import write_report  # heavy

    write_report(bundle, args.out)
    print(f"Wrote the report to {args.out}")
    return 0
