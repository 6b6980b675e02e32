"""Target encoders: scikit-learn transformers between user targets and network outputs.

An encoder is fitted on the user's ``y`` and knows how to turn it into what
the network trains on (``transform``) and network outputs back into
predictions in the user's own labels and shape (``inverse_transform``). The
estimators copy its metadata (``classes_``, ``n_outputs_``) onto themselves.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .exceptions import DataError

#: Keras loss names whose targets are one-hot rows.
CATEGORICAL_LOSSES = frozenset(
    {
        "categorical_crossentropy",
        "categorical_focal_crossentropy",
        "categorical_hinge",
        "kl_divergence",
        "kld",
    }
)
#: Keras loss names whose targets are integer class indices.
SPARSE_LOSSES = frozenset({"sparse_categorical_crossentropy"})


def loss_name(loss) -> str | None:
    """The Keras name of a loss given as a string, class, instance or function."""
    if loss is None or isinstance(loss, str):
        return loss
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None)
    if isinstance(loss, type):  # a Loss class: its default instance name
        try:
            name = loss().name
        except TypeError:
            name = loss.__name__
    return name


class RegressionTargetEncoder(TransformerMixin, BaseEstimator):
    """Encode regression targets as a float32 matrix, one column per output.

    ``inverse_transform`` returns a 1-D array when ``fit`` saw a 1-D target.

    Parameters
    ----------
    standardize : bool, default=False
        Subtract each output's mean and divide by its standard deviation
        (learned in ``fit``); ``inverse_transform`` puts values back on the
        target's own scale.
    output_widths : tuple of int or None, default=None
        For a network with several output layers: how many target columns
        each one predicts, in order. ``transform`` then splits the columns
        into one array per output, and ``inverse_transform`` puts the
        outputs' predictions back side by side.

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_outputs,)
        What ``transform`` subtracts and divides by (0 and 1 without
        ``standardize``).
    """

    def __init__(self, standardize: bool = False, output_widths=None):
        self.standardize = standardize
        self.output_widths = output_widths

    def fit(self, y, X=None):
        """Record the target's shape (and its mean and spread, to standardize).

        Parameters
        ----------
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Regression target.
        X : ignored

        Returns
        -------
        self : RegressionTargetEncoder
        """
        y = np.asarray(y)
        self.ndim_ = y.ndim
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self.target_type_ = "continuous" if y.ndim == 1 else "continuous-multioutput"
        widths = self.output_widths
        if widths is not None and sum(widths) != self.n_outputs_:
            raise DataError(
                f"y has {self.n_outputs_} target column(s), but the network's "
                f"{len(widths)} outputs predict {sum(widths)} values "
                f"({' + '.join(map(str, widths))}). Pass y with one column per "
                "value the outputs predict, in the order of the outputs."
            )
        self.mean_ = np.zeros(self.n_outputs_)
        self.scale_ = np.ones(self.n_outputs_)
        if self.standardize:
            with np.errstate(all="ignore"):
                values = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
                mean, std = values.mean(axis=0), values.std(axis=0)
            ok = np.isfinite(mean) & np.isfinite(std)
            self.mean_ = np.where(ok, mean, 0.0)
            self.scale_ = np.where(ok & (std > 0), std, 1.0)
        return self

    @property
    def output_units(self) -> int:
        """Width of the network's output layer."""
        check_is_fitted(self)
        return self.n_outputs_

    @property
    def output_activation(self) -> str:
        """Activation of the network's output layer."""
        return "linear"

    def transform(self, y):
        """Return ``y`` as float32 of shape (n_samples, n_outputs).

        With ``output_widths``, a list of one such array per network output.
        """
        check_is_fitted(self)
        y = np.asarray(y, dtype=np.float64)
        width = 1 if y.ndim == 1 else int(np.prod(y.shape[1:]))
        if width != self.n_outputs_:
            raise DataError(
                f"y has {width} target column(s), but the network was fitted with "
                f"{self.n_outputs_} output(s). Continued training (partial_fit, "
                "warm_start) needs targets of the same width; call fit with "
                "warm_start=False to start over."
            )
        if not np.all(np.isfinite(y)):
            found = "NaN" if np.isnan(y).any() else "infinity"
            raise DataError(
                f"Input y contains {found} (a missing target, e.g. None, is NaN). "
                "Drop those samples or fill the target in."
            )
        y = (y.reshape(len(y), -1) - self._mean) / self._scale
        largest = float(np.max(np.abs(y), initial=0.0))
        if largest > float(np.finfo(np.float32).max):
            raise DataError(
                f"y contains values too large for the network, which computes in "
                f"float32 (largest |y| is {largest:.3g}; float32 holds up to "
                f"{float(np.finfo(np.float32).max):.3g}). Scale the target, for "
                "example with TransformedTargetRegressor(regressor=..., "
                "transformer=StandardScaler())."
            )
        y = y.astype(np.float32)
        if self.output_widths is None:
            return y
        return np.split(y, np.cumsum(self.output_widths)[:-1], axis=1)

    def inverse_transform(self, y):
        """Return network outputs on the target's scale, in its shape.

        The outputs of a network with several output layers (a list of
        arrays) are put side by side first.
        """
        check_is_fitted(self)
        if isinstance(y, (list, tuple)):
            y = np.hstack([np.reshape(a, (len(a), -1)) for a in y])
        y = np.asarray(y, dtype=np.float64).reshape(len(y), self.n_outputs_)
        y = y * self._scale + self._mean
        return y.ravel() if self.ndim_ == 1 else y

    # Encoders saved before targets were standardized have neither attribute.
    @property
    def _mean(self):
        return getattr(self, "mean_", 0.0)

    @property
    def _scale(self):
        return getattr(self, "scale_", 1.0)


