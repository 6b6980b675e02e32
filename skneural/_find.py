"""Finding skneural estimators inside scikit-learn objects.

:func:`find_network` answers "which is *the* network of this model, and how
are its parameters addressed?" (Pipelines, target transformers, fitted
searches): tuning, evaluation and the report ask it. :func:`find_networks`
lists every skneural estimator reachable from an object, for saving.
"""

from __future__ import annotations

from typing import Any

from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline

from .base import BaseNeuralEstimator
from .exceptions import DataTypeError

__all__ = ["find_network", "find_networks"]

#: Objects of these modules are searched for skneural estimators.
WALKED = ("sklearn.", "skneural.", "imblearn.")


def find_network(model: Any, *, fitted: bool = False) -> tuple[str, Any]:
    """Return ``(prefix, estimator)``: the skneural estimator inside ``model``.

    Parameters
    ----------
    model : estimator
        A skneural estimator, a Pipeline with one as a step (the last step
        that holds one), a ``TransformedTargetRegressor`` around one, nested
        as needed; with ``fitted=True`` also a fitted search
        (``GridSearchCV``, ... : its ``best_estimator_``).
    fitted : bool, default=False
        Look at the fitted copies a meta-estimator keeps (a target
        transformer's ``regressor_``, a search's ``best_estimator_``) rather
        than the unfitted parameters.

    Returns
    -------
    prefix : str
        How ``set_params`` addresses the estimator's parameters from
        ``model``: ``""`` for a bare estimator, ``"<step>__"`` for a
        Pipeline step, ``"regressor__"`` inside a target transformer,
        ``"estimator__"`` inside a search.
    estimator : BaseNeuralEstimator

    Raises
    ------
    TypeError
        When ``model`` holds no skneural estimator.
    """
    if isinstance(model, BaseNeuralEstimator):
        return "", model
    for prefix, inner in _inner(model, fitted):
        try:
            rest, found = find_network(inner, fitted=fitted)
        except TypeError:
            continue
        return prefix + rest, found
    raise DataTypeError(
        f"No skneural estimator found in {type(model).__name__}: give a skneural "
        "estimator, or a Pipeline with one as a step (alone or in a "
        "TransformedTargetRegressor)."
    )


def _inner(model: Any, fitted: bool) -> list[tuple[str, Any]]:
    """The estimators ``model`` holds, with their parameter prefixes."""
    if isinstance(model, Pipeline):
        return [(f"{name}__", step) for name, step in reversed(model.steps)]
    if isinstance(model, TransformedTargetRegressor):
        fitted_copy = getattr(model, "regressor_", None) if fitted else None
        return [
            ("regressor__", model.regressor if fitted_copy is None else fitted_copy)
        ]
    if fitted and hasattr(model, "best_estimator_"):
        return [("estimator__", model.best_estimator_)]
    return []


def find_networks(obj: Any) -> list:
    """Every skneural estimator reachable from ``obj`` (depth first, once each).

    Walks dicts, lists, tuples and the attributes of scikit-learn, skneural
    and imbalanced-learn objects (so the steps of a Pipeline, the fitted
    copies inside a search or an ensemble, ...), not into a skneural
    estimator itself.
    """
    found: list = []
    seen: set[int] = set()

    def walk(value, depth=0):
        if id(value) in seen or depth > 50:
            return
        seen.add(id(value))
        if isinstance(value, BaseNeuralEstimator):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, depth + 1)
        elif hasattr(value, "__dict__") and type(value).__module__.startswith(WALKED):
            for item in vars(value).values():
                walk(item, depth + 1)

    walk(obj)
    return found
