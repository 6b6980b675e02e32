"""Hyperparameter tuning with Optuna: search spaces, ``tune``, pruning.

Needs Optuna (``pip install skneural[tune]``); importing ``skneural`` does
not import it. The names below are imported on first use, like those of
``skneural`` itself, so the command line reads :data:`PRUNERS` without
loading Keras.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:  # what the lazy names below resolve to, for type checkers
    from ._pruners import PRUNERS
    from ._space import SearchSpace, Widths, search_space
    from ._tune import PruningCallback, TuneResult, make_storage, tune

#: Public name -> the module that defines it, imported when first asked for.
_LAZY = {
    "PRUNERS": "._pruners",
    "SearchSpace": "._space",
    "Widths": "._space",
    "search_space": "._space",
    "PruningCallback": "._tune",
    "TuneResult": "._tune",
    "make_storage": "._tune",
    "tune": "._tune",
}

__all__ = [
    "PRUNERS",
    "PruningCallback",
    "SearchSpace",
    "TuneResult",
    "Widths",
    "make_storage",
    "search_space",
    "tune",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
