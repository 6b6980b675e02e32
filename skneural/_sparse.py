"""Sparse inputs: scaled without centring, made dense a few batches at a time.

A ``scipy.sparse`` X (``OneHotEncoder``'s default output, word counts) stays
sparse inside the estimators that accept it:

- :func:`validate_sparse` checks it and converts it to CSR float32 (a copy of
  the stored values only), wrapped as :class:`SparseRows`;
- :class:`SparseScaler` divides each column by its largest absolute value at
  ``fit``, so zeros stay zeros (no centring);
- the compiled epoch loop (``_loop.fit_epochs``) puts the rows on the device
  in dense chunks of whole batches, in each epoch's order; where ``model.fit``
  trains instead, :func:`fit_sparse` gives it :class:`RowBatches`, which makes
  the dense rows of one batch at a time;
- prediction makes dense chunks of rows (``inference.predict_array``).

Beyond the sparse matrix itself, memory stays within one dense chunk: about
16 MiB of values, or one batch (``batch_size * n_features``) where that is
more; prediction chunks hold at least 64 rows.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from . import devices
from .backend import keras, seeded
from .exceptions import DataError

__all__ = ["RowBatches", "SparseRows", "SparseScaler", "fit_sparse", "validate_sparse"]


class SparseRows:
    """Rows of a CSR matrix, made dense only a few at a time.

    What the estimators pass around in place of a sparse ``X``: it has a
    length and a shape, selects rows (``rows[idx]``, for validation splits and
    batches) and makes a dense array only of the rows it holds
    (:meth:`dense`), never implicitly.

    Parameters
    ----------
    matrix : scipy.sparse CSR matrix or array
        The rows.
    then : callable or None, default=None
        Applied to every dense block (a feature encoder fitted on dense data).
    width : int or None, default=None
        Columns of ``then``'s output (default: the matrix's).
    """

    ndim = 2

    def __init__(self, matrix, then=None, width: int | None = None):
        self.matrix = matrix
        self.then = then
        self.width = matrix.shape[1] if width is None else int(width)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.matrix.shape[0], self.width)

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def __getitem__(self, rows) -> SparseRows:
        if isinstance(rows, numbers.Integral):
            rows = [rows]  # keep two dimensions
        return SparseRows(self.matrix[rows], self.then, self.width)

    def dense(self) -> np.ndarray:
        """The rows as a dense float32 array, after ``then``."""
        out = self.matrix.toarray()
        return out if self.then is None else self.then(out)

    def map(self, then, width: int) -> SparseRows:
        """The same rows, each dense block passed through ``then``."""
        if self.then is not None:
            raise DataError("SparseRows.map: these rows are already mapped.")
        return SparseRows(self.matrix, then, width)

    def stored_values(self) -> np.ndarray:
        """The matrix's stored (nonzero) values."""
        return self.matrix.data


def dense(a):
    """``a`` as a dense array when it is :class:`SparseRows`, else unchanged."""
    return a.dense() if isinstance(a, SparseRows) else a


def validate_sparse(estimator, X, *, reset: bool, y="no_validation", min_samples=1):
    """``validate_data`` for sparse ``X``: CSR float32, finite, as :class:`SparseRows`.

    Records or checks ``n_features_in_`` (scikit-learn removes
    ``feature_names_in_``: a sparse matrix has no column names). Returns
    ``(rows, y)``, ``y`` None when it is not given.
    """
    name = type(estimator).__name__
    expected = None if reset else getattr(estimator, "n_features_in_", None)
    if expected is not None and X.ndim == 2 and X.shape[1] != expected:
        raise DataError(
            f"X has {X.shape[1]} features, but {name} is expecting {expected} "
            "features as input. A sparse X needs the columns of the training "
            "matrix: transform new data with the transformer fitted on the "
            "training data (e.g. the same OneHotEncoder, with "
            "handle_unknown='ignore'), or keep both in one Pipeline."
        )
    kwargs = {
        "accept_sparse": "csr",
        "dtype": np.float32,
        "ensure_all_finite": False,  # checked below, with a clearer message
        "reset": reset,
    }
    no_y = isinstance(y, str) and y == "no_validation"
    if no_y:
        X = validate_data(estimator, X, **kwargs)
    else:
        estimator._check_target(y)
        X, y = validate_data(
            estimator,
            X,
            y,
            ensure_min_samples=min_samples,
            **kwargs,
            **estimator._y_check,
        )
    if not X.has_canonical_format:  # duplicate entries: sum them, on a copy
        X = X.copy()
        X.sum_duplicates()
    _refuse_non_finite(X.data, name)
    rows = SparseRows(X)
    return rows, None if no_y else y


def _refuse_non_finite(values: np.ndarray, name: str) -> None:
    nan = int(np.isnan(values).sum())
    if nan:
        raise DataError(
            f"{name}: X is a sparse matrix holding {nan} NaN value(s) among its "
            "stored entries. Missing values are filled only in pandas "
            "DataFrames: replace them before the network (e.g. with "
            "SimpleImputer in a Pipeline) or drop those samples."
        )
    inf = int(np.isinf(values).sum())
    if inf:
        raise DataError(
            f"{name}: X is a sparse matrix holding {inf} infinite value(s) (or "
            "values beyond float32's range, about 3.4e38) among its stored "
            "entries. Replace them with finite values, or clip them, e.g. "
            "X.data = np.clip(X.data, -1e6, 1e6)."
        )


