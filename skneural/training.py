"""Turn training hyperparameters into Keras optimizers, losses, metrics, callbacks.

Each resolver checks its input and raises an
:class:`~skneural.exceptions.InvalidParameterError` with a did-you-mean
suggestion; each returns a *fresh* object, so estimators never share state
between fits or clones.
"""

from __future__ import annotations

import copy
import inspect
import math
from typing import Any

import numpy as np

from ._params import did_you_mean, fail
from .backend import keras
from .exceptions import DivergenceError

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
AUTO_EARLY_STOPPING_ROWS = 1000

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


def auto_learning_rate(batch_size: int) -> float:
    """The learning rate ``learning_rate="auto"`` picks for a batch size.

    Adam's usual 0.001 at 32 samples a step, grown with the square root of
    the batch size (a larger batch averages away noise, so it can take a
    larger step), up to 0.004 at 512 samples and more.
    """
    return 0.001 * math.sqrt(min(max(batch_size, 32), 512) / 32)


def make_optimizer(owner: str, optimizer: Any, learning_rate: float, momentum: float):
    """Return a new optimizer for one fit.

    Parameters
    ----------
    owner : str
        Estimator name, for messages.
    optimizer : str, optimizer class or optimizer instance
        A name or class is built with ``learning_rate`` (and ``momentum`` for
        SGD and RMSprop). An instance is copied from its config, so its own
        settings, learning rate included, are kept.
    learning_rate, momentum : float
        Used for names and classes.

    Returns
    -------
    keras.optimizers.Optimizer
    """
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer.__class__.from_config(optimizer.get_config())
    if isinstance(optimizer, str):
        cls = OPTIMIZERS.get(optimizer.lower())
        if cls is None:
            fail(
                owner,
                "optimizer",
                f"one of {', '.join(OPTIMIZERS)}, an optimizer class or instance",
                optimizer,
                did_you_mean(optimizer, OPTIMIZERS),
            )
    elif inspect.isclass(optimizer) and issubclass(
        optimizer, keras.optimizers.Optimizer
    ):
        cls = optimizer
    else:
        fail(
            owner,
            "optimizer",
            "an optimizer name, a keras.optimizers.Optimizer class or instance",
            optimizer,
        )
    kwargs = {"learning_rate": learning_rate}
    if issubclass(cls, _MOMENTUM_OPTIMIZERS):
        kwargs["momentum"] = momentum
    return cls(**kwargs)


def resolve_loss(owner: str, loss: Any, default: str, names: tuple[str, ...]):
    """Return the Keras loss for ``loss`` (``"auto"`` gives ``default``).

    Strings are checked against Keras; loss instances are copied; other
    callables are used as they are.
    """
    if isinstance(loss, str):
        if loss == "auto":
            return default
        name = _LOSS_ALIASES.get(loss, loss)
        try:
            keras.losses.get(name)
        except ValueError:
            fail(
                owner,
                "loss",
                f"'auto', one of {', '.join(names)} (or any Keras loss name), a "
                "keras.losses.Loss or a callable",
                loss,
                did_you_mean(loss, names),
            )
        return name
    if isinstance(loss, keras.losses.Loss):
        return loss.__class__.from_config(loss.get_config())
    if callable(loss):
        return loss
    fail(owner, "loss", "a loss name, a keras.losses.Loss or a callable", loss)


def resolve_metrics(owner: str, metrics: Any) -> list:
    """Return a fresh list of metrics to compile with."""
    if metrics is None:
        return []
    if isinstance(metrics, (str, keras.metrics.Metric)) or callable(metrics):
        metrics = [metrics]
    if not isinstance(metrics, (list, tuple)):
        fail(owner, "metrics", "None or a list of metric names or objects", metrics)
    out = []
    for m in metrics:
        if isinstance(m, str):
            if m not in ("accuracy", "acc", "crossentropy", "ce"):
                try:
                    keras.metrics.get(m)
                except ValueError:
                    fail(
                        owner,
                        "metrics",
                        "Keras metric names or objects",
                        m,
                        did_you_mean(m, _METRIC_NAMES),
                    )
            out.append(m)
        elif isinstance(m, keras.metrics.Metric):
            out.append(m.__class__.from_config(m.get_config()))
        elif callable(m):
            out.append(m)
        else:
            fail(owner, "metrics", "Keras metric names or objects", m)
    return out


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


def copy_callbacks(owner: str, callbacks: Any) -> list:
    """Return deep copies of the user's callbacks, one set per fit.

    Copies keep one estimator cloneable and fittable many times: Keras
    callbacks hold per-run state (best value, wait counter, the model).
    """
    if callbacks is None:
        return []
    if isinstance(callbacks, keras.callbacks.Callback):
        callbacks = [callbacks]
    if not isinstance(callbacks, (list, tuple)) or not all(
        isinstance(cb, keras.callbacks.Callback) for cb in callbacks
    ):
        fail(
            owner, "callbacks", "None or a list of keras.callbacks.Callback", callbacks
        )
    return [copy.deepcopy(cb) for cb in callbacks]


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


def snapshot(model) -> list:
    """Copies of every variable of ``model`` and its optimizer."""
    variables = list(model.variables)
    if getattr(model, "optimizer", None) is not None:
        variables += list(model.optimizer.variables)
    return [(v, keras.ops.convert_to_numpy(v).copy()) for v in variables]


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
