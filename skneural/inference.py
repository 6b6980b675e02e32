"""Prediction without ``model.predict``'s per-call machinery.

``model.predict`` builds a data adapter, a callback list and a progress bar on
every call: tens of milliseconds before the first row is computed.
``predict_on_batch`` runs the model's compiled predict function directly.

Inputs are padded to a multiple of :data:`ROW_BLOCK` rows. CPU matrix kernels
round a row differently depending on where it falls in their tiles; with
whole blocks, a sample's prediction does not depend on its position in ``X``
(scikit-learn checks this), and compiled backends see few distinct shapes.
Large inputs go through in chunks so memory stays bounded.
"""

from __future__ import annotations

import numpy as np

#: Inputs are padded to a multiple of this many rows.
ROW_BLOCK = 64
#: Input values per chunk (float32): 4 Mi values = 16 MiB of input at a time.
CHUNK_VALUES = 1 << 22


def chunk_rows(n_values_per_row: int) -> int:
    """Rows per chunk for samples of ``n_values_per_row`` values (whole blocks)."""
    rows = CHUNK_VALUES // max(1, n_values_per_row)
    return max(ROW_BLOCK, rows - rows % ROW_BLOCK)


def _run(model, X: np.ndarray) -> np.ndarray:
    n = len(X)
    padded = -(-n // ROW_BLOCK) * ROW_BLOCK
    if padded != n:
        X = np.concatenate([X, np.zeros((padded - n, *X.shape[1:]), dtype=X.dtype)])
    return np.asarray(model.predict_on_batch(X))[:n]


def predict_array(model, X: np.ndarray) -> np.ndarray:
    """Run ``model`` on ``X`` and return a NumPy array.

    Parameters
    ----------
    model : keras.Model
        A built (normally compiled) model.
    X : ndarray of shape (n_samples, ...)
        Inputs, already float32 and shaped for the model.

    Returns
    -------
    ndarray of shape (n_samples, n_outputs)
    """
    rows = chunk_rows(int(np.prod(X.shape[1:], dtype=np.int64)))
    if len(X) <= rows:
        return _run(model, X)
    return np.concatenate(
        [_run(model, X[i : i + rows]) for i in range(0, len(X), rows)]
    )
