"""Turn training hyperparameters into Keras optimizers, losses, metrics, callbacks.

One resolver per kind serves every estimator: the built-in ones pass their
own settings (``learning_rate``, the loss ``"auto"`` stands for), the
wrappers the parameters routed to it (``optimizer__*``, ...), which build
the classes given (see :mod:`skneural._routing`). Each resolver checks its
input and raises an :class:`~skneural.exceptions.InvalidParameterError` with
a did-you-mean suggestion; each returns *fresh* objects, so estimators never
share state between fits or clones.
"""

from __future__ import annotations

import copy
import inspect
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ._params import did_you_mean, fail
from ._routing import instantiate
from .backend import keras, to_numpy
from .exceptions import DivergenceError, InvalidParameterError

#: Hidden-layer activations, with scikit-learn's names as aliases.
ACTIVATIONS = {
    "relu": "relu",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "logistic": "sigmoid",
    "elu": "elu",
    "selu": "selu",
    "gelu": "gelu",
    "swish": "silu",
    "silu": "silu",
    "leaky_relu": "leaky_relu",
    "softplus": "softplus",
    "linear": "linear",
    "identity": "linear",
}

OPTIMIZERS = {
    "adam": keras.optimizers.Adam,
    "adamw": keras.optimizers.AdamW,
    "sgd": keras.optimizers.SGD,
    "rmsprop": keras.optimizers.RMSprop,
    "adagrad": keras.optimizers.Adagrad,
    "adadelta": keras.optimizers.Adadelta,
    "adamax": keras.optimizers.Adamax,
    "nadam": keras.optimizers.Nadam,
    "ftrl": keras.optimizers.Ftrl,
    "lion": keras.optimizers.Lion,
    "lamb": keras.optimizers.Lamb,
    "adafactor": keras.optimizers.Adafactor,
}
_MOMENTUM_OPTIMIZERS = (keras.optimizers.SGD, keras.optimizers.RMSprop)

INITIALIZERS = (
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "truncated_normal",
    "variance_scaling",
    "zeros",
    "ones",
)

REGRESSION_LOSSES = (
    "mse",
    "mae",
    "mape",
    "msle",
    "huber",
    "log_cosh",
    "poisson",
    "cosine_similarity",
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
)
CLASSIFICATION_LOSSES = (
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "sparse_categorical_crossentropy",
    "categorical_hinge",
    "hinge",
    "squared_hinge",
    "kl_divergence",
    "poisson",
)
_LOSS_ALIASES = {"log_cosh": "log_cosh", "logcosh": "log_cosh"}


def resolve_activation(owner: str, value: Any, name: str = "activation") -> str:
    """Return the Keras name of a hidden-layer activation (parameter ``name``)."""
    if isinstance(value, str) and value in ACTIVATIONS:
        return ACTIVATIONS[value]
    hint = did_you_mean(value, ACTIVATIONS) if isinstance(value, str) else ""
    fail(owner, name, f"one of {', '.join(ACTIVATIONS)}", value, hint)


def resolve_initializer(owner: str, value: Any):
    """Check a kernel initializer: a Keras name or an Initializer instance."""
    if isinstance(value, keras.initializers.Initializer):
        return value.__class__.from_config(value.get_config())
    if isinstance(value, str):
        try:
            keras.initializers.get(value)
        except ValueError:
            pass
        else:
            return value
    hint = did_you_mean(value, INITIALIZERS) if isinstance(value, str) else ""
    fail(
        owner,
        "kernel_initializer",
        "a Keras initializer name (e.g. 'glorot_uniform', 'he_normal') or a "
        "keras.initializers.Initializer",
        value,
        hint,
    )


#: ``early_stopping="auto"`` holds out a validation split from this many rows.
#: Below it the split (a tenth: under 20 rows) is too small to choose an
#: epoch by; from it, a fixed number of epochs overfits a noisy table more
#: than the held-out rows cost.
AUTO_EARLY_STOPPING_ROWS = 200

#: ``numeric_embedding="auto"`` embeds a table's numbers when there are at
#: least this many training rows per numeric column.
AUTO_EMBEDDING_ROWS_PER_NUMBER = 32


