"""Preprocessing for the baselines (and for conv networks on tables of pixels).

A dense skneural network takes a table as it is: its own feature encoder
(:class:`~skneural.features.TableEncoder`) embeds the categorical columns,
robust-scales the numbers and flags missing values. The one-hot
preprocessing of :func:`make_preprocessor` is for the linear and MLP
baselines, and for convolutional networks on tables of pixels;
:class:`AsCategories` prepares a table for gradient boosting's native
categorical support.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from ..exceptions import DataTypeError
from ..features import categorical_columns as _categorical_positions

__all__ = ["AsCategories", "categorical_columns", "make_preprocessor"]


def _flatten(X):
    X = np.asarray(X)
    return X.reshape(len(X), -1)


def make_preprocessor(X) -> Any:
    """One-hot preprocessing of a table (or flattened images), for the baselines.

    Numeric columns: median imputation, then standardization. Categorical
    columns (strings, categories, booleans): most-frequent imputation, then
    one-hot encoding that ignores unseen categories. Images: flattened and
    standardized.

    The linear and MLP baselines use it, and a convolutional network on a
    table of pixels; a dense skneural network takes the table as it is.
    """
    if not isinstance(X, pd.DataFrame):
        return Pipeline(
            [("flatten", FunctionTransformer(_flatten)), ("scale", StandardScaler())]
        )
    numeric = Pipeline(
        [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    )
    categorical = Pipeline(
        [
            (
                "as_text",
                FunctionTransformer(_as_text, feature_names_out="one-to-one"),
            ),
            ("impute", SimpleImputer(strategy="most_frequent")),
            (
                "onehot",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            ),
        ]
    )
    return ColumnTransformer(
        [
            (
                "numeric",
                numeric,
                make_column_selector(dtype_include="number", dtype_exclude="bool"),
            ),
            (
                "categorical",
                categorical,
                make_column_selector(dtype_exclude="number"),
            ),
        ],
        verbose_feature_names_out=False,
    )


def categorical_columns(X: pd.DataFrame) -> list[str]:
    """The names of the columns a dense network embeds as categories.

    Those of pandas ``category``, ``object``, string and ``bool`` dtypes
    (:func:`skneural.features.categorical_columns`); :func:`make_preprocessor`
    one-hot encodes the same ones.
    """
    return [str(X.columns[i]) for i in _categorical_positions(X)]


def _as_text(X):
    """Categorical values as strings (missing ones kept missing).

    One-hot encoding needs one type per column; a column mixing numbers,
    strings and booleans, or a pandas categorical, becomes plain text.
    """
    X = pd.DataFrame(X).astype(object)
    return X.astype(str).where(X.notna(), np.nan)


class AsCategories(TransformerMixin, BaseEstimator):
    """A table's categorical columns as pandas categories, for gradient boosting.

    ``HistGradientBoostingRegressor`` / ``HistGradientBoostingClassifier``
    with ``categorical_features="from_dtype"`` split on the columns of
    ``category`` dtype natively. This transformer gives them one: the columns
    of ``object``, string, ``bool`` and ``category`` dtypes become text
    categories; numeric columns pass through. Each column keeps its
    ``max_categories`` most frequent values seen in ``fit`` (gradient boosting
    takes at most 255); the others, and values never seen in ``fit``, become
    missing values, which gradient boosting handles natively.

    Parameters
    ----------
    max_categories : int, default=255
        Most categories kept per column.

    Attributes
    ----------
    categories_ : dict
        Column name -> the categories kept (text), most frequent first.
    """

    def __init__(self, max_categories: int = 255):
        self.max_categories = max_categories

    def fit(self, X, y=None):
        """Learn the categories of each categorical column of ``X``.

        Parameters
        ----------
        X : pandas.DataFrame
        y : ignored

        Returns
        -------
        self : AsCategories
        """
        frame = self._check_frame(X)
        self.categories_ = {}
        for i in _categorical_positions(frame):
            counts = _as_text(frame.iloc[:, i]).iloc[:, 0].value_counts()
            self.categories_[frame.columns[i]] = counts.index[: self.max_categories]
        return self

    def transform(self, X) -> pd.DataFrame:
        """``X`` with its categorical columns as pandas categories.

        Values not among a column's categories become missing.

        Parameters
        ----------
        X : pandas.DataFrame
            A table with the columns seen in ``fit``.

        Returns
        -------
        pandas.DataFrame
        """
        frame = self._check_frame(X).copy()
        for name, categories in self.categories_.items():
            text = _as_text(frame[name]).iloc[:, 0]
            known = text.where(text.isin(categories))  # others: missing
            frame[name] = pd.Categorical(known, categories=categories)
        return frame

    def _check_frame(self, X) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise DataTypeError(
                f"{type(self).__name__} takes a pandas DataFrame (a table with "
                f"column types); got {type(X).__name__}."
            )
        return X
