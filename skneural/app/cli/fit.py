"""``skneural fit``: fit a network with cross-validation and baselines, save it."""

from __future__ import annotations

import argparse

from . import _training
from ._common import quiet_libraries, start_keras

HELP = "fit a network (cross-validated) and save it"


#: The arguments of ``fit``: those every training command takes.
add_arguments = _training.add_arguments


def run(args: argparse.Namespace) -> int:
    """Fit a network with cross-validation and baselines, and save it."""
    params = _training.check_arguments(args)
    data, task = _training.load_training_data(args)
    start_keras(args)
    model = _training.build_model(args, params, data, task)
    print(_training.describe(data, task), flush=True)
    progress = _training.Progress(args.quiet)
    progress.attach(model)
    with quiet_libraries():
        _training.evaluate_and_fit(args, data, task, model, progress)
    return 0