def auto_batch_size(n_samples: int) -> int:
    """The batch size ``batch_size="auto"`` picks for ``n_samples`` rows.

    About one hundredth of the data, as a power of two between 32 and 512:
    small tables keep the many small steps that suit them, large ones take
    fewer, larger steps (as fast per epoch on a CPU, and faster on a GPU).
    """
    return int(2 ** np.clip(round(np.log2(max(n_samples, 1) / 100)), 5, 9))


def auto_numeric_embedding(n_samples: int, n_numeric: int) -> str | None:
    """The embedding ``numeric_embedding="auto"`` picks for a table.

    ``"periodic"`` when there are at least
    :data:`AUTO_EMBEDDING_ROWS_PER_NUMBER` rows per numeric column, else
    ``None``. Each embedded column adds about a thousand weights (its
    frequencies, its own linear map and eight more inputs to the first hidden
    layer): wide, short tables (pixels, many measurements of a few hundred
    samples) fit them to noise, tables with more rows per column gain from
    them.
    """
    if n_numeric and n_samples >= AUTO_EMBEDDING_ROWS_PER_NUMBER * n_numeric:
        return "periodic"
    return None


#: ``ensemble_size="auto"`` packs this many networks into one model ...
AUTO_ENSEMBLE_SIZE = 4
#: ... when ``fit`` gets fewer rows than this, and trains one network otherwise.
AUTO_ENSEMBLE_MAX_ROWS = 10_000


def auto_ensemble_size(n_samples: int) -> int:
    """The number of networks ``ensemble_size="auto"`` packs for ``n_samples`` rows.

    :data:`AUTO_ENSEMBLE_SIZE` below :data:`AUTO_ENSEMBLE_MAX_ROWS` training
    rows, else 1. Where a table is small, networks started from different
    weights disagree by as much as a network and a linear model do, and their
    average is better than any one of them; on large tables they agree, and
    one network trains in a fraction of the time.
    """
    return AUTO_ENSEMBLE_SIZE if n_samples < AUTO_ENSEMBLE_MAX_ROWS else 1


#: ``refit="auto"`` trains again on every row when ``fit`` gets fewer rows
#: than this (and early stopping held some out).
AUTO_REFIT_MAX_ROWS = 10_000


def auto_refit(n_samples: int) -> bool:
    """Whether ``refit="auto"`` trains again on every row for ``n_samples`` rows.

    Below :data:`AUTO_REFIT_MAX_ROWS`: there the rows held out for early
    stopping are data the network would learn from (a tenth of a small
    table), and a second training is short. On large tables the held-out
    tenth adds little, and the second training would double a long fit.
    """
    return n_samples < AUTO_REFIT_MAX_ROWS


#: ``linear_blend="auto"`` (NeuralRegressor) blends the network with a ridge
#: regression when ``fit`` gets fewer rows than this.
AUTO_BLEND_MAX_ROWS = 10_000


def auto_linear_blend(n_samples: int) -> bool:
    """Whether ``linear_blend="auto"`` may blend for ``n_samples`` rows.

    Below :data:`AUTO_BLEND_MAX_ROWS` (the packed ensembles' threshold): the
    blend gained on small, noisy tables; on the larger ones of the benchmark
    the held-out rows kept the network alone (or at a weight of 0.95, no
    better), and the ridge regressions' leave-one-out search would lengthen
    the fits where they are longest.
    """
    return n_samples < AUTO_BLEND_MAX_ROWS


def auto_learning_rate(batch_size: int) -> float:
    """The learning rate ``learning_rate="auto"`` picks for a batch size.

    Adam's usual 0.001 at 32 samples a step, grown with the square root of
    the batch size (a larger batch averages away noise, so it can take a
    larger step), up to 0.004 at 512 samples and more.
    """
    return 0.001 * math.sqrt(min(max(batch_size, 32), 512) / 32)


