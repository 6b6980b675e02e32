"""Neural network regressors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.base import RegressorMixin

from ._dense import DenseArchitectureMixin
from ._docs import fill
from .base import BaseNeuralEstimator
from .targets import RegressionTargetEncoder
from .training import REGRESSION_LOSSES


class BaseNeuralRegressor(RegressorMixin, BaseNeuralEstimator):
    """Regression behaviour shared by every skneural regressor."""

    _LOSS_NAMES = REGRESSION_LOSSES
    _y_check = {"multi_output": True, "y_numeric": True}

    def _make_target_encoder(self, loss, classes):
        return RegressionTargetEncoder()

    def _default_loss(self, encoder) -> str:
        return "mse"

    def partial_fit(self, X, y, sample_weight=None):
        """Train for exactly one epoch, starting a network on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
        """
        return self._partial_fit(X, y, sample_weight)

    def predict(self, X):
        """Predict targets for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions in the shape of the training target.
        """
        outputs = self._predict_outputs(X)
        return self.target_encoder_.inverse_transform(outputs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


class NeuralRegressor(DenseArchitectureMixin, BaseNeuralRegressor):  # noqa: D101
    __doc__ = fill(
        """A fully connected neural network regressor trained with Keras.

    Works like any scikit-learn regressor (pipelines, searches, cloning,
    pickling) while the model underneath is a Keras network. One- and
    multi-output targets; the output layer is linear and starts at the
    target's mean.

    Parameters
    ----------
    {architecture}
    {training}
    loss : str, keras.losses.Loss or callable, default="auto"
        ``"auto"`` is mean squared error. Also ``"mae"``, ``"mape"``,
        ``"huber"``, ``"log_cosh"`` or any Keras loss.
    {control}
    {run}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    NeuralClassifier : The classification counterpart.
    sklearn.neural_network.MLPRegressor : scikit-learn's own, NumPy-only MLP.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skneural import NeuralRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    >>> reg = NeuralRegressor(hidden_layer_sizes=(32,), epochs=5, random_state=0)
    >>> reg.fit(X, y).predict(X[:2]).shape
    (2,)
    """
    )

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (100,),
        activation: str = "relu",
        kernel_initializer: Any = "glorot_uniform",
        dropout: float | Sequence[float] = 0.0,
        batch_normalization: bool = False,
        l1: float = 0.0,
        l2: float = 0.0,
        optimizer: Any = "adam",
        learning_rate: float = 0.001,
        momentum: float = 0.9,
        batch_size: int = 32,
        epochs: int = 100,
        shuffle: bool = True,
        loss: Any = "auto",
        metrics: Sequence | None = None,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        patience: int = 10,
        min_delta: float = 1e-4,
        restore_best_weights: bool = True,
        reduce_lr_on_plateau: bool = False,
        callbacks: Sequence | None = None,
        random_state: Any = None,
        verbose: int = 0,
        warm_start: bool = False,
        device: str = "auto",
        distribute: str | None = None,
        precision: str = "float32",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.kernel_initializer = kernel_initializer
        self.dropout = dropout
        self.batch_normalization = batch_normalization
        self.l1 = l1
        self.l2 = l2
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.epochs = epochs
        self.shuffle = shuffle
        self.loss = loss
        self.metrics = metrics
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best_weights = restore_best_weights
        self.reduce_lr_on_plateau = reduce_lr_on_plateau
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
        self.distribute = distribute
        self.precision = precision
