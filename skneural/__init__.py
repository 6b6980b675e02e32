"""skneural: scikit-learn estimators backed by Keras 3 networks."""

from .backend import import_keras as _import_keras

_import_keras()  # a missing backend fails here, naming the extra to install

from .classifier import NeuralClassifier  # noqa: E402
from .exceptions import InvalidParameterError, NotFittedError, SkneuralError  # noqa: E402
from .regressor import NeuralRegressor  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "InvalidParameterError",
    "NeuralClassifier",
    "NeuralRegressor",
    "NotFittedError",
    "SkneuralError",
    "__version__",
]
