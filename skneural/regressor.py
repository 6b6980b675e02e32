"""Neural network regressors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import RegressorMixin

from . import _linear
from . import _params as P
from ._conv import CONV_DEFAULTS, ConvArchitectureMixin
from ._dense import DENSE_DEFAULTS, DenseArchitectureMixin
from ._docs import fill
from ._sparse import dense
from .backend import keras
from .base import BaseNeuralEstimator, _auto_or, holds_text, refuse_non_numeric
from .exceptions import DataError
from .inference import chunk_rows, outputs_once
from .targets import RegressionTargetEncoder
from .training import REGRESSION_LOSSES, TrainingConfig, auto_linear_blend

#: Losses whose fit does not depend on where the target sits or on its unit,
#: so that a standardized target trains the same model, better conditioned.
_SCALE_FREE_NAMES = frozenset(
    {"auto", "mse", "mae", "huber", "log_cosh", "logcosh"}
    | {"mean_squared_error", "mean_absolute_error", "huber_loss"}
)
_SCALE_FREE_CLASSES = (
    keras.losses.MeanSquaredError,
    keras.losses.MeanAbsoluteError,
    keras.losses.Huber,
    keras.losses.LogCosh,
)


def _scale_free(loss) -> bool:
    if isinstance(loss, str):
        return loss in _SCALE_FREE_NAMES
    if isinstance(loss, type):
        return issubclass(loss, _SCALE_FREE_CLASSES)
    return isinstance(loss, _SCALE_FREE_CLASSES)


def _row_loss(loss):
    """Each row's loss for the compiled ``loss``, or None for several losses."""
    if isinstance(loss, str):
        return keras.losses.get(loss)
    if isinstance(loss, keras.losses.Loss):
        return loss.call
    return loss if callable(loss) else None


