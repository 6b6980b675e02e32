"""skneural: scikit-learn estimators backed by Keras 3 networks."""

# Importing .backend first makes a missing Keras backend fail here, with an
# ImportError that names the extra to install.
from . import backend as _backend  # noqa: F401
from .classifier import ConvClassifier, NeuralClassifier
from .exceptions import (
    DeviceMemoryError,
    DivergenceError,
    FitInterruptedWarning,
    InvalidParameterError,
    ModelFileError,
    NotFittedError,
    SkneuralError,
)
from .regressor import ConvRegressor, NeuralRegressor
from .saving import load, save
from .wrappers import KerasClassifier, KerasRegressor

__version__ = "0.1.0"

__all__ = [
    "ConvClassifier",
    "ConvRegressor",
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
    "__version__",
    "load",
    "save",
]