@dataclass(frozen=True)
class TrainingConfig:
    """How one call of ``fit`` or ``partial_fit`` trains: checked settings.

    Each estimator makes one from its hyperparameters at the start of every
    call (``_training_config``); :meth:`for_call` then resolves what depends
    on the data and the call into a new one. The defaults are what an
    estimator without such a setting gets (no early stopping, no extra
    ``model.fit`` arguments, the optimizer's own learning rate).

    Attributes
    ----------
    epochs : int
        Epochs of this call.
    batch_size : int or "auto"
        Rows per step; -1 all rows (resolved by :meth:`for_call`).
    shuffle : bool
        Visit the rows in a new order each epoch.
    verbose : int
        0 silent, 1 progress bar, 2 one line per epoch.
    callbacks : tuple of keras.callbacks.Callback
        The user's callbacks, fresh for this call.
    learning_rate : float, "auto" or None
        The estimator's learning rate; None where the optimizer given has
        its own (the wrappers).
    early_stopping : bool or "auto"
        Stop when the validation (or training) loss stops improving.
    validation_fraction : float
        Fraction of the rows held out for early stopping.
    patience : int
        Epochs without improvement before stopping.
    min_delta : float
        The least change that counts as an improvement.
    restore_best_weights : bool
        End early stopping with the best epoch's weights.
    reduce_lr_on_plateau : bool
        Lower the learning rate when the loss stops improving.
    anneal_fraction : float
        After early stopping, anneal for this fraction of the epochs to the
        best one (see :class:`AnnealingEarlyStopping`); 0: stop.
    refit : bool or "auto"
        After early stopping on held-out rows, train again from the start
        on every row along the epochs that led to the weights it kept
        (:meth:`for_call` resolves it to whether this call does).
    fit_kwargs : mapping
        Further ``keras.Model.fit`` arguments, passed on as given (the
        wrappers' ``fit__*``); training then goes through ``model.fit``.
    fit_shown : mapping
        How the user named each of ``fit_kwargs`` (``fit__foo``, ``foo=``),
        for messages.
    """

    epochs: int
    batch_size: int | str
    shuffle: bool = True
    verbose: int = 0
    callbacks: tuple = ()
    learning_rate: float | str | None = None
    early_stopping: bool | str = False
    validation_fraction: float = 0.0
    patience: int = 0
    min_delta: float = 0.0
    restore_best_weights: bool = False
    reduce_lr_on_plateau: bool = False
    anneal_fraction: float = 0.0
    refit: bool | str = False
    fit_kwargs: Mapping[str, Any] = field(default_factory=dict)
    fit_shown: Mapping[str, str] = field(default_factory=dict)

    def for_call(self, n_rows: int, epochs: int | None) -> TrainingConfig:
        """Return the configuration resolved for ``n_rows`` training rows and a call.

        ``"auto"`` early stopping, batch size, learning rate and refit take
        their values for the data, and a batch size of -1 becomes
        ``n_rows``. ``epochs`` is None for ``fit``; otherwise
        (``partial_fit``: 1) it replaces the parameter and there is no early
        stopping. ``refit`` becomes True only where this call holds rows out
        for early stopping.
        """
        early_stopping = self.early_stopping
        if isinstance(early_stopping, str):  # "auto"
            early_stopping = n_rows >= AUTO_EARLY_STOPPING_ROWS
        early_stopping = early_stopping and epochs is None
        refit = self.refit
        if isinstance(refit, str):  # "auto"
            refit = auto_refit(n_rows)
        batch_size = self.batch_size
        if isinstance(batch_size, str):  # "auto"
            batch_size = auto_batch_size(n_rows)
        elif batch_size == -1:
            batch_size = n_rows
        learning_rate = self.learning_rate
        if isinstance(learning_rate, str):  # "auto"
            learning_rate = auto_learning_rate(batch_size)
        return replace(
            self,
            epochs=self.epochs if epochs is None else epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            early_stopping=early_stopping,
            refit=bool(refit and early_stopping and self.validation_fraction > 0),
        )


def make_optimizer(
    owner: str,
    optimizer: Any,
    routed: dict | None = None,
    *,
    learning_rate: float | None = None,
    momentum: float | None = None,
):
    """Return a new optimizer for one fit.

    Parameters
    ----------
    owner : str
        Estimator name, for messages.
    optimizer : str, optimizer class or optimizer instance
        A name stands for its class. A class is built with ``learning_rate``
        (and ``momentum`` for SGD and RMSprop) where given, and the routed
        parameters. An instance is copied from its config, so its own
        settings, learning rate included, are kept.
    routed : dict, default=None
        The ``optimizer__*`` parameters, the prefix removed (the wrappers).
    learning_rate, momentum : float, default=None
        The estimator's own settings for a class it builds (the built-in
        estimators).

    Returns
    -------
    keras.optimizers.Optimizer
    """
    if isinstance(optimizer, str):
        optimizer = _optimizer_class(owner, optimizer)
    is_class = inspect.isclass(optimizer) and issubclass(
        optimizer, keras.optimizers.Optimizer
    )
    if not (is_class or isinstance(optimizer, keras.optimizers.Optimizer)):
        fail(
            owner,
            "optimizer",
            "an optimizer name, a keras.optimizers.Optimizer class or instance",
            optimizer,
        )
    params = dict(routed or {})
    if is_class:
        own = {"learning_rate": learning_rate}
        if issubclass(optimizer, _MOMENTUM_OPTIMIZERS):
            own["momentum"] = momentum
        params = {**{k: v for k, v in own.items() if v is not None}, **params}
    return instantiate(
        optimizer, params, owner=owner, route="optimizer", copy=_copy_optimizer
    )