class BaseNeuralRegressor(RegressorMixin, BaseNeuralEstimator):
    """Regression behaviour shared by every skneural regressor."""

    _LOSS_NAMES = REGRESSION_LOSSES
    _y_check = {"multi_output": True, "y_numeric": True}
    #: Whether the estimator has ``linear_blend`` (NeuralRegressor).
    _blends = False

    def _make_target_encoder(self, loss, classes):
        return RegressionTargetEncoder(standardize=self._standardizes(loss))

    def _standardizes(self, loss) -> bool:
        """Whether ``standardize_target`` says to standardize for ``loss``."""
        value = getattr(self, "standardize_target", False)
        if isinstance(value, str) and value == "auto":
            return _scale_free(loss)
        if not isinstance(value, (bool, np.bool_)):
            P.fail(
                type(self).__name__,
                "standardize_target",
                "True, False or 'auto'",
                value,
            )
        return bool(value)

    def _default_loss(self, encoder) -> str:
        return "mse"

    def _training_config(self) -> TrainingConfig:
        config = super()._training_config()
        if self._blends:  # checked before any training
            name, value = type(self).__name__, getattr(self, "linear_blend", False)
            _auto_or(P.check_bool, name, "linear_blend", value, "True, False")
        return config

    def _calibrate(self, fit_data: dict, reset: bool) -> None:
        """Blend the network with a ridge regression on the held-out rows.

        With ``linear_blend``, where early stopping held rows out: the
        network's weight in the blend of lowest loss on them
        (:mod:`skneural._linear`). Otherwise the network alone; continued
        training without held-out rows keeps the blend it had.
        """
        if not self._blends:
            return  # an estimator without the parameter: the network alone
        validation = fit_data.get("validation_data")
        if validation is None and not reset and hasattr(self, "blend_weight_"):
            return
        self.blend_weight_, self.linear_coef_, self.linear_intercept_ = 1.0, None, None
        x = fit_data["x"]
        if validation is None or not isinstance(x, np.ndarray) or x.ndim != 2:
            return  # no held-out rows, or sparse rows
        n_rows = len(x) + len(validation[0])
        blend = getattr(self, "linear_blend", False)  # absent: saved before it
        if isinstance(blend, str):  # "auto"
            blend = auto_linear_blend(n_rows)
        if not blend:
            return
        cards = tuple(getattr(self.feature_encoder_, "cardinalities_", ()))
        row_loss = _row_loss(self._network.model.loss)
        if row_loss is not None and _linear.fits_in_memory(n_rows, x.shape[1], cards):
            self._fit_blend(fit_data, cards, row_loss)

    def _fit_blend(self, fit_data: dict, cards: tuple, row_loss) -> None:
        """Choose the blend's weight on the held-out rows; fit its ridge regression."""
        x, y, weights = fit_data["x"], fit_data["y"], fit_data["sample_weight"]
        validation = fit_data["validation_data"]
        x_val, y_val = validation[0], np.asarray(validation[1])
        w_val = validation[2] if len(validation) > 2 else None
        coef, intercept, alpha = _linear.fit_ridge(x, y, weights, cards)
        network = self._network
        with network.placement.scope():
            outputs = outputs_once(network, x_val)
        outputs = outputs.reshape(len(x_val), -1).astype(np.float64)
        linear = _linear.ridge_outputs(x_val, coef, intercept, cards)
        weight = _linear.blend_weight(row_loss, y_val, outputs, linear, w_val)
        if weight == 1.0:
            return
        coef, intercept, _ = _linear.fit_ridge(  # every row, the same penalty
            np.concatenate([x, x_val]),
            np.concatenate([np.asarray(y), y_val]),
            None if weights is None else np.concatenate([weights, w_val]),
            cards,
            alpha,
        )
        self.blend_weight_ = weight
        self.linear_coef_, self.linear_intercept_ = coef, intercept

    def _blend_outputs(self, outputs: np.ndarray, X) -> np.ndarray:
        coef = getattr(self, "linear_coef_", None)
        if coef is None:
            return outputs
        cards = tuple(getattr(self.feature_encoder_, "cardinalities_", ()))
        rows = chunk_rows(X.shape[1])  # sparse rows made dense a chunk at a time
        linear = np.concatenate(
            [
                _linear.ridge_outputs(
                    dense(X[i : i + rows]), coef, self.linear_intercept_, cards
                )
                for i in range(0, max(len(X), 1), rows)
            ]
        )
        weight = self.blend_weight_
        blend = weight * outputs.reshape(linear.shape) + (1 - weight) * linear
        return blend.reshape(outputs.shape).astype(outputs.dtype)

    def _check_target(self, y) -> None:
        name = type(self).__name__
        try:
            arr = np.asarray(y)
        except ValueError:
            return  # ragged: validate_data explains
        if holds_text(arr):
            raise DataError(
                f"{name} needs a numeric target, but y contains strings. For class "
                "labels use a classifier; convert numbers stored as text with "
                "y.astype(float)."
            )
        refuse_non_numeric(arr, "y", f"{name} needs a numeric target, but ")

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
    {tables}
    {training}
    loss : str, keras.losses.Loss or callable, default="auto"
        ``"auto"`` is mean squared error. Also ``"mae"``, ``"mape"``,
        ``"huber"``, ``"log_cosh"`` or any Keras loss.
    {standardize_target}
    {linear_blend}
    {control}
    {run}

    Attributes
    ----------
    {attributes}
    blend_weight_ : float
        The network's weight in the predictions (``linear_blend``); 1.0: the
        network alone.
    linear_coef_ : ndarray of shape (n_inputs, n_outputs) or None
        The blended ridge regression's coefficients, on the scaled numbers
        and missing-value flags, then one per category code of each
        categorical column (None without a blend).
    linear_intercept_ : ndarray of shape (n_outputs,) or None
        Its intercept (on the target as the network is trained on it).

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
    """,
        **DENSE_DEFAULTS,
    )

    _accepts_tables = True
    _accepts_sparse = True
    _blends = True

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (100,),
        activation: str = "relu",
        kernel_initializer: Any = "glorot_uniform",
        dropout: float | Sequence[float] = 0.1,
        batch_normalization: bool = False,
        l1: float = 0.0,
        l2: float = 0.0,
        optimizer: Any = "adam",
        learning_rate: float | str = "auto",
        momentum: float = 0.9,
        batch_size: int | str = "auto",
        epochs: int = 100,
        shuffle: bool = True,
        loss: Any = "auto",
        metrics: Sequence | None = None,
        early_stopping: bool | str = "auto",
        validation_fraction: float = 0.1,
        patience: int = 5,
        min_delta: float = 1e-4,
        restore_best_weights: bool = True,
        reduce_lr_on_plateau: bool = False,
        anneal_fraction: float = 0.3,
        refit: bool | str = "auto",
        callbacks: Sequence | None = None,
        random_state: Any = None,
        verbose: int = 0,
        warm_start: bool = False,
        device: str = "auto",
        distribute: str | None = None,
        precision: str = "float32",
        categorical_features: Any = "auto",
        numeric_embedding: str | None = "auto",
        ensemble_size: int | str = "auto",
        standardize_target: bool | str = "auto",
        linear_blend: bool | str = "auto",
        scaling_layer: bool = True,
        scaling_l1: float = 0.0,
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
        self.anneal_fraction = anneal_fraction
        self.refit = refit
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
        self.distribute = distribute
        self.precision = precision
        self.categorical_features = categorical_features
        self.numeric_embedding = numeric_embedding
        self.ensemble_size = ensemble_size
        self.standardize_target = standardize_target
        self.linear_blend = linear_blend
        self.scaling_layer = scaling_layer
        self.scaling_l1 = scaling_l1


class ConvRegressor(ConvArchitectureMixin, BaseNeuralRegressor):  # noqa: D101
    __doc__ = fill(
        """A convolutional neural network regressor for images and signals.

    Works like any scikit-learn regressor (pipelines, searches, pickling)
    while the model underneath is a Keras convolutional network: conv
    blocks, then a dense head and a linear output that starts at the
    target's mean. One- and multi-output targets. Trains with every option
    of :class:`NeuralRegressor`.

    {inputs}

    Parameters
    ----------
    {conv_architecture}
    {training}
    loss : str, keras.losses.Loss or callable, default="auto"
        ``"auto"`` is mean squared error. Also ``"mae"``, ``"mape"``,
        ``"huber"``, ``"log_cosh"`` or any Keras loss.
    {standardize_target}
    {control}
    {run}

    Attributes
    ----------
    input_shape_ : tuple of int
        Shape of one sample as the network takes it, channels last.
    {attributes}

    See Also
    --------
    ConvClassifier : The classification counterpart.
    NeuralRegressor : A fully connected network, for tabular data.

    Examples
    --------
    >>> import numpy as np
    >>> from skneural import ConvRegressor
    >>> rng = np.random.default_rng(0)
    >>> signals = rng.normal(size=(64, 32, 2))  # 64 signals, 32 steps, 2 channels
    >>> reg = ConvRegressor(filters=(8,), conv_dims=1, epochs=2, random_state=0)
    >>> reg.fit(signals, signals.mean(axis=(1, 2))).predict(signals[:3]).shape
    (3,)
    """,
        **CONV_DEFAULTS,
    )

    def __init__(
        self,
        filters: Sequence[int] = (32, 64),
        kernel_size: int | Sequence[int] = 3,
        strides: int | Sequence[int] = 1,
        padding: str = "same",
        pooling: str | None = "max",
        pool_size: int | Sequence[int] = 2,
        conv_activation: str = "relu",
        conv_dropout: float = 0.0,
        global_pooling: str | None = None,
        hidden_layer_sizes: Sequence[int] = (128,),
        activation: str = "relu",
        kernel_initializer: Any = "he_uniform",
        dropout: float | Sequence[float] = 0.5,
        batch_normalization: bool = True,
        l1: float = 0.0,
        l2: float = 0.0,
        random_flip: str | None = None,
        random_rotation: float = 0.0,
        random_zoom: float = 0.0,
        random_translation: float = 0.0,
        image_shape: Sequence[int] | None = None,
        conv_dims: str | int = "auto",
        rescale: str | float | None = "auto",
        optimizer: Any = "adam",
        learning_rate: float = 0.001,
        momentum: float = 0.9,
        batch_size: int = 64,
        epochs: int = 100,
        shuffle: bool = True,
        loss: Any = "auto",
        metrics: Sequence | None = None,
        early_stopping: bool = True,
        validation_fraction: float = 0.1,
        patience: int = 5,
        min_delta: float = 1e-4,
        restore_best_weights: bool = True,
        reduce_lr_on_plateau: bool = True,
        anneal_fraction: float = 0.0,
        refit: bool | str = False,
        callbacks: Sequence | None = None,
        random_state: Any = None,
        verbose: int = 0,
        warm_start: bool = False,
        device: str = "auto",
        distribute: str | None = None,
        precision: str = "float32",
        standardize_target: bool | str = "auto",
    ):
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.pooling = pooling
        self.pool_size = pool_size
        self.conv_activation = conv_activation
        self.conv_dropout = conv_dropout
        self.global_pooling = global_pooling
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.kernel_initializer = kernel_initializer
        self.dropout = dropout
        self.batch_normalization = batch_normalization
        self.l1 = l1
        self.l2 = l2
        self.random_flip = random_flip
        self.random_rotation = random_rotation
        self.random_zoom = random_zoom
        self.random_translation = random_translation
        self.image_shape = image_shape
        self.conv_dims = conv_dims
        self.rescale = rescale
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
        self.anneal_fraction = anneal_fraction
        self.refit = refit
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
        self.distribute = distribute
        self.precision = precision
        self.standardize_target = standardize_target
