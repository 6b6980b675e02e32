"""Tables as they come: numbers, categories and missing values for a network.

:class:`TableEncoder` turns a raw table (a pandas DataFrame with numeric,
categorical, string and boolean columns, with missing values) into the one
float32 matrix a network trains on, learning everything at ``fit``:

- numeric columns are centred on their median and divided by a robust
  spread (the interquartile range, or the range where that is zero, as for
  0/1 flags and one-hot columns, which then stay 0 / +-1), then smoothly
  clipped, ``x / sqrt(1 + (x / clip) ** 2)``, so that
  outliers keep their order without dominating (as in RealMLP, Holzmüller et
  al. 2024); a missing number becomes the median, and each column that had
  at least ``min_frequency`` missing values at ``fit`` gets a 0/1 indicator
  column (as a rare category shares a code, a value missing only a few
  times is filled in without one);
- categorical columns become integer codes, written after the numbers, for
  the network's embedding layers: code 0 is reserved for missing values and
  categories never seen at ``fit``, code 1 for rare categories (seen fewer
  than ``min_frequency`` times, grouped together), and codes 2, 3, ... for
  the others.

The network learns one embedding per categorical column
(:attr:`TableEncoder.cardinalities_` says how many codes each has), so a
column of 5,000 distinct values costs an embedding table, not 5,000 one-hot
columns.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._params import did_you_mean
from ._sparse import SparseRows
from .exceptions import DataError, InvalidParameterError

__all__ = ["TableEncoder", "categorical_columns", "is_table"]

#: Codes reserved in every categorical column.
UNKNOWN, RARE = 0, 1

#: Columns whose centre and spread lie within ``1 / FLOAT32_SAFE`` to
#: ``FLOAT32_SAFE`` are scaled in float32; the others (units beyond
#: float32's range, or a spread near its smallest numbers) in float64.
FLOAT32_SAFE = 1e30

#: Rows :meth:`TableEncoder.transform` scales at a time when it does so in
#: float64.
SCALE_BLOCK_ROWS = 8192


def is_table(X: Any) -> bool:
    """Whether ``X`` is a pandas DataFrame (a table with column types)."""
    return isinstance(X, pd.DataFrame)


def _is_categorical(column: pd.Series) -> bool:
    dtype = column.dtype
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def categorical_columns(frame: pd.DataFrame) -> list[int]:
    """Positions of the columns that ``categorical_features="auto"`` takes.

    Those of pandas ``category``, ``object``, string and ``bool`` dtypes.
    """
    return [i for i in range(frame.shape[1]) if _is_categorical(frame.iloc[:, i])]


def _as_keys(column: pd.Series) -> np.ndarray:
    """Category values as hashable keys; missing values as None."""
    values = column.astype(object).to_numpy()
    missing = pd.isna(values)
    keys = values.copy()
    keys[missing] = None
    return keys


class TableEncoder(TransformerMixin, BaseEstimator):
    """Encode a table for a network: scaled numbers, missing flags, category codes.

    Parameters
    ----------
    categorical_features : "auto", None, or array-like of str, int or bool, \
