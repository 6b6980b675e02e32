"""Hyperparameter tuning with Optuna: search spaces, ``tune``, pruning.

Needs Optuna (``pip install skneural[tune]``); importing ``skneural`` does
not import it.
"""

from ._space import SearchSpace, Widths, search_space
from ._tune import PruningCallback, TuneResult, make_storage, tune

__all__ = [
    "PruningCallback",
    "SearchSpace",
    "TuneResult",
    "Widths",
    "make_storage",
    "search_space",
    "tune",
]
