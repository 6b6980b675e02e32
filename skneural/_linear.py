"""A ridge regression beside the network, blended with it on the held-out rows.

On small, noisy tables whose target is close to a linear function of the
features, a ridge regression predicts about as well as a network or better,
and a weighted average of the two often better than either. After early
stopping has chosen the network's weights, :func:`blend_weight` weighs the
network against a ridge regression fitted on the same training rows, by the
loss of their weighted average on the rows held out for early stopping (the
network's weight from 0 to 1 in steps of 0.05); a second ridge regression,
fitted on every row with the same penalty, then stands in the blend.

The ridge regression sees what the network sees: the encoded table
(:class:`~skneural.features.TableEncoder`: scaled numbers, missing-value
flags, then one code per categorical column), each code as one-hot columns,
and the target as the network is trained on it (standardized). Its penalty
is chosen by scikit-learn's :class:`~sklearn.linear_model.RidgeCV`
(efficient leave-one-out cross-validation over :data:`RIDGE_ALPHAS`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .backend import keras

#: Penalties the ridge regression chooses from (inputs scaled, target
#: standardized).
RIDGE_ALPHAS = np.logspace(-2, 3, 11)
#: The network's weights tried in the blend (the rest is the ridge's).
BLEND_WEIGHTS = np.linspace(0.0, 1.0, 21)
#: No ridge regression where its one-hot design would hold more values than
#: this (32 MiB of float64; the fit makes a few copies of the size).
MAX_DESIGN_VALUES = 1 << 22


def design(X: np.ndarray, cardinalities: Sequence[int]) -> np.ndarray:
    """The ridge regression's inputs: the numbers, then each code one-hot.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_numeric + n_categorical)
        Encoded rows: numbers first, then one category code per column
        (codes ``0 .. cardinality - 1``).
    cardinalities : sequence of int
        Number of codes of each categorical column.

    Returns
    -------
    ndarray of shape (n_samples, n_numeric + sum(cardinalities))
    """
    n_numeric = X.shape[1] - len(cardinalities)
    numbers = np.asarray(X[:, :n_numeric], dtype=np.float64)
    if not len(cardinalities):
        return numbers
    hot = np.zeros((len(X), int(np.sum(cardinalities))))
    hot[np.arange(len(X))[:, None], _positions(X, cardinalities)] = 1.0
    return np.hstack([numbers, hot])


def _positions(X: np.ndarray, cardinalities: Sequence[int]) -> np.ndarray:
    """Each code's column among the one-hot columns, ``(n_samples, n_categorical)``."""
    cards = np.asarray(cardinalities, dtype=np.intp)
    offsets = np.concatenate([[0], np.cumsum(cards)[:-1]])
    codes = np.asarray(X[:, X.shape[1] - len(cards) :]).astype(np.intp)
    return np.clip(codes, 0, cards - 1) + offsets


def fits_in_memory(n_rows: int, n_columns: int, cardinalities: Sequence[int]) -> bool:
    """Whether a one-hot design of these rows stays within :data:`MAX_DESIGN_VALUES`.

    ``n_columns`` counts the encoded columns (numbers, then one code per
    categorical column).
    """
    width = n_columns - len(cardinalities) + int(np.sum(cardinalities))
    return n_rows * width <= MAX_DESIGN_VALUES


def fit_ridge(
    X: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    cardinalities: Sequence[int],
    alpha: float | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Fit a ridge regression on the encoded rows.

    Parameters
    ----------
    X, y, sample_weight : ndarray
        Encoded rows, targets as the network is trained on them, weights.
    cardinalities : sequence of int
        Number of codes of each categorical column.
    alpha : float, default=None
        The penalty; None chooses it among :data:`RIDGE_ALPHAS` by efficient
        leave-one-out cross-validation (:class:`~sklearn.linear_model.RidgeCV`).

    Returns
    -------
    coef : ndarray of shape (n_numeric + sum(cardinalities), n_outputs)
    intercept : ndarray of shape (n_outputs,)
    alpha : float
        The penalty used.
    """
    # on the first blend, not with the estimators (64 ms of import time)
    from sklearn.linear_model import Ridge, RidgeCV

    y2 = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    inputs = design(X, cardinalities)
    if alpha is None:
        # more rows than columns: one SVD of the inputs serves every penalty
        # (scikit-learn's "auto" takes an eigendecomposition of their
        # covariance, several times slower there)
        mode = "svd" if inputs.shape[0] > inputs.shape[1] else "auto"
        ridge = RidgeCV(alphas=RIDGE_ALPHAS, gcv_mode=mode)
    else:
        ridge = Ridge(alpha=alpha)
    ridge.fit(inputs, y2, sample_weight=sample_weight)
    coef = np.asarray(ridge.coef_, dtype=np.float64).reshape(y2.shape[1], -1).T
    intercept = np.asarray(ridge.intercept_, dtype=np.float64).reshape(-1)
    return coef, intercept, float(np.ravel(ridge.alpha_ if alpha is None else alpha)[0])


def ridge_outputs(
    X: np.ndarray,
    coef: np.ndarray,
    intercept: np.ndarray,
    cardinalities: Sequence[int],
) -> np.ndarray:
    """The ridge regression's outputs, ``(n_samples, n_outputs)``.

    The same as ``design(X) @ coef + intercept``, without making the one-hot
    columns: each code picks its row of ``coef``.
    """
    n_numeric = X.shape[1] - len(cardinalities)
    out = np.asarray(X[:, :n_numeric], dtype=np.float64) @ coef[:n_numeric]
    out += intercept
    if len(cardinalities):
        out += coef[n_numeric:][_positions(X, cardinalities)].sum(axis=1)
    return out


def blend_weight(loss, y, network, linear, sample_weight=None) -> float:
    """The network's weight in the blend of lowest ``loss`` on held-out rows.

    Parameters
    ----------
    loss : callable
        ``loss(y_true, y_pred)`` -> each row's loss (a Keras loss function).
    y : ndarray of shape (n_samples, n_outputs)
        The held-out rows' targets, as the network is trained on them.
    network, linear : ndarray of shape (n_samples, n_outputs)
        The network's and the ridge regression's outputs on those rows.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the rows' losses.

    Returns
    -------
    float
        Of the weights in :data:`BLEND_WEIGHTS`, the one of lowest mean loss;
        among equal losses the largest (the network alone, 1.0, unless the
        blend is better). A blend whose loss is not finite is never chosen;
        held-out rows whose weights sum to 0 keep the network alone.
    """
    if sample_weight is not None and not np.sum(sample_weight) > 0:
        return 1.0  # held-out rows that all weigh nothing tell nothing
    y = np.asarray(y, dtype=np.float32).reshape(network.shape)
    losses = []
    for w in BLEND_WEIGHTS:
        blend = (w * network + (1 - w) * linear).astype(np.float32)
        rows = np.asarray(keras.ops.convert_to_numpy(loss(y, blend)), np.float64)
        rows = rows.reshape(len(y), -1).mean(axis=1)
        loss_value = float(np.average(rows, weights=sample_weight))
        # a blend outside the loss's domain (a negative count for "poisson")
        losses.append(loss_value if np.isfinite(loss_value) else np.inf)
    best = min(losses)
    return float(
        max(w for w, v in zip(BLEND_WEIGHTS, losses, strict=True) if v <= best)
    )