class SparseScaler(TransformerMixin, BaseEstimator):
    """Divide each column by its largest absolute value at ``fit``; no centring.

    The feature encoder of the estimators fitted on sparse ``X``, as
    scikit-learn's ``MaxAbsScaler``: zeros stay zero, so the rows stay
    sparse, and the training values lie in [-1, 1] (one-hot columns keep
    their 0 / 1). A column without nonzero values at ``fit`` keeps scale 1.
    Dense ``X`` (predicting after a sparse fit) is scaled the same way.

    Attributes
    ----------
    scale_ : ndarray of shape (n_features,)
        The largest absolute value of each column (1 where it is 0).
    n_features_in_ : int
        Number of columns.
    """

    def fit(self, X, y=None):
        """Learn each column's largest absolute value.

        Parameters
        ----------
        X : SparseRows or scipy.sparse matrix of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : SparseScaler
        """
        matrix = X.matrix if isinstance(X, SparseRows) else sp.csr_array(X)
        largest = np.zeros(matrix.shape[1])  # float64: any value's magnitude
        np.maximum.at(largest, matrix.indices, np.abs(matrix.data))
        self.scale_ = np.where(largest > 0, largest, 1.0)
        self.n_features_in_ = matrix.shape[1]
        return self

    def transform(self, X):
        """Scale ``X``: :class:`SparseRows` stay sparse, arrays stay dense.

        Parameters
        ----------
        X : SparseRows, scipy.sparse matrix or ndarray of shape \
(n_samples, n_features)

        Returns
        -------
        SparseRows or ndarray of float32
        """
        check_is_fitted(self)
        if isinstance(X, SparseRows) or sp.issparse(X):
            matrix = X.matrix if isinstance(X, SparseRows) else sp.csr_array(X)
            data = self._divided(matrix.data, matrix.indices).astype(np.float32)
            structure = (matrix.indices.copy(), matrix.indptr.copy())
            return SparseRows(sp.csr_array((data, *structure), shape=matrix.shape))
        return self._divided(np.asarray(X), slice(None)).astype(np.float32)

    def _divided(self, values, columns) -> np.ndarray:
        """``values / scale`` in float64, within float32's range.

        Divided before the network's float32, so that values beyond
        float32's range (1e39 and up) or below its smallest (1e-38) keep
        their scaled magnitude instead of becoming infinite or zero.
        """
        largest = float(np.finfo(np.float32).max)
        with np.errstate(over="ignore"):
            quotient = np.divide(values, self.scale_[columns], dtype=np.float64)
        return np.clip(quotient, -largest, largest, out=quotient)


class RowBatches(keras.utils.PyDataset):
    """Dense batches of :class:`SparseRows`, for ``model.fit``.

    Batch ``i`` is a fixed function of ``i``: the rows of epoch
    ``i // steps`` in that epoch's order, drawn from ``rng`` one epoch after
    the other (as the compiled epoch loop draws them, so a sparse fit visits
    the rows as a dense fit does). Keras may read batches ahead (TensorFlow
    prefetches them across the end of an epoch), so no order is changed in
    place. With ``rng`` (shuffling) the stream never ends and ``model.fit``
    counts ``steps`` per epoch; without, it is one pass in row order.
    """

    def __init__(self, x: SparseRows, y, sample_weight, *, batch_size: int, rng=None):
        super().__init__()
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.batch_size = batch_size
        self.steps = -(-len(x) // batch_size)
        self._rng = rng
        self._orders: dict[int, np.ndarray] = {}  # the epochs being read
        self._drawn = 0

    @property
    def num_batches(self) -> int | None:
        return None if self._rng is not None else self.steps

    def _rows(self, i: int) -> np.ndarray | slice:
        epoch, step = divmod(i, self.steps)
        span = slice(step * self.batch_size, (step + 1) * self.batch_size)
        if self._rng is None:
            return span
        while self._drawn <= epoch:
            self._orders[self._drawn] = self._rng.permutation(len(self.x))
            self._orders.pop(self._drawn - 2, None)
            self._drawn += 1
        return self._orders[epoch][span]

    def __getitem__(self, i: int) -> tuple:
        rows = self._rows(i)
        batch = (
            self.x[rows].dense(),
            keras.tree.map_structure(lambda a: a[rows], self.y),
        )
        if self.sample_weight is None:
            return batch
        return (*batch, self.sample_weight[rows])


def fit_sparse(
    network,
    fit_kwargs: dict,
    callbacks,
    config,
    rng,
    seed,
    owner,
    *,
    initial_epoch: int = 0,
):
    """Train ``network`` on sparse ``fit_kwargs["x"]`` through ``model.fit``.

    As ``BaseNeuralEstimator._fit_network`` trains dense data with
    ``model.fit``, as the :class:`~skneural.training.TrainingConfig`
    ``config`` says; the batches are :class:`RowBatches`, shuffled (when
    ``config.shuffle``) by ``rng``. Validation data, if any, go in batches
    of ``config.batch_size`` rows too.
    """
    batch_size = config.batch_size
    fit_kwargs = devices.split_evenly(network.placement, fit_kwargs, batch_size, owner)
    train = RowBatches(
        fit_kwargs["x"],
        fit_kwargs["y"],
        fit_kwargs.get("sample_weight"),
        batch_size=batch_size,
        rng=rng if config.shuffle else None,
    )
    val = fit_kwargs.get("validation_data")
    if val is not None:
        x_val, y_val, *w_val = val
        val = RowBatches(x_val, y_val, (w_val or [None])[0], batch_size=batch_size)
    with seeded(seed):  # dropout and other layers' draws
        return network.model.fit(
            train,
            validation_data=val,
            epochs=initial_epoch + config.epochs,
            initial_epoch=initial_epoch,
            steps_per_epoch=train.steps,
            shuffle=False,  # the rows are shuffled by RowBatches
            verbose=config.verbose,
            callbacks=callbacks,
            **config.fit_kwargs,
        )
