"""The exceptions skneural raises.

Every error is a subclass of a built-in exception that scikit-learn users
already catch (``ValueError``, ``TypeError``), so generic code keeps working,
and of :class:`SkneuralError`, so skneural's own errors can be told apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use, by __getattr__ below
    from sklearn.exceptions import NotFittedError

__all__ = [
    "DataError",
    "DataTypeError",
    "DeviceMemoryError",
    "DivergenceError",
    "FitInterruptedWarning",
    "InvalidParameterError",
    "MissingFileError",
    "ModelFileError",
    "NoResultError",
    "NotFittedError",
    "SkneuralError",
    "UsageError",
]


def __getattr__(name: str) -> Any:
    # scikit-learn's NotFittedError, re-exported on first use: importing this
    # module stays free of scikit-learn, so the `skneural` command can catch
    # skneural's errors without paying for it (about a second).
    if name == "NotFittedError":
        from sklearn.exceptions import NotFittedError

        return NotFittedError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class SkneuralError(Exception):
    """Base class of the errors raised by skneural."""


class InvalidParameterError(SkneuralError, ValueError, TypeError):
    """A hyperparameter has a value or type the estimator cannot use.

    Raised by ``fit``; the message names the estimator, the parameter, what
    it accepts and what it received.
    """


class DivergenceError(SkneuralError, ValueError):
    """Training diverged: the loss became NaN or infinite.

    Raised by ``fit``, ``partial_fit`` and ``warm_start`` fits at the end of
    the epoch where it happened; the estimator is left as it was before the
    call, so no network with NaN weights is ever kept as if fitted.
    """


class DeviceMemoryError(SkneuralError, MemoryError):
    """The device (usually a GPU) ran out of memory.

    The message names the batch size and suggests a smaller one; the
    original error of the backend is chained as ``__cause__``.
    """


class FitInterruptedWarning(UserWarning):
    """Training was interrupted (Ctrl-C) and kept the weights reached so far."""


class ModelFileError(SkneuralError, ValueError):
    """A model file is missing, damaged, not a skneural model file, or unsafe.

    Raised by :func:`skneural.load`; the message says which, and for a file
    that refers to code, what to trust if you trust its source.
    """


class DataError(SkneuralError, ValueError):
    """The data cannot be used as given.

    Raised for what an estimator's ``fit`` or ``predict`` is given (``X``,
    ``y``, ``sample_weight``, ``classes``) and for the data of the
    ``skneural`` command. The message says why and what to do (a missing
    column, an empty table, an unseen label, a target with a single value,
    ...).
    """


class DataTypeError(SkneuralError, TypeError):
    """The data, or an object handed to skneural, is of a type it cannot take.

    For example a sparse matrix given to a convolutional network, or an
    object without a skneural estimator where one is needed; the message
    names the type to give instead.
    """


class MissingFileError(SkneuralError, FileNotFoundError):
    """A file or folder that skneural needs is not there.

    The message says which, and how to get it.
    """


class NoResultError(SkneuralError, RuntimeError):
    """A search ended without a result (no trial completed, for example)."""


class UsageError(SkneuralError, ValueError):
    """A mistake in a ``skneural`` command line; the message gives the fix."""