def _optimizer_class(owner: str, name: str):
    cls = OPTIMIZERS.get(name.lower())
    if cls is not None:
        return cls
    try:
        return type(keras.optimizers.get(name))
    except ValueError:
        fail(
            owner,
            "optimizer",
            f"one of {', '.join(OPTIMIZERS)}, an optimizer class or instance",
            name,
            did_you_mean(name, OPTIMIZERS),
        )


def _copy_optimizer(obj):
    if isinstance(obj, keras.optimizers.Optimizer):
        return obj.__class__.from_config(obj.get_config())
    return obj


def make_loss(
    owner: str,
    loss: Any,
    routed: dict | None = None,
    *,
    auto: str | None = None,
    names: tuple[str, ...] = (),
):
    """Return the loss to compile with.

    Parameters
    ----------
    owner : str
        Estimator name, for messages.
    loss : str, loss class, instance, callable, list, dict or None
        A name is checked against Keras (and built as its class when it gets
        routed parameters); a class is built; an instance is copied; other
        callables are used as they are; a list or dict holds one loss per
        output. None (no loss: a model that compiles itself) only where
        there is no ``auto``.
    routed : dict, default=None
        The ``loss__*`` parameters, the prefix removed (the wrappers).
    auto : str, default=None
        What ``loss="auto"`` stands for (the built-in estimators' loss for
        the target).
    names : tuple of str, default=()
        The loss names offered in messages; default: every Keras loss.

    Returns
    -------
    str, keras.losses.Loss, callable, list, dict or None
    """
    expected = "a loss class, instance or function"
    if names:
        expected = f"one of {', '.join(names)} (or any Keras loss name), {expected}"
    else:
        expected = f"a Keras loss name, {expected}"
    if auto is not None:
        expected = f"'auto', {expected}"
    if isinstance(loss, str):
        if loss == "auto" and auto is not None:
            return auto
        loss = _LOSS_ALIASES.get(loss, loss)
        try:
            keras.losses.get(loss)
        except ValueError:
            offered = names or sorted(_loss_classes())
            fail(owner, "loss", expected, loss, did_you_mean(loss, offered))
        if routed and _loss_class(loss) is None:
            raise InvalidParameterError(
                f"{owner}: `loss__` parameters need a loss with a class; pass the "
                "loss class itself (e.g. keras.losses.Huber)."
            )
    else:
        several = isinstance(loss, (list, tuple, dict))
        none_allowed = loss is None and auto is None  # the model compiles itself
        if not (none_allowed or several or callable(loss)):
            fail(owner, "loss", expected, loss)
    return instantiate(
        loss, routed or {}, owner=owner, route="loss", resolve=_loss_class, copy=_fresh
    )


def make_metrics(owner: str, metrics: Any, routed: dict | None = None):
    """Return fresh metrics to compile with (None when there are none).

    Parameters
    ----------
    owner : str
        Estimator name, for messages.
    metrics : str, metric class, instance, callable, list, dict or None
        Names are checked against Keras (and built as their class when they
        get routed parameters); classes are built; instances are copied.
    routed : dict, default=None
        The ``metrics__*`` parameters, the prefix removed (the wrappers).

    Returns
    -------
    list, dict or None
    """
    if isinstance(metrics, tuple):
        metrics = list(metrics)
    elif metrics is not None and not isinstance(metrics, (list, dict)):
        metrics = [metrics]  # Keras takes a list or dict
    built = instantiate(
        metrics,
        routed or {},
        owner=owner,
        route="metrics",
        resolve=_metric_class,
        copy=_fresh,
    )
    for m in [] if built is None else keras.tree.flatten(built):
        if isinstance(m, str) and m not in ("accuracy", "acc", "crossentropy", "ce"):
            try:
                keras.metrics.get(m)
            except ValueError:
                hint = did_you_mean(m, _METRIC_NAMES)
                fail(owner, "metrics", "Keras metric names or objects", m, hint)
        elif not (isinstance(m, (str, keras.metrics.Metric)) or callable(m)):
            fail(owner, "metrics", "Keras metric names or objects", m)
    return built


