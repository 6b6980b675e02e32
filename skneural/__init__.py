"""skneural: scikit-learn estimators backed by Keras 3 networks.

The public names are imported on first use (``from skneural import
NeuralClassifier`` imports Keras and its backend then), so ``import skneural``
and the ``skneural`` command's ``--help`` stay instant. A missing Keras
backend is reported at that first use, by an ``ImportError`` naming the extra
to install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names
from .exceptions import (
    DataError,
    DataTypeError,
    DeviceMemoryError,
    DivergenceError,
    FitInterruptedWarning,
    InvalidParameterError,
    MissingFileError,
    ModelFileError,
    NoResultError,
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
    "DataTypeError",
    "DeviceMemoryError",
    "DivergenceError",
    "FitInterruptedWarning",
    "InvalidParameterError",
    "KerasClassifier",
    "KerasRegressor",
    "MissingFileError",
    "ModelFileError",
    "NeuralClassifier",
    "NeuralRegressor",
    "NoResultError",
    "NotFittedError",
    "SkneuralError",
    "UsageError",
    "__version__",
    "load",
    "save",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
