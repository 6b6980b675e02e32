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

Each command is a module here with ``HELP``, ``add_arguments(parser)`` and
``run(args)``; only light modules are imported at the top of each, so
``--help``, ``--version``, ``datasets`` and mistakes in the command line
answer without loading pandas, scikit-learn or Keras. The imports marked
``# heavy`` inside the commands' functions are those: they load NumPy,
pandas, scikit-learn, Keras or Optuna only when a command needs them
(``benchmarks/bench_cli.py`` times what that saves).
"""

from __future__ import annotations

import argparse
import re
import sys

from ... import __version__
from ..._params import closest, did_you_mean
from ...exceptions import (
    DataError,
    InvalidParameterError,
    ModelFileError,
    SkneuralError,
    UsageError,
)
from . import datasets, evaluate, fit, predict, report, tune
from ._console import native_logs_held_back, quiet_env

__all__ = ["build_parser", "console", "main"]

#: The commands, in the order ``--help`` lists them.
COMMANDS = {
    "fit": fit,
    "tune": tune,
    "predict": predict,
    "evaluate": evaluate,
    "report": report,
    "datasets": datasets,
}


def build_parser() -> argparse.ArgumentParser:
    """The ``skneural`` argument parser."""
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
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, help=command.HELP)
        command.add_arguments(p)
        p.set_defaults(run=command.run)
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
    back (see :mod:`skneural.app.cli._console`); a program calling :func:`main` or
    importing skneural keeps its own logging.
    """
    quiet_env()
    with native_logs_held_back():
        return main()