_METRIC_NAMES = (
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "auc",
    "precision",
    "recall",
    "mae",
    "mse",
    "mape",
    "msle",
    "rmse",
    "root_mean_squared_error",
    "mean_absolute_error",
    "mean_squared_error",
    "r2_score",
    "log_cosh",
)


def make_callbacks(
    owner: str, callbacks: Any, routed: dict | None = None, *, route="callbacks"
) -> list:
    """Return the callbacks of one fit: instances copied, classes built.

    Copies keep one estimator cloneable and fittable many times: Keras
    callbacks hold per-run state (best value, wait counter, the model).

    Parameters
    ----------
    owner : str
        Estimator name, for messages.
    callbacks : callback, class, list, dict or None
        A list may hold lists of callbacks (as in scikeras).
    routed : dict, default=None
        The parameters routed with ``route__``, the prefix removed.
    route : str, default="callbacks"
        Where they come from: ``callbacks``, ``fit__callbacks``, ...

    Returns
    -------
    list of keras.callbacks.Callback
    """
    built = instantiate(
        callbacks, routed or {}, owner=owner, route=route, copy=_copy_callback
    )
    if built is None:
        return []
    if isinstance(built, dict):
        built = list(built.values())
    if not isinstance(built, (list, tuple)):
        built = [built]
    out = []
    for item in built:
        for one in item if isinstance(item, (list, tuple)) else [item]:
            if not isinstance(one, keras.callbacks.Callback):
                fail(
                    owner,
                    route,
                    "None or a list of keras.callbacks.Callback",
                    callbacks,
                )
            out.append(one)
    return out


def _copy_callback(obj):
    return copy.deepcopy(obj) if isinstance(obj, keras.callbacks.Callback) else obj


def _fresh(obj):
    """A new loss or metric of the same configuration; other objects as given."""
    if isinstance(obj, (keras.losses.Loss, keras.metrics.Metric)):
        return obj.__class__.from_config(obj.get_config())
    return obj


def _classes_by_name(module, base) -> dict:
    """Classes of ``module`` by snake_case class name and by instance name."""
    out = {}
    for attr in dir(module):
        cls = getattr(module, attr)
        if inspect.isclass(cls) and issubclass(cls, base):
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", attr).lower()
            out.setdefault(snake, cls)
            try:
                out.setdefault(cls().name, cls)
            except (TypeError, ValueError):
                continue
    return out


def _loss_classes() -> dict:
    """Loss classes by their instance name and by snake_case class name."""
    return _classes_by_name(keras.losses, keras.losses.Loss)


def _loss_class(name: str):
    """The loss class a loss name stands for, or None."""
    try:
        fn = keras.losses.get(name)
    except ValueError:
        return None
    return _loss_classes().get(getattr(fn, "__name__", name))


def _metric_class(name: str):
    """The metric class a metric name stands for, or None."""
    return _classes_by_name(keras.metrics, keras.metrics.Metric).get(name)


class EpochGuard(keras.callbacks.Callback):
    """Record each epoch's logs, and stop training when the loss diverges.

    Runs first among a fit's callbacks. It only acts at the end of an epoch,
    so the compiled epoch loop stays in use. When ``loss`` or ``val_loss`` is
    NaN or infinite it raises :class:`~skneural.exceptions.DivergenceError`
    at once: no later callback (early stopping, checkpoints, pruning) sees
    the diverged network. On an interruption the recorded logs say how far
    training got.

    Parameters
    ----------
    owner : str
        The estimator's class name, for the message.
    learning_rate : float or None
        The learning rate in use, for the message (None: not a parameter of
        the estimator, as with a compiled model of your own).
    """

    def __init__(self, owner: str, learning_rate: float | None):
        super().__init__()
        self.owner = owner
        self.learning_rate = learning_rate
        self.history: dict[str, list[float]] = {}

    @property
    def epochs_done(self) -> int:
        """The number of epochs finished (and recorded)."""
        return len(self.history.get("loss", []))

    def on_epoch_end(self, epoch, logs=None):
        """Record the epoch's logs; raise if the loss is not finite."""
        logs = {k: float(v) for k, v in (logs or {}).items()}
        for key in ("loss", "val_loss"):
            value = logs.get(key)
            if value is not None and not np.isfinite(value):
                rate = (
                    "the learning rate"
                    if self.learning_rate is None
                    else f"the learning_rate (now {self.learning_rate:g})"
                )
                raise DivergenceError(
                    f"{self.owner}: training diverged at epoch {epoch + 1}: {key} "
                    f"became {value}. Lower {rate}, scale the inputs (e.g. "
                    "StandardScaler) and, for regression, the target "
                    "(TransformedTargetRegressor), or add batch_normalization. "
                    "The estimator is unchanged."
                )
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)


