"""Label smoothing in the training loss, and probabilities recalibrated after it.

Label smoothing (Szegedy et al. 2016; Müller, Kornblith & Hinton 2019, "When
does label smoothing help?") trains a classifier towards targets of
``1 - s + s / C`` for the true class and ``s / C`` for the others, instead of
1 and 0: the network stops pushing its logits apart once a sample is right,
which regularises it (RealMLP, Holzmüller et al. 2024, uses ``s = 0.1`` on
tables; skneural's default is 0.05, as accurate on its benchmark tables
and with better probabilities). Its probabilities come out shrunk towards
uniform, so a fit that holds out a validation split also learns one
temperature ``T`` on it
(Guo et al. 2017, "On Calibration of Modern Neural Networks"): the
probabilities are ``softmax(log p / T)`` (each label's logit divided by ``T``
for multilabel targets), ``T`` chosen to minimise the validation log loss
without smoothing, plus ``(log T)**2 / n`` for ``n`` validation rows: a
prior on ``T = 1`` worth one row, which matters only when the rows are
almost all right. Without it a validation split without a mistake (digits,
leaf) drives ``T`` to the end of its range, and one later mistake costs a
large log loss. Dividing logits by a positive number keeps their order and
signs, so predicted labels do not change.

Keras's ``SparseCategoricalCrossentropy`` has no ``label_smoothing``:
:class:`SmoothedSparseCrossentropy` gives it to integer class targets, as
``CategoricalCrossentropy(label_smoothing=s)`` does to one-hot targets.
"""

from __future__ import annotations

import numpy as np

from .backend import keras
from .targets import _sigmoid, _softmax

__all__ = [
    "SMOOTHABLE_LOSSES",
    "SmoothedSparseCrossentropy",
    "fit_temperature",
    "smoothed_loss",
    "with_temperature",
]

#: Loss names that take ``label_smoothing`` (after ``loss="auto"`` is read).
SMOOTHABLE_LOSSES = (
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
)
#: The temperature is searched in this range (log-spaced).
TEMPERATURE_RANGE = (0.05, 20.0)


@keras.saving.register_keras_serializable(package="skneural")
class SmoothedSparseCrossentropy(keras.losses.Loss):
    """Cross-entropy of integer class targets, with label smoothing.

    The same values as ``keras.losses.CategoricalCrossentropy(
    label_smoothing=label_smoothing)`` on the one-hot targets, without making
    them: ``(1 - s) * (-log p[y]) + s * mean_c(-log p[c])``.

    Parameters
    ----------
    label_smoothing : float, default=0.1
        The share ``s`` of each target spread evenly over the classes.
    name : str, default="sparse_categorical_crossentropy"
        The loss's name (as Keras's own, so that logs read the same).
    **kwargs
        ``reduction`` and ``dtype``, as for any Keras loss.
    """

    def __init__(
        self,
        label_smoothing: float = 0.1,
        name: str = "sparse_categorical_crossentropy",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true, y_pred):
        """Each sample's smoothed cross-entropy."""
        ops = keras.ops
        # a softmax output carries its logits (Keras scores from them too)
        logits = getattr(y_pred, "_keras_logits", None)
        if logits is not None:
            log_p = ops.log_softmax(ops.cast(logits, self.dtype), axis=-1)
        else:
            eps = keras.config.epsilon()
            log_p = ops.log(ops.clip(ops.cast(y_pred, self.dtype), eps, 1.0))
        classes = y_pred.shape[-1]
        y_true = ops.reshape(ops.cast(y_true, "int32"), ops.shape(log_p)[:-1])
        true_class = ops.sum(
            ops.one_hot(y_true, classes, dtype=log_p.dtype) * log_p, -1
        )
        s = self.label_smoothing
        return -((1.0 - s) * true_class + s * ops.mean(log_p, axis=-1))

    def get_config(self):
        """The base loss's settings and ``label_smoothing``."""
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


def smoothed_loss(name: str, label_smoothing: float):
    """The Keras loss ``name`` (one of :data:`SMOOTHABLE_LOSSES`), smoothed."""
    if name == "sparse_categorical_crossentropy":
        return SmoothedSparseCrossentropy(label_smoothing)
    if name == "categorical_crossentropy":
        return keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing)
    return keras.losses.BinaryCrossentropy(label_smoothing=label_smoothing)


def _logits(p: np.ndarray, independent: bool) -> np.ndarray:
    """Logits of probabilities (up to a constant per row for softmax rows)."""
    tiny = np.finfo(np.float64).tiny
    log_p = np.log(np.maximum(p, tiny))
    if independent:
        return log_p - np.log(np.maximum(1.0 - p, tiny))
    return log_p


def with_temperature(p: np.ndarray, temperature: float, independent: bool):
    """Probabilities ``p`` with their logits divided by ``temperature``.

    ``independent``: each column is its own probability (multilabel), else
    each row sums to one.
    """
    if temperature == 1.0:
        return p
    z = _logits(np.asarray(p, dtype=np.float64), independent) / temperature
    return _sigmoid(z) if independent else _softmax(z)


def _log_loss(p, y, weights, independent: bool) -> float:
    tiny = np.finfo(np.float64).tiny
    if independent:  # y: 0/1 per label
        losses = -(y * np.log(np.maximum(p, tiny)))
        losses -= (1 - y) * np.log(np.maximum(1.0 - p, tiny))
        per_row = losses.sum(axis=1)
    else:  # y: class index per row
        per_row = -np.log(np.maximum(p[np.arange(len(p)), y], tiny))
    return float(np.average(per_row, weights=weights))


def fit_temperature(p, y, weights=None, independent: bool = False) -> float:
    """The temperature that minimises the log loss of ``p`` against ``y``.

    With a prior on 1 worth one sample (see the module's description).

    Parameters
    ----------
    p : ndarray of shape (n_samples, n_classes)
        Predicted probabilities (rows summing to one, or one probability per
        label when ``independent``).
    y : ndarray
        The class index of each row, or the 0/1 labels (``independent``).
    weights : ndarray of shape (n_samples,), default=None
        Sample weights of the log loss.
    independent : bool, default=False
        Multilabel probabilities, one per column.

    Returns
    -------
    float
        A temperature in :data:`TEMPERATURE_RANGE`.
    """
    from scipy.optimize import minimize_scalar  # scikit-learn's dependency

    p = np.asarray(p, dtype=np.float64)
    low, high = np.log(TEMPERATURE_RANGE)
    prior = 1.0 / len(p)  # one sample's worth of belief in T = 1

    def objective(log_t: float) -> float:
        q = with_temperature(p, float(np.exp(log_t)), independent)
        return _log_loss(q, y, weights, independent) + prior * log_t**2

    found = minimize_scalar(
        objective,
        bounds=(low, high),
        method="bounded",
        options={"xatol": 1e-3},
    )
    return float(np.exp(found.x))
