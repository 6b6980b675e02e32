"""Prediction without ``model.predict``'s per-call machinery.

``model.predict`` builds a data adapter, a callback list and a progress bar on
every call: tens of milliseconds before the first row is computed. On
TensorFlow the network's forward pass is compiled once as a concrete function
(see ``_loop.py``) and called directly; other backends use
``predict_on_batch``, which runs the compiled predict step directly.

Inputs are padded to a multiple of :data:`ROW_BLOCK` rows. CPU matrix kernels
round a row differently depending on where it falls in their tiles; with
whole blocks, a sample's prediction does not depend on its position in ``X``
(scikit-learn checks this). Backends that compile one program per input shape
(JAX, and XLA on TensorFlow for small inputs) get a power-of-two number of
blocks, or a multiple of 64 blocks, so a handful of programs serve every input
size. Large inputs go through in chunks so memory stays bounded; sparse rows
(:class:`~skneural._sparse.SparseRows`) are made dense one chunk at a time.
"""

from __future__ import annotations

import numpy as np

from ._loop import runner_for
from ._sparse import SparseRows, dense
from .backend import keras

#: Inputs are padded to a multiple of this many rows.
ROW_BLOCK = 64
#: See :func:`padded_rows`: 64 blocks of 64 rows.
STATIC_BLOCKS = 64
#: Input values per chunk (float32): 4 Mi values = 16 MiB of input at a time.
CHUNK_VALUES = 1 << 22


def chunk_rows(n_values_per_row: int) -> int:
    """Rows per chunk for samples of ``n_values_per_row`` values (2**k blocks)."""
    blocks = CHUNK_VALUES // max(1, n_values_per_row) // ROW_BLOCK
    return ROW_BLOCK << max(0, blocks.bit_length() - 1)


def padded_rows(n: int, *, static_shapes: bool = False) -> int:
    """Rows ``n`` inputs are padded to: whole blocks.

    For compiled programs specialised to one shape (``static_shapes``), small
    inputs get a power-of-two number of blocks (up to :data:`STATIC_BLOCKS`)
    and larger ones a multiple of :data:`STATIC_BLOCKS` blocks, so a handful of
    programs serve every size while padding stays small.
    """
    blocks = max(1, -(-n // ROW_BLOCK))
    if static_shapes:
        if blocks <= STATIC_BLOCKS:
            blocks = 1 << (blocks - 1).bit_length()
        else:
            blocks = -(-blocks // STATIC_BLOCKS) * STATIC_BLOCKS
    return blocks * ROW_BLOCK


def _run(network, X, n: int):
    runner = runner_for(network)
    padded = padded_rows(
        n, static_shapes=runner is not None and runner.static_shapes(n)
    )

    def pad(a):
        if padded == n:
            return a
        return np.concatenate([a, np.zeros((padded - n, *a.shape[1:]), dtype=a.dtype)])

    X = keras.tree.map_structure(lambda a: pad(dense(a)), X)
    predict = runner.predict if runner is not None else network.model.predict_on_batch
    out = predict(X)
    return keras.tree.map_structure(lambda a: np.asarray(a)[:n], out)


def predict_array(network, X):
    """Run ``network``'s model on ``X`` and return NumPy output(s).

    Parameters
    ----------
    network : skneural._pool.Network
        A compiled network; its compiled predict function is kept on it.
    X : ndarray of shape (n_samples, ...), SparseRows, or a list / dict of them
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
        return _run(network, X, n)
    parts = [
        _run(
            network,
            keras.tree.map_structure(lambda a, i=i: a[i : i + rows], X),
            min(rows, n - i),
        )
        for i in range(0, n, rows)
    ]
    return keras.tree.map_structure(lambda *chunks: np.concatenate(chunks), *parts)


def outputs_once(network, X) -> np.ndarray:
    """The network's outputs for ``X``, computed once: the model called as is.

    ``predict_array`` compiles a function for each new input shape (with
    XLA for small inputs), which pays back over many predictions but costs
    0.1-0.3 s for one; calling the model does not compile. Rows go in
    chunks of ``predict_array``'s size (sparse ones made dense a chunk at a
    time), so dense and sparse rows give the same numbers.
    """
    if not isinstance(X, np.ndarray | SparseRows):
        return predict_array(network, X)  # several inputs
    rows = chunk_rows(int(np.prod(X.shape[1:])))
    return np.concatenate(
        [
            keras.ops.convert_to_numpy(
                network.model(dense(X[i : i + rows]), training=False)
            )
            for i in range(0, len(X), rows)
        ]
    )