class ClassificationTargetEncoder(TransformerMixin, BaseEstimator):
    """Encode class labels for a network with sigmoid or softmax outputs.

    Parameters
    ----------
    loss : str, object or None, default="auto"
        The loss the network trains with. Categorical losses (by name, class
        or function) get one-hot rows; everything else gets integer class
        indices for multiclass targets and a 0/1 column for binary ones.
    classes : array-like or None, default=None
        All labels the target can take (for ``partial_fit``). ``None`` takes
        the labels present in ``y``.
    single_class : bool, default=False
        Accept a target with a single class (whose probability is then
        always 1) instead of raising an error.
    one_hot : bool or None, default=None
        One-hot rows (True) or class indices (False) for single-label
        targets; ``None`` chooses by ``loss``.
    from_logits : bool, default=False
        The network outputs logits: ``probabilities`` applies the sigmoid
        (one unit per label, or one unit for two classes) or the softmax.

    Attributes
    ----------
    classes_ : ndarray
        Sorted labels (single-label targets) or ``arange(n_labels)`` for a
        multilabel indicator matrix.
    target_type_ : str
        ``"binary"``, ``"multiclass"`` or ``"multilabel-indicator"``.
    mode_ : str
        ``"binary"`` (one sigmoid unit), ``"sparse"`` (softmax, integer
        targets), ``"onehot"`` (softmax, one-hot targets) or ``"multilabel"``
        (one sigmoid unit per label).
    n_outputs_ : int
        1 for single-label targets, the number of labels otherwise.
    """

    def __init__(
        self,
        loss="auto",
        classes=None,
        *,
        single_class: bool = False,
        one_hot: bool | None = None,
        from_logits: bool = False,
    ):
        self.loss = loss
        self.classes = classes
        self.single_class = single_class
        self.one_hot = one_hot
        self.from_logits = from_logits

    def fit(self, y, X=None):
        """Find the classes and the encoding.

        Parameters
        ----------
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a multilabel indicator matrix.
        X : ignored

        Returns
        -------
        self : ClassificationTargetEncoder
        """
        _check_label_values(y, "y")
        if self.classes is not None:
            _check_label_values(self.classes, "classes")
        target_type = type_of_target(y, input_name="y")
        if target_type == "multilabel-indicator":
            y = np.asarray(y)
            self.classes_ = np.arange(y.shape[1])
            self.n_outputs_ = y.shape[1]
            self.target_type_ = target_type
            self.mode_ = "multilabel"
            return self
        if target_type not in ("binary", "multiclass"):
            raise DataError(
                f"Unknown label type: {target_type!r}. Classifiers need discrete "
                "labels (binary or multiclass) in a 1-D y, or a 0/1 indicator matrix "
                "for multilabel targets. For a continuous target use a regressor."
            )
        y = column_or_1d(y, warn=True)
        classes = np.unique(y) if self.classes is None else np.unique(self.classes)
        if self.classes is not None:
            _check_labels_known(y, classes)
        if len(classes) < 2 and not self.single_class:
            raise DataError(
                f"y has only one class ({classes[0]!r}); a classifier needs at least "
                "2 classes to learn from. Check that the target column is the right "
                "one, or that your split kept more than one class."
            )
        self.classes_ = classes
        self.n_outputs_ = 1
        self.target_type_ = "multiclass" if len(classes) > 2 else "binary"
        loss = loss_name(self.loss)
        one_hot = loss in CATEGORICAL_LOSSES if self.one_hot is None else self.one_hot
        if one_hot:
            self.mode_ = "onehot"
        elif loss in SPARSE_LOSSES:
            self.mode_ = "sparse"
        elif self.target_type_ == "binary":
            self.mode_ = "binary"
        else:
            self.mode_ = "sparse"
        return self

    @property
    def output_units(self) -> int:
        """Width of the network's output layer."""
        check_is_fitted(self)
        return 1 if self.mode_ == "binary" else len(self.classes_)

    @property
    def output_activation(self) -> str:
        """Activation of the network's output layer."""
        check_is_fitted(self)
        return "softmax" if self.mode_ in ("sparse", "onehot") else "sigmoid"

    def label_indices(self, y) -> np.ndarray:
        """Return the index of each label of a 1-D ``y`` in ``classes_``."""
        y = column_or_1d(y)
        _check_label_values(y, "y")
        _check_labels_known(y, self.classes_)
        return np.searchsorted(self.classes_, y)

    def transform(self, y):
        """Encode labels as the network's training target."""
        check_is_fitted(self)
        shape = np.shape(y)
        if self.mode_ == "multilabel":
            y = np.asarray(y)
            if y.ndim != 2 or y.shape[1] != self.n_outputs_:
                raise DataError(
                    f"y has shape {shape}, but the estimator was fitted on a "
                    f"multilabel indicator matrix of {self.n_outputs_} columns. "
                    "Continued training (partial_fit, warm_start) needs the same "
                    "labels; call fit with warm_start=False to start over."
                )
            if not np.isin(y, (0, 1)).all():
                raise DataError(
                    "y must be a 0/1 indicator matrix like the one the estimator "
                    "was fitted on, but it holds other values."
                )
            return y.astype(np.float32)
        if len(shape) == 2 and shape[1] != 1:
            raise DataError(
                f"y has shape {shape}, but the estimator was fitted on single-label "
                f"targets (one of the classes {self.classes_.tolist()} per sample). "
                "Pass a 1-D y, or call fit with warm_start=False to start over."
            )
        idx = self.label_indices(y)
        if self.mode_ == "binary":
            return idx.astype(np.float32).reshape(-1, 1)
        if self.mode_ == "sparse":
            return idx.astype(np.int32)
        return np.eye(len(self.classes_), dtype=np.float32)[idx]

    def probabilities(self, outputs) -> np.ndarray:
        """Turn network outputs into ``predict_proba`` rows.

        Single-label rows sum to one; multilabel rows hold one probability
        per label. Float64, like scikit-learn's classifiers.
        """
        check_is_fitted(self)
        p = np.asarray(outputs, dtype=np.float64)
        if p.ndim == 1:
            p = p[:, None]
        if getattr(self, "from_logits", False):  # encoders saved before lack it
            sigmoid = self.mode_ == "multilabel" or p.shape[1] == 1
            p = _sigmoid(p) if sigmoid else _softmax(p)
        if self.mode_ == "multilabel":
            return p
        if len(self.classes_) == 1:  # the only class there is
            return np.ones((len(p), 1))
        if p.shape[1] == 1:  # one sigmoid unit: probability of the second class
            p = np.column_stack([1.0 - p[:, 0], p[:, 0]])
        if p.shape[1] != len(self.classes_):
            raise DataError(
                f"The network has {p.shape[1]} outputs, but there are "
                f"{len(self.classes_)} classes {self.classes_.tolist()}: give the "
                "output layer one unit per class (or one sigmoid unit for two)."
            )
        p = np.clip(p, 0.0, None)
        return p / np.maximum(p.sum(axis=1, keepdims=True), np.finfo(np.float64).tiny)

    def inverse_transform(self, outputs):
        """Turn network outputs into labels of the user's own dtype."""
        proba = self.probabilities(outputs)
        if self.mode_ == "multilabel":
            return (proba > 0.5).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _check_label_values(labels, what: str) -> None:
    """Refuse missing labels and labels of types that cannot be sorted together.

    Both make ``np.unique`` fail or give a class that is not a label, so they
    are caught here with a message that says what to do.
    """
    try:
        arr = np.asarray(labels)
    except ValueError:
        return  # ragged: validation explains
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise DataError(
            f"{what} contains NaN: a class label cannot be missing. Drop those "
            "samples or give them a label of their own, e.g. -1."
        )
    if arr.dtype != object:
        return
    kinds = set()
    for v in arr.ravel():
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            raise DataError(
                f"{what} contains missing labels (None or NaN). Drop those samples "
                "or give them a label of their own, e.g. 'missing'."
            )
        if isinstance(v, (str, bytes)):
            kinds.add("str")
        elif isinstance(v, numbers.Number):
            kinds.add("number")
        else:
            kinds.add(type(v).__name__)
    if len(kinds) > 1:
        raise DataError(
            f"{what} mixes labels of types {', '.join(sorted(kinds))}, which cannot "
            "be ordered into classes. Convert them to one type, e.g. with "
            "y.astype(str)."
        )


def _check_labels_known(y: np.ndarray, classes: np.ndarray) -> None:
    unknown = np.setdiff1d(np.unique(y), classes)
    if unknown.size:
        raise DataError(
            f"y contains labels {unknown.tolist()} that are not in classes "
            f"{classes.tolist()}. Pass every label the target can take with "
            "`classes=` on the first call to partial_fit."
        )
