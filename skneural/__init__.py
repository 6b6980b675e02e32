"""skneural: scikit-learn estimators backed by Keras 3 networks.

The public names are imported on first use (``from skneural import
NeuralClassifier`` imports Keras and its backend then), so ``import skneural``
and the ``skneural`` command's ``--help`` stay instant. A missing Keras
backend is reported at that first use, by an ``ImportError`` naming the extra
to install.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .exceptions import (
    DataError,
    DeviceMemoryError,
    DivergenceError,
    FitInterruptedWarning,
    InvalidParameterError,
    ModelFileError,
    SkneuralError,
    UsageError,
)

if TYPE_CHECKING:  # what the lazy names below resolve to, for type checkers
    from sklearn.exceptions import NotFittedError

    from .classifier import ConvClassifier, NeuralClassifier
    from .regressor import ConvRegressor, NeuralRegressor
    from .saving import load, save
    from .wrappers import KerasClassifier, KerasRegressor

__version__ = "0.1.0"

#: Public name -> the module that defines it, imported when first asked for.
_LAZY = {
    "ConvClassifier": ".classifier",
    "NeuralClassifier": ".classifier",
    "ConvRegressor": ".regressor",
    "NeuralRegressor": ".regressor",
    "KerasClassifier": ".wrappers",
    "KerasRegressor": ".wrappers",
    "load": ".saving",
    "save": ".saving",
    "NotFittedError": ".exceptions",
}

__all__ = [
    "ConvClassifier",
    "ConvRegressor",
    "DataError",
    "DeviceMemoryError",
    "DivergenceError",
    "FitInterruptedWarning",
    "InvalidParameterError",
    "KerasClassifier",
    "KerasRegressor",
    "ModelFileError",
    "NeuralClassifier",
    "NeuralRegressor",
    "NotFittedError",
    "SkneuralError",
    "UsageError",
    "__version__",
    "load",
    "save",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
