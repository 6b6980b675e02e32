import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
from keras_models import dense_classifier, dense_regressor
from sklearn.datasets import load_iris, make_classification, make_regression

import skneural

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


#: XLA flags for the tests' fresh JAX processes. XLA compiles every fit; on
#: a CPU most of a test's time is LLVM optimizing machine code for networks
#: that then train a few epochs. Without those passes the JAX smoke run
#: (test_backends.py) took 30% less time (303 -> 214 s); the same tests
#: pass (the passes change speed, not results beyond rounding).
FAST_XLA_FLAGS = "--xla_backend_optimization_level=0"


def pytest_report_header(config):
    import keras

    return f"keras backend: {keras.backend.backend()}"


#: Each family's settings for a network that trains in well under a second on
#: toy data (seeded; ``tiny(name, **params)`` overrides any of them).
TINY = {
    "dense": dict(
        hidden_layer_sizes=(16,), epochs=5, learning_rate=0.01, random_state=0
    ),
    "conv": dict(
        filters=(4,),
        hidden_layer_sizes=(8,),
        epochs=1,
        early_stopping=False,
        learning_rate=0.01,
        random_state=0,
    ),
    "KerasClassifier": dict(
        model=dense_classifier, optimizer="adam", epochs=5, verbose=0, random_state=0
    ),
    "KerasRegressor": dict(
        model=dense_regressor,
        loss="mse",
        optimizer="adam",
        epochs=5,
        verbose=0,
        random_state=0,
    ),
}


def tiny(name: str = "NeuralClassifier", **params):
    """A small, seeded estimator of the public class ``name``: the suite's one
    factory of estimators (``tiny("ConvRegressor", epochs=2)``)."""
    if name.startswith("Neural"):
        family = "dense"
    elif name.startswith("Conv"):
        family = "conv"
    else:
        family = name
    return getattr(skneural, name)(**{**TINY[family], **params})


#: The two dense estimators, for tests that run on both.
BOTH = ("NeuralClassifier", "NeuralRegressor")


def data_for(name: str, iris, regression_data):
    """The toy data a test of estimator ``name`` fits: iris or a regression."""
    return iris if name.endswith("Classifier") else regression_data


def outputs(est, X):
    """What a fitted estimator computes: probabilities, or predictions."""
    return est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)


#: `skneural fit` / `tune` options for a fit of a few seconds.
CLI_FAST = ["--set", "epochs=4", "--set", "hidden_layer_sizes=16", "--quiet"]


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