#: The annealing schedule of :class:`AnnealingEarlyStopping` spans at least
#: this many epochs (the last, at a rate of 0, is not run).
MIN_ANNEAL_EPOCHS = 3


class AnnealingEarlyStopping(keras.callbacks.EarlyStopping):
    """Early stopping that anneals the learning rate before it stops.

    Training runs at a flat learning rate until the monitored loss has not
    improved for ``patience`` epochs, as with
    :class:`keras.callbacks.EarlyStopping`. Then, instead of stopping, it
    goes back to the best weights (with ``restore_best_weights``) and trains
    on for ``anneal_fraction`` times as many epochs as the best one took (at
    least :data:`MIN_ANNEAL_EPOCHS`), the learning rate falling from its
    value to 0 along a half cosine over them (epoch ``k`` of ``n`` at
    ``(1 + cos(pi k / n)) / 2`` of it; the last, at a rate of 0, would change
    nothing and is not run), the end of RealMLP's flat-then-cosine
    schedule (Holzmüller et al. 2024) placed where early stopping finds it.
    Small steps from a good point settle the weights into the minimum that
    large ones step over. Training ends after the annealing epochs; the
    weights of the best epoch of both phases are kept, so annealing can
    only lower the monitored loss. The learning rate is put back at the
    end.

    With ``anneal_fraction=0``, or an optimizer whose learning rate is a
    schedule (which this cannot set), it stops as
    :class:`keras.callbacks.EarlyStopping` does.

    Parameters
    ----------
    anneal_fraction : float, default=0.0
        Length of the annealing phase, as a fraction of the epochs up to
        and including the best one.
    **kwargs
        :class:`keras.callbacks.EarlyStopping`'s arguments.
    """

    def __init__(self, anneal_fraction: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.anneal_fraction = float(anneal_fraction)

    def on_train_begin(self, logs=None):
        """Start in the flat phase."""
        super().on_train_begin(logs)
        self._first_epoch = None
        self._last_epoch = None
        self._flat_end = None  # the flat phase's epoch the annealing went on from
        self._anneal = None  # (first annealing epoch, epochs, starting rate)

    def on_epoch_begin(self, epoch, logs=None):
        """In the annealing phase, set this epoch's learning rate."""
        if self._first_epoch is None:
            self._first_epoch = epoch
        if self._anneal is not None:
            start, n, rate = self._anneal
            done = (epoch - start + 1) / n
            self.model.optimizer.learning_rate = (
                rate * 0.5 * (1 + math.cos(math.pi * done))
            )

    def on_epoch_end(self, epoch, logs=None):
        """Stop, start annealing, or keep the best epoch of the annealing."""
        self._last_epoch = epoch
        if self._anneal is None:
            super().on_epoch_end(epoch, logs)
            if self.model.stop_training and self.stopped_epoch == epoch:
                self._start_annealing(epoch)
            return
        current = self.get_monitor_value(logs)
        if current is not None and self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
        start, n, _ = self._anneal
        if epoch - start + 2 >= n:  # the n-th epoch would train at a rate of 0
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def _start_annealing(self, epoch: int) -> None:
        optimizer = self.model.optimizer
        if self.anneal_fraction <= 0 or not rate_is_settable(optimizer):
            return
        best_run = self.best_epoch - self._first_epoch + 1
        n = max(MIN_ANNEAL_EPOCHS, round(self.anneal_fraction * best_run))
        self.model.stop_training = False
        self.stopped_epoch = 0
        self._flat_end = epoch
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
            self._flat_end = self.best_epoch
        rate = current_rate(optimizer)
        self._anneal = (epoch + 1, n, rate)

    def on_train_end(self, logs=None):
        """Put the learning rate back; keep the best weights."""
        if self._anneal is not None:
            self.model.optimizer.learning_rate = self._anneal[2]
        super().on_train_end(logs)

    def path(self) -> list[int]:
        """The epochs whose training led to the weights kept, in order.

        What a training from the same start repeats to get there again (a
        refit): the epochs up to the best one, or all of them without
        ``restore_best_weights``; with an annealing, the flat epochs up to
        the one it went on from, then every annealing epoch (a refit cannot
        tell which annealing epoch is best, and the annealing ends where
        the learning rate has fallen to almost 0). Empty before training.
        """
        if self._first_epoch is None:
            return []
        if self._anneal is not None:
            start = self._anneal[0]
            return [
                *range(self._first_epoch, self._flat_end + 1),
                *range(start, self._last_epoch + 1),
            ]
        end = self._last_epoch
        if self.restore_best_weights and self.best_weights is not None:
            end = self.best_epoch
        return list(range(self._first_epoch, end + 1))


def rate_is_settable(optimizer) -> bool:
    """Whether ``optimizer`` has a learning rate a callback can set (not a schedule)."""
    if optimizer is None:
        return False
    # a loss-scaling optimizer (mixed float16) passes its rate to the inner one
    inner = getattr(optimizer, "inner_optimizer", optimizer)
    rate = getattr(inner, "_learning_rate", None)
    return not isinstance(rate, keras.optimizers.schedules.LearningRateSchedule)


def current_rate(optimizer) -> float:
    """The learning rate ``optimizer`` steps with now."""
    return float(to_numpy(optimizer.learning_rate))


class EpochRates(keras.callbacks.Callback):
    """Record the learning rate of each epoch, or train with recorded ones.

    Recording (``rates=None``), it reads the rate at the end of each epoch,
    before the callbacks that change it for the next one (it comes right
    after :class:`EpochGuard`): the rate the epoch trained with, whatever
    set it (annealing, a schedule callback, reducing on plateau). Replaying
    (``rates`` given: epoch number -> rate), it sets each epoch's rate at the
    epoch's start, and puts the rate it found back at the end. An optimizer
    whose rate is a schedule repeats it on its own, and is left alone.

    Parameters
    ----------
    rates : mapping of int to float, default=None
        The rates to train with, by epoch number; None: record them.
    """

    def __init__(self, rates: Mapping[int, float] | None = None):
        super().__init__()
        self.replaying = rates is not None
        self.rates: dict[int, float] = dict(rates or {})
        self._start_rate: float | None = None

    def on_train_begin(self, logs=None):
        """Note the rate to put back after a replay."""
        optimizer = self.model.optimizer
        if self.replaying and rate_is_settable(optimizer):
            self._start_rate = current_rate(optimizer)

    def on_epoch_begin(self, epoch, logs=None):
        """Replaying: set this epoch's recorded rate."""
        if self._start_rate is not None and epoch in self.rates:
            self.model.optimizer.learning_rate = self.rates[epoch]

    def on_epoch_end(self, epoch, logs=None):
        """Recording: note the rate this epoch trained with."""
        if not self.replaying and rate_is_settable(self.model.optimizer):
            self.rates[epoch] = current_rate(self.model.optimizer)

    def on_train_end(self, logs=None):
        """Replaying: put the rate back."""
        if self._start_rate is not None:
            self.model.optimizer.learning_rate = self._start_rate


def snapshot(model) -> list:
    """Copies of every variable of ``model`` and its optimizer."""
    variables = list(model.variables)
    if getattr(model, "optimizer", None) is not None:
        variables += list(model.optimizer.variables)
    return [(v, to_numpy(v)) for v in variables]


def restore(saved: list) -> None:
    """Put back the values :func:`snapshot` copied."""
    for variable, value in saved:
        variable.assign(value)


def is_out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` is a backend's out-of-memory error (TF, JAX, PyTorch)."""
    if isinstance(exc, MemoryError):
        return True
    names = {c.__name__ for c in type(exc).__mro__}
    if names & {"ResourceExhaustedError", "OutOfMemoryError"}:
        return True
    text = str(exc)
    return "RESOURCE_EXHAUSTED" in text or "CUDA out of memory" in text