default="auto"
        Which columns are categorical. ``"auto"``: columns of pandas
        ``category``, ``object``, string or ``bool`` dtype. Column names,
        positions, or a boolean mask of length ``n_features`` name them
        (numeric columns may be named too: their distinct values then become
        categories). ``None``: every column is numeric.
    min_frequency : int, default=5
        Categories seen fewer times than this at ``fit`` share one code
        ("rare"), and a numeric column missing fewer times than this gets no
        missing-value indicator (its missing values become the median all
        the same); at least 1.
    clip : float, default=3.0
        Scale of the smooth clipping of numeric values after robust scaling;
        ``inf`` turns clipping off.

    Attributes
    ----------
    numeric_columns_ : list of int
        Positions of the numeric columns, in output order: the first
        ``n_continuous_`` take more than two values, the others are 0/1 flags,
        one-hot and constant columns (each group in the table's order).
    n_continuous_ : int
        How many numeric columns take more than two distinct values in ``fit``
        (the ones a numeric embedding takes).
    categorical_columns_ : list of int
        Positions of the categorical columns.
    center_, scale_ : ndarray of shape (n_numeric,)
        Median and robust spread of each numeric column.
    missing_indicators_ : list of int
        Positions (among the numeric columns) that get a missing-value column:
        those missing at least ``min_frequency`` times at ``fit``.
    categories_ : list of ndarray
        The frequent categories of each categorical column, in code order
        (their codes start at 2).
    rare_categories_ : list of ndarray
        The categories of each column seen fewer than ``min_frequency`` times
        (all coded 1).
    cardinalities_ : tuple of int
        Number of codes of each categorical column (reserved codes included).
    n_numeric_out_ : int
        Width of the numeric part of the output: the scaled numbers and the
        missing-value indicators. The category codes follow it.
    feature_names_in_ : ndarray of str
        The table's column names (when it had string names).
    n_features_in_ : int
        Number of columns of the table.
    """

    def __init__(
        self,
        categorical_features: Any = "auto",
        min_frequency: int = 5,
        clip: float = 3.0,
    ):
        self.categorical_features = categorical_features
        self.min_frequency = min_frequency
        self.clip = clip

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None):
        """Learn the column kinds, numeric statistics and category vocabularies.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            The table.
        y : ignored

        Returns
        -------
        self : TableEncoder
        """
        self._check_params()
        frame = self._frame(X, reset=True)
        categorical = self._categorical_positions(frame)
        self.categorical_columns_ = categorical
        self.numeric_columns_ = [
            i for i in range(frame.shape[1]) if i not in set(categorical)
        ]
        text = [
            str(frame.columns[i])
            for i in self.numeric_columns_
            if _is_categorical(frame.iloc[:, i])
            and not pd.api.types.is_bool_dtype(frame.iloc[:, i].dtype)
        ]
        if text:
            raise DataError(
                f"Column(s) {', '.join(map(repr, text[:5]))} hold text or "
                "categories but are not among categorical_features="
                f"{self.categorical_features!r}: name them there too, or use "
                "categorical_features='auto'."
            )
        numbers_ = self._numbers(frame)
        self._refuse_infinite(numbers_, frame.columns)
        # continuous columns first: a numeric embedding takes the leading ones
        flags = _two_valued(numbers_)
        order = [*np.flatnonzero(~flags), *np.flatnonzero(flags)]
        self.numeric_columns_ = [self.numeric_columns_[j] for j in order]
        self.n_continuous_ = int(np.sum(~flags))
        self._reordered = order != sorted(order)
        numbers_ = numbers_[:, order]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
            finite = numbers_
            center = np.nanmedian(finite, axis=0) if finite.size else np.zeros(0)
            q1, q3 = (
                np.nanpercentile(finite, [25, 75], axis=0)
                if finite.size
                else (np.zeros(0), np.zeros(0))
            )
            spread = (q3 - q1) / 1.349  # the IQR of a normal is 1.349 sigma
            # half or more of the values equal (0/1 flags, one-hot columns,
            # mostly-zero counts): the range, so that a flag stays 0 / +-1
            span = (
                np.nanmax(finite, axis=0) - np.nanmin(finite, axis=0)
                if finite.size
                else np.zeros(0)
            )
        spread = np.where(spread > 0, spread, span)
        spread = np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)
        self.center_ = np.nan_to_num(center, nan=0.0)
        self.scale_ = spread
        # as a category: a missing value seen fewer than min_frequency times
        # gets no indicator of its own (it is filled with the median alone)
        n_missing = np.isnan(numbers_).sum(axis=0)
        self.missing_indicators_ = [
            j for j in range(numbers_.shape[1]) if n_missing[j] >= self.min_frequency
        ]
        self.categories_, self.rare_categories_ = [], []
        for i in categorical:
            keys = pd.Series(_as_keys(frame.iloc[:, i])).dropna()
            counts = keys.value_counts(sort=False)
            frequent = counts.index[counts >= self.min_frequency].tolist()
            rare = counts.index[counts < self.min_frequency].tolist()
            self.categories_.append(np.array(_sorted(frequent), dtype=object))
            self.rare_categories_.append(np.array(_sorted(rare), dtype=object))
        self.cardinalities_ = tuple(len(c) + 2 for c in self.categories_)
        self.n_numeric_out_ = len(self.numeric_columns_) + len(self.missing_indicators_)
        return self

    # ------------------------------------------------------------ transform
    def transform(self, X) -> np.ndarray:
        """Encode ``X`` as float32: numbers, missing flags, then category codes.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_numeric_out_ + n_categorical)
        """
        check_is_fitted(self)
        if isinstance(X, SparseRows):  # sparse X after a dense fit: per dense block
            self._check_width(X.shape[1])
            return X.map(self.transform, self.n_numeric_out_ + len(self.categories_))
        if _plain(X) and not self.categorical_columns_:
            return self._scale_array(X)
        frame = self._frame(X, reset=False)
        numbers_ = self._numbers(frame)
        self._refuse_infinite(numbers_, frame.columns)
        scaled, missing = self._scaled(numbers_)
        parts = [scaled, missing[:, self.missing_indicators_].astype(np.float32)]
        for i, frequent, rare in zip(
            self.categorical_columns_,
            self.categories_,
            self.rare_categories_,
            strict=True,
        ):
            parts.append(_codes(frame.iloc[:, i], frequent, rare)[:, None])
        out = np.concatenate(parts, axis=1) if parts else np.zeros((len(frame), 0))
        return out.astype(np.float32)

    def _scale_array(self, X: np.ndarray) -> np.ndarray:
        """:meth:`transform` of a float array of numbers alone: NumPy only."""
        self._check_width(X.shape[1])
        # continuous columns first (encoders saved before the reordering have
        # no flag: their columns are in the table's order)
        if getattr(self, "_reordered", False):
            X = X[:, self.numeric_columns_]
        self._refuse_infinite(X, range(X.shape[1]))
        scaled, missing = self._scaled(X)
        flags = missing[:, self.missing_indicators_].astype(np.float32)
        return np.concatenate([scaled, flags], axis=1) if flags.size else scaled

    def _scaled(self, numbers_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scale, clip and fill numbers; also say where they were missing.

        Returns float32 values (a missing one becomes 0, the median) and the
        boolean mask of missing values. The arithmetic is float32 when every
        column's centre and spread lie within ``1 / FLOAT32_SAFE`` to
        ``FLOAT32_SAFE``, and float64 otherwise, :data:`SCALE_BLOCK_ROWS`
        rows at a time (in float32 a column in such units would turn to
        infinities and NaNs, then to "missing"). A value beyond float32's
        range, or more than 1e18 spreads from the centre, is bent to
        +-``clip`` (with clipping off: float32's largest).
        """
        if self._float32_safe():
            return self._bent(self._centred(numbers_, np.float32))
        scaled = np.empty(numbers_.shape, dtype=np.float32)
        missing = np.empty(numbers_.shape, dtype=bool)
        for start in range(0, len(numbers_), SCALE_BLOCK_ROWS):
            rows = slice(start, start + SCALE_BLOCK_ROWS)
            scaled[rows], missing[rows] = self._bent(
                self._centred(numbers_[rows], np.float64)
            )
        return scaled, missing

    def _float32_safe(self) -> bool:
        """Whether every column's centre and spread scale well in float32."""
        return bool(
            np.all(np.abs(self.center_) <= FLOAT32_SAFE)
            and np.all(
                (self.scale_ >= 1 / FLOAT32_SAFE) & (self.scale_ <= FLOAT32_SAFE)
            )
        )

    def _centred(self, numbers_: np.ndarray, dtype) -> np.ndarray:
        """``(numbers - centre) / spread`` in ``dtype``, a new array."""
        with np.errstate(over="ignore", invalid="ignore"):  # huge: infinite
            out = numbers_.astype(dtype)
            out -= self.center_.astype(dtype)
            out /= self.scale_.astype(dtype)
        return out

    def _bent(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fill and smoothly clip centred numbers, in place; float32 out."""
        missing = np.isnan(x)  # missing in, NaN out
        if missing.any():
            x[missing] = 0.0
        if np.isfinite(self.clip):
            # beyond 1e18 the bend is +-clip; squaring it would overflow
            np.clip(x, -1e18, 1e18, out=x)
            bend = x / x.dtype.type(self.clip)
            np.square(bend, out=bend)
            bend += 1
            np.sqrt(bend, out=bend)
            x /= bend
        else:
            largest = np.finfo(np.float32).max
            np.clip(x, -largest, largest, out=x)
        return x.astype(np.float32, copy=False), missing

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns (numbers, ``missing_*``, then codes)."""
        check_is_fitted(self)
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            names = np.array([f"x{i}" for i in range(self.n_features_in_)])
        numeric = [str(names[i]) for i in self.numeric_columns_]
        flags = [f"missing_{numeric[j]}" for j in self.missing_indicators_]
        codes = [str(names[i]) for i in self.categorical_columns_]
        return np.array(numeric + flags + codes, dtype=object)

    # -------------------------------------------------------------- helpers
    def _check_params(self) -> None:
        name = type(self).__name__
        m = self.min_frequency
        if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
            raise InvalidParameterError(
                f"{name}: invalid `min_frequency`: expected an integer >= 1. "
                f"Received: min_frequency={m!r}."
            )
        c = self.clip
        if isinstance(c, bool) or not isinstance(c, numbers.Real) or not c > 0:
            raise InvalidParameterError(
                f"{name}: invalid `clip`: expected a positive number (inf: no "
                f"clipping). Received: clip={c!r}."
            )

    def _frame(self, X, *, reset: bool) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            frame = X
        else:
            array = np.asarray(X, dtype=object if _has_text(X) else None)
            if array.ndim != 2:
                raise DataError(
                    f"Expected a 2-D table (n_samples, n_features), got an array of "
                    f"shape {array.shape}."
                )
            frame = pd.DataFrame(array)
        names = frame.columns
        if reset:
            self.n_features_in_ = frame.shape[1]
            if isinstance(X, pd.DataFrame) and all(isinstance(c, str) for c in names):
                self.feature_names_in_ = np.asarray(names, dtype=object)
            else:
                self.__dict__.pop("feature_names_in_", None)
        else:
            self._check_width(frame.shape[1])
        return frame

    def _check_width(self, n_columns: int) -> None:
        if n_columns != self.n_features_in_:
            raise DataError(
                f"X has {n_columns} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )

    def _categorical_positions(self, frame: pd.DataFrame) -> list[int]:
        spec = self.categorical_features
        n = frame.shape[1]
        if spec is None:
            return []
        if isinstance(spec, str):
            if spec == "auto":
                return categorical_columns(frame)
            spec = [spec]
        values = list(spec)
        if values and all(isinstance(v, (bool, np.bool_)) for v in values):
            if len(values) != n:
                raise InvalidParameterError(
                    f"{type(self).__name__}: invalid `categorical_features`: a "
                    f"boolean mask needs one entry per column ({n}), got "
                    f"{len(values)}."
                )
            return [i for i, v in enumerate(values) if v]
        columns = [str(c) for c in frame.columns]
        positions = []
        for v in values:
            if isinstance(v, str):
                if v not in columns:
                    raise InvalidParameterError(
                        f"{type(self).__name__}: invalid `categorical_features`: "
                        f"there is no column {v!r}.{did_you_mean(v, columns)}"
                    )
                positions.append(columns.index(v))
            elif isinstance(v, numbers.Integral) and -n <= v < n:
                positions.append(int(v) % n)
            else:
                raise InvalidParameterError(
                    f"{type(self).__name__}: invalid `categorical_features`: "
                    f"expected 'auto', None, column names, positions below {n} or "
                    f"a boolean mask. Received: {v!r}."
                )
        return sorted(set(positions))

    def _refuse_infinite(self, numbers_: np.ndarray, names) -> None:
        if not np.isinf(numbers_).any():
            return
        infinite = np.isinf(numbers_).any(axis=0)
        if infinite.any():
            column = names[self.numeric_columns_[int(infinite.argmax())]]
            raise DataError(
                f"Input X contains infinity (column {str(column)!r}). Replace it "
                "with a finite value, or with NaN to treat it as missing."
            )

    def _numbers(self, frame: pd.DataFrame) -> np.ndarray:
        if not self.numeric_columns_:
            return np.zeros((len(frame), 0))
        part = frame.iloc[:, self.numeric_columns_]
        try:
            return part.apply(pd.to_numeric, errors="raise").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        except (ValueError, TypeError) as exc:
            bad = [
                str(frame.columns[i])
                for i in self.numeric_columns_
                if _is_categorical(frame.iloc[:, i])
            ]
            raise DataError(
                f"Column(s) {', '.join(map(repr, bad)) or '?'} hold text, but were "
                "numeric when the encoder was fitted. Give the columns the same "
                f"types as in training ({exc})."
            ) from None


def _two_valued(numbers_: np.ndarray) -> np.ndarray:
    """Which columns hold at most two distinct values (NaN aside)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        low, high = np.nanmin(numbers_, axis=0), np.nanmax(numbers_, axis=0)
    missing = np.isnan(numbers_)
    return np.all(missing | (numbers_ == low) | (numbers_ == high), axis=0)


def _codes(column: pd.Series, frequent: np.ndarray, rare: np.ndarray) -> np.ndarray:
    """Codes of a column: 2, 3, ... frequent, 1 rare, 0 missing or unseen."""
    lookup = {key: float(code) for code, key in enumerate(frequent, start=2)}
    lookup.update(dict.fromkeys(rare.tolist(), float(RARE)))
    codes = pd.Series(_as_keys(column)).map(lookup)
    return codes.fillna(float(UNKNOWN)).to_numpy(dtype=np.float64)


def _plain(X) -> bool:
    """Whether ``X`` is a 2-D floating-point NumPy array (the fast path)."""
    return isinstance(X, np.ndarray) and X.dtype.kind == "f" and X.ndim == 2


def _has_text(X) -> bool:
    try:
        return np.asarray(X).dtype.kind in "OUS"
    except (ValueError, TypeError):
        return True


def _sorted(values: Sequence) -> list:
    try:
        return sorted(values)
    except TypeError:  # mixed types: by their text, then type name
        return sorted(values, key=lambda v: (str(v), type(v).__name__))
