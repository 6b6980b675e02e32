"""``skneural datasets``: list the named datasets."""

from __future__ import annotations

import argparse

from ..catalog import DATASETS

HELP = "list the named datasets"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """``datasets`` takes no arguments."""


def run(args: argparse.Namespace) -> int:
    """List the named datasets."""
    width = max(map(len, DATASETS))
    for name, dataset in DATASETS.items():
        target = repr(dataset.target)
        print(f"{name:<{width}}  target {target:<24} {dataset.description}")
    return 0
