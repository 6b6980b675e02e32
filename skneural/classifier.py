"""Neural network classifiers."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.class_weight import compute_sample_weight

from . import _params as P
from ._conv import CONV_DEFAULTS, ConvArchitectureMixin
from ._dense import DENSE_DEFAULTS, DenseArchitectureMixin
from ._docs import fill
from ._smoothing import (
    SMOOTHABLE_LOSSES,
    fit_temperature,
    smoothed_loss,
    with_temperature,
)
from .base import BaseNeuralEstimator, _auto_or
from .exceptions import DataError, InvalidParameterError
from .inference import outputs_once
from .targets import ClassificationTargetEncoder
from .training import CLASSIFICATION_LOSSES

#: What ``label_smoothing="auto"`` smooths by, where it applies: chosen on
#: the tabular benchmark panel (benchmarks/README.md, issue 17, ninth step).
AUTO_LABEL_SMOOTHING = 0.05


class BaseNeuralClassifier(ClassifierMixin, BaseNeuralEstimator):
    """Classification behaviour shared by every skneural classifier."""

    _LOSS_NAMES = CLASSIFICATION_LOSSES

    def _make_target_encoder(self, loss, classes):
        return ClassificationTargetEncoder(loss=loss, classes=classes)

    def _default_loss(self, encoder) -> str:
        return {
            "binary": "binary_crossentropy",
            "multilabel": "binary_crossentropy",
            "sparse": "sparse_categorical_crossentropy",
            "onehot": "categorical_crossentropy",
        }[encoder.mode_]

    def _training_loss(self, encoder, config):
        loss = super()._training_loss(encoder, config)
        smoothing = self._label_smoothing(loss, config)
        return smoothed_loss(loss, smoothing) if smoothing else loss

    def _label_smoothing(self, loss, config) -> float:
        """The label smoothing of a new fit (0 without the parameter)."""
        value = getattr(self, "label_smoothing", 0.0)
        smoothable = isinstance(loss, str) and loss in SMOOTHABLE_LOSSES
        if isinstance(value, str) and value == "auto":
            held_out = config.early_stopping and config.validation_fraction > 0
            return AUTO_LABEL_SMOOTHING if smoothable and held_out else 0.0
        name = type(self).__name__
        value = _auto_or(
            partial(P.check_float, high=1.0),
            name,
            "label_smoothing",
            value,
            "a number in [0, 1)",
        )
        if value > 0 and not smoothable:
            raise InvalidParameterError(
                f"{name}: label_smoothing={value:g} applies to loss='auto' and to "
                f"the losses {', '.join(SMOOTHABLE_LOSSES)}, not to loss="
                f"{loss!r}. Pass label_smoothing=0 (or 'auto'), or give your loss "
                "its own smoothing, e.g. keras.losses.CategoricalCrossentropy("
                "label_smoothing=0.1)."
            )
        return value

    def _calibrate(self, fit_data: dict, reset: bool) -> None:
        """Fit ``temperature_`` on the validation rows when the loss smooths labels.

        A fit without validation rows (or without smoothing) starts at 1;
        continued training without them keeps the temperature it had.
        """
        if not hasattr(self, "label_smoothing"):
            return  # an estimator without the parameter: no temperature
        network = self._network
        smoothing = getattr(network.model.loss, "label_smoothing", 0.0) or 0.0
        validation = fit_data.get("validation_data")
        if not smoothing or validation is None:
            if reset or not hasattr(self, "temperature_"):
                self.temperature_ = 1.0
            return
        X_val, y_val = validation[0], np.asarray(validation[1])
        weights = validation[2] if len(validation) > 2 else None
        with network.placement.scope():
            outputs = outputs_once(network, X_val)
        encoder = self.target_encoder_
        independent = encoder.mode_ == "multilabel"
        if independent:
            labels = y_val
        elif y_val.ndim == 2 and y_val.shape[1] > 1:  # one-hot rows
            labels = np.argmax(y_val, axis=1)
        else:  # class indices, or the 0/1 of one sigmoid unit
            labels = y_val.reshape(-1).astype(np.int64)
        self.temperature_ = fit_temperature(
            encoder.probabilities(outputs), labels, weights, independent
        )

    def _sample_weight_from_classes(self, y, encoder):
        cw = self.class_weight
        if cw is None:
            return None
        if not (cw == "balanced" or isinstance(cw, dict)):
            P.fail(
                type(self).__name__,
                "class_weight",
                "None, 'balanced' or a dict mapping each label to its weight",
                cw,
            )
        weights = compute_sample_weight(cw, y)
        if not np.all(np.isfinite(weights)) or np.any(weights < 0):
            P.fail(
                type(self).__name__,
                "class_weight",
                "finite weights >= 0, one per class",
                cw,
            )
        return weights

    def _stratify_labels(self, y_enc, encoder):
        if encoder.mode_ == "multilabel":
            return None
        return y_enc if y_enc.ndim == 1 else np.argmax(y_enc, axis=1)

    @property
    def classes_(self):
        """Class labels, sorted (``arange(n_labels)`` for multilabel targets)."""
        return self.target_encoder_.classes_

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for exactly one epoch, starting a network on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels, or a multilabel indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every label the target can take. Required on the first call for
            single-label targets, ignored afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
        """
        if not self._fitted() and classes is None and np.ndim(y) == 1:
            raise DataError(
                f"{type(self).__name__}.partial_fit needs `classes=` on its first "
                "call: a later batch may hold labels this one lacks. Pass every "
                "label, e.g. classes=np.unique(y_all)."
            )
        return self._partial_fit(X, y, sample_weight, classes=classes)

    def predict_proba(self, X):
        """Probability of each class for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes) or (n_samples, n_labels)
            Rows sum to one for single-label targets; one independent
            probability per label for multilabel targets.
        """
        return self._probabilities(self._predict_outputs(X))

    def _probabilities(self, outputs: np.ndarray) -> np.ndarray:
        """Class probabilities from network outputs, read by the target encoder."""
        encoder = self.target_encoder_
        if not hasattr(encoder, "probabilities"):  # a target encoder of your own
            return encoder.inverse_transform(outputs, return_proba=True)
        proba = encoder.probabilities(outputs)
        temperature = getattr(self, "temperature_", 1.0)
        if temperature == 1.0:
            return proba
        return with_temperature(proba, temperature, encoder.mode_ == "multilabel")

    def predict(self, X):
        """Predict class labels for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels of the training target's dtype, or a 0/1 indicator matrix
            for multilabel targets.
        """
        outputs = self._predict_outputs(X)
        return self.target_encoder_.inverse_transform(outputs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class NeuralClassifier(DenseArchitectureMixin, BaseNeuralClassifier):  # noqa: D101
    __doc__ = fill(
        """A fully connected neural network classifier trained with Keras.

    Works like any scikit-learn classifier (stratified cross-validation,
    pipelines, searches, calibration, pickling) while the model underneath is
    a Keras network. Binary targets get one sigmoid output, multiclass
    targets a softmax, multilabel indicator matrices one sigmoid per label.
    Labels keep their own dtype (str, int, bool, float).

    Parameters
    ----------
    {architecture}
    {tables}
    {training}
    loss : str, keras.losses.Loss or callable, default="auto"
        ``"auto"`` is binary cross-entropy (binary, multilabel) or
        categorical cross-entropy on integer labels (multiclass). Any Keras
        classification loss is accepted; categorical losses train on one-hot
        targets.
    label_smoothing : float in [0, 1) or "auto", default="auto"
        Share of each training target spread evenly over the classes (a
        label's target becomes ``1 - s + s / n_classes``, the others'
        ``s / n_classes``; per label for multilabel targets): the network
        stops pushing its outputs towards 0 and 1 once a sample is right,
        which regularises it. Applies to ``loss="auto"`` and the
        cross-entropy losses. ``"auto"`` is 0.05 when early stopping holds
        out a validation split, else 0 (chosen on the tabular benchmark
        panel: docs/dense_networks.md, "Defaults that changed"). Smoothed
        probabilities lean towards uniform, so a fit with validation rows
        learns ``temperature_`` on them and ``predict_proba`` is rescaled
        by it; predicted labels are not changed by it.
    {control}
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, keyed by your own labels; ``"balanced"``
        weighs classes inversely to their frequency. Multiplies
        ``sample_weight``.
    {run}

    Attributes
    ----------
    classes_ : ndarray
        Class labels, sorted.
    temperature_ : float
        What ``predict_proba`` divides the network's logits by: fitted on
        the validation split (minimal log loss) when the training loss
        smooths labels (``label_smoothing``, or a Keras loss given with its
        own ``label_smoothing``), else 1.
    {attributes}

    See Also
    --------
    NeuralRegressor : The regression counterpart.
    sklearn.neural_network.MLPClassifier : scikit-learn's own, NumPy-only MLP.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skneural import NeuralClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = NeuralClassifier(hidden_layer_sizes=(16,), epochs=5, random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:2]).shape
    (2, 3)
    """,
        **DENSE_DEFAULTS,
    )

    _accepts_tables = True
    _accepts_sparse = True

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
        class_weight: dict | str | None = None,
        random_state: Any = None,
        verbose: int = 0,
        warm_start: bool = False,
        device: str = "auto",
        distribute: str | None = None,
        precision: str = "float32",
        categorical_features: Any = "auto",
        numeric_embedding: str | None = "auto",
        ensemble_size: int | str = "auto",
        label_smoothing: float | str = "auto",
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
        self.class_weight = class_weight
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
        self.distribute = distribute
        self.precision = precision
        self.categorical_features = categorical_features
        self.numeric_embedding = numeric_embedding
        self.ensemble_size = ensemble_size
        self.label_smoothing = label_smoothing
        self.scaling_layer = scaling_layer
        self.scaling_l1 = scaling_l1


class ConvClassifier(ConvArchitectureMixin, BaseNeuralClassifier):  # noqa: D101
    __doc__ = fill(
        """A convolutional neural network classifier for images and signals.

    Works like any scikit-learn classifier (stratified cross-validation,
    pipelines, searches, pickling) while the model underneath is a Keras
    convolutional network: conv blocks, then a dense head. Trains with every
    option of :class:`NeuralClassifier` (optimizers, early stopping,
    callbacks, class weights, devices, mixed precision).

    {inputs}

    Parameters
    ----------
    {conv_architecture}
    {training}
    loss : str, keras.losses.Loss or callable, default="auto"
        ``"auto"`` is binary cross-entropy (binary, multilabel) or
        categorical cross-entropy on integer labels (multiclass).
    label_smoothing : float in [0, 1) or "auto", default=0.0
        Share of each training target spread evenly over the classes, as in
        :class:`NeuralClassifier`, with ``predict_proba`` recalibrated on the
        validation split (``temperature_``). Off by default here: it was
        chosen on tables, not measured on images. ``"auto"`` is 0.05 when
        early stopping holds out a validation split, else 0.
    {control}
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, keyed by your own labels; ``"balanced"``
        weighs classes inversely to their frequency. Multiplies
        ``sample_weight``.
    {run}

    Attributes
    ----------
    classes_ : ndarray
        Class labels, sorted.
    input_shape_ : tuple of int
        Shape of one sample as the network takes it, channels last.
    temperature_ : float
        What ``predict_proba`` divides the network's logits by: fitted on
        the validation split when the training loss smooths labels, else 1.
    {attributes}

    See Also
    --------
    ConvRegressor : The regression counterpart.
    NeuralClassifier : A fully connected network, for tabular data.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skneural import ConvClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ConvClassifier(filters=(8,), image_shape=(8, 8), epochs=2, random_state=0)
    >>> clf.fit(X / 16, y).predict_proba(X[:2] / 16).shape
    (2, 10)
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
        class_weight: dict | str | None = None,
        random_state: Any = None,
        verbose: int = 0,
        warm_start: bool = False,
        device: str = "auto",
        distribute: str | None = None,
        precision: str = "float32",
        label_smoothing: float | str = 0.0,
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
        self.class_weight = class_weight
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
        self.distribute = distribute
        self.precision = precision
        self.label_smoothing = label_smoothing
