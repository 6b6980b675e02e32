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

from .backend import keras

#: Inputs are padded to a multiple of this many rows.
ROW_BLOCK = 64
#: Input values per chunk (float32): 4 Mi values = 16 MiB of input at a time.
CHUNK_VALUES = 1 << 22


def chunk_rows(n_values_per_row: int) -> int:
    """Rows per chunk for samples of ``n_values_per_row`` values (whole blocks)."""
    rows = CHUNK_VALUES // max(1, n_values_per_row)
    return max(ROW_BLOCK, rows - rows % ROW_BLOCK)


def _run(model, X, n: int):
    padded = -(-n // ROW_BLOCK) * ROW_BLOCK

    def pad(a):
        if padded == n:
            return a
        return np.concatenate([a, np.zeros((padded - n, *a.shape[1:]), dtype=a.dtype)])

    out = model.predict_on_batch(keras.tree.map_structure(pad, X))
    return keras.tree.map_structure(lambda a: np.asarray(a)[:n], out)


def predict_array(model, X):
    """Run ``model`` on ``X`` and return NumPy output(s).

    Parameters
    ----------
    model : keras.Model
        A built (normally compiled) model.
    X : ndarray of shape (n_samples, ...), or a list / dict of them
        Inputs, already shaped for the model (several for multi-input models).

    Returns
    -------
    ndarray of shape (n_samples, n_outputs), or a list / dict of them for
    multi-output models.
    """
    leaves = keras.tree.flatten(X)
    n = len(leaves[0])
    per_row = sum(int(np.prod(a.shape[1:], dtype=np.int64)) for a in leaves)
    rows = chunk_rows(per_row)
    if n <= rows:
        return _run(model, X, n)
    parts = [
        _run(
            model,
            keras.tree.map_structure(lambda a, i=i: a[i : i + rows], X),
            min(rows, n - i),
        )
        for i in range(0, n, rows)
    ]
    return keras.tree.map_structure(lambda *chunks: np.concatenate(chunks), *parts)
