"""The exceptions skneural raises.

Every error is a subclass of a built-in exception that scikit-learn users
already catch (``ValueError``, ``TypeError``), so generic code keeps working,
and of :class:`SkneuralError`, so skneural's own errors can be told apart.
"""

from __future__ import annotations

from sklearn.exceptions import NotFittedError

__all__ = [
    "DeviceMemoryError",
    "DivergenceError",
    "FitInterruptedWarning",
    "InvalidParameterError",
    "ModelFileError",
    "NotFittedError",
    "SkneuralError",
]


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
