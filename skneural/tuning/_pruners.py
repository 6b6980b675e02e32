"""Optuna pruners by name: the names are here, light, for the command line."""

from __future__ import annotations

from .. import _params as P

#: The pruners ``tune`` and ``skneural tune --pruner`` know by name.
PRUNERS = ("median", "hyperband", "successive_halving", "none")


def make_pruner(pruner):
    """An Optuna pruner from a name, an instance or None."""
    import optuna  # optional (the `tune` extra); PRUNERS is read without it

    if isinstance(pruner, optuna.pruners.BasePruner):
        return pruner
    if pruner is None or pruner == "none":
        return optuna.pruners.NopPruner()
    if pruner == "median":
        # Compare from the 3rd epoch on, once 5 trials have finished.
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=2)
    if pruner == "hyperband":
        return optuna.pruners.HyperbandPruner()
    if pruner == "successive_halving":
        return optuna.pruners.SuccessiveHalvingPruner()
    hint = P.did_you_mean(pruner, PRUNERS) if isinstance(pruner, str) else ""
    P.fail(
        "tune",
        "pruner",
        f"one of {', '.join(map(repr, PRUNERS))}, None or an optuna pruner",
        pruner,
        hint,
    )
