import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_classification, make_regression

from skneural import NeuralClassifier, NeuralRegressor

#: The public estimators, by name (tests that run on every one of them).
ESTIMATOR_NAMES = (
    "NeuralClassifier",
    "NeuralRegressor",
    "ConvClassifier",
    "ConvRegressor",
    "KerasClassifier",
    "KerasRegressor",
)


def installed(module: str) -> bool:
    """Whether ``module`` can be imported (optional test dependencies)."""
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def pytest_report_header(config):
    import keras

    return f"keras backend: {keras.backend.backend()}"


def small_classifier(**params):
    """A classifier that trains in well under a second on toy data."""
    defaults = dict(
        hidden_layer_sizes=(16,), epochs=5, learning_rate=0.01, random_state=0
    )
    return NeuralClassifier(**{**defaults, **params})


def small_regressor(**params):
    defaults = dict(
        hidden_layer_sizes=(16,), epochs=5, learning_rate=0.01, random_state=0
    )
    return NeuralRegressor(**{**defaults, **params})


@pytest.fixture(scope="session")
def iris():
    X, y = load_iris(return_X_y=True)
    return X.astype(np.float32), y


@pytest.fixture(scope="session")
def binary_data():
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, random_state=0
    )
    return X, y


@pytest.fixture(scope="session")
def regression_data():
    X, y = make_regression(n_samples=120, n_features=5, noise=0.1, random_state=0)
    return X, y / np.std(y)
