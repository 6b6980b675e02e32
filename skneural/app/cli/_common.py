"""What every command shares: argument types, path checks, status lines."""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from pathlib import Path

from ...exceptions import UsageError


def positive_int(text: str) -> int:
    """An argument type: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number, got {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def positive_float(text: str) -> float:
    """An argument type: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def add_quiet(parser: argparse.ArgumentParser) -> None:
    """The ``--quiet`` option."""
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bars or status lines"
    )


def add_model_file(parser: argparse.ArgumentParser) -> None:
    """The MODEL argument of the commands that read a saved model."""
    parser.add_argument(
        "model", metavar="MODEL", help="model file written by fit or tune"
    )


def check_out(path: str, what: str = "--out") -> Path:
    """Refuse an output path whose folder is missing, or that is a folder."""
    out = Path(path)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{what} {path}: the folder {str(folder)!r} does not exist.")
    if out.is_dir():
        raise UsageError(f"{what} {path} is a folder; give a file name.")
    return out


def status(args: argparse.Namespace, text: str) -> None:
    """A line on stderr saying what the command is doing (none with --quiet)."""
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr, flush=True)


def start_keras(args: argparse.Namespace) -> None:
    """Import Keras and its backend (seconds), saying so first."""
    if "skneural.backend" not in sys.modules:
        status(args, "Starting Keras ...")
    # imported here, after the status line: it takes seconds
    from ... import backend  # noqa: F401


@contextlib.contextmanager
def quiet_libraries():
    """Hide scikit-learn's convergence and unknown-category warnings."""
    # scikit-learn is imported when a command works, not for --help
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message=".*unknown categories.*")
        warnings.filterwarnings("ignore", message=".*Skipping features without any")
        yield
