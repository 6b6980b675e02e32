"""The exceptions skneural raises.

Every error is a subclass of a built-in exception that scikit-learn users
already catch (``ValueError``, ``TypeError``), so generic code keeps working,
and of :class:`SkneuralError`, so skneural's own errors can be told apart.
"""

from __future__ import annotations

from sklearn.exceptions import NotFittedError

__all__ = ["InvalidParameterError", "NotFittedError", "SkneuralError"]


class SkneuralError(Exception):
    """Base class of the errors raised by skneural."""


class InvalidParameterError(SkneuralError, ValueError, TypeError):
    """A hyperparameter has a value or type the estimator cannot use.

    Raised by ``fit``; the message names the estimator, the parameter, what
    it accepts and what it received.
    """
