"""Accuracy of skneural's default dense networks on real tables, vs scikit-learn.

The panel of benchmarks/_tables.py: 21 real tables that install offline
(binary, multiclass and regression; 1,030 to 53,940 rows; most with string
columns, many with missing values), each in group "choose" (used to choose
skneural's defaults) or "holdout" (no part in that choice); ``--group extra``
and ``--group tiny`` run 53 more tables (699 to 30,000 and 150 to 856 rows),
``--group all`` all 74. On each table,
the same 3 shuffled folds (StratifiedKFold for classification, KFold for
regression, random_state=0) for five models, each seeded where it draws
random numbers (``SEED``; skneural: ``--set random_state=0``):

- skneural raw: NeuralClassifier / NeuralRegressor (defaults, plus ``--set``)
  on the raw DataFrame and the raw target; where it cannot take the table
  the cell says "n/a (error: ...)" and the run goes on,
- skneural pipeline: the same estimator after the standard preprocessing
  (numeric: median imputation + StandardScaler; strings / categories /
  booleans: most-frequent imputation + one-hot, unseen categories ignored,
  categories seen fewer than 10 times in training sharing one column),
- MLP: MLPClassifier / MLPRegressor defaults in that pipeline,
- HGB: HistGradientBoostingClassifier / Regressor defaults on the raw table,
  string columns as pandas categories (categorical_features="from_dtype"),
- linear: LogisticRegression(max_iter=1000) / RidgeCV in that pipeline.

Regression models in the pipeline learn a standardized target
(TransformedTargetRegressor with StandardScaler) and are scored on the raw
scale; skneural raw and HGB get the raw target. Scores: accuracy or R², mean
and standard deviation over the folds; fit time: mean seconds per fold
(preprocessing included); classifiers also get the log loss of their
``predict_proba`` on the test folds (how good their probabilities are).

Targets for skneural's defaults: >= MLP defaults on every table, >= logistic /
ridge on every table, mean(skneural - HistGradientBoosting) >= 0, fold std at
most HGB's + 0.01, fit time on tables of >= 10k rows at most 2x HGB's. The
summary counts them per group, for skneural raw and skneural pipeline.

Results go to results/bench_tabular.json (results/bench_tabular_NAME.json
with ``--name NAME``), rewritten after every model so that a stopped run
keeps what it measured.

On 2 CPU cores the panel takes about 7 minutes on a quiet machine (the four
models other than skneural raw: about 40 s for adult), extra and tiny about
as long together. On a
machine busy with other work add ``--threads 1``: HGB's OpenMP threads then
wait on each other and its fits became 30x slower in such a run.

Run:  python benchmarks/bench_tabular.py                  # the panel
      python benchmarks/bench_tabular.py --group all        # all 74 tables
      python benchmarks/bench_tabular.py --group choose --set epochs=50 \\
          --set early_stopping=True --name e50-es --models skneural-pipeline
      python benchmarks/bench_tabular.py --tables adult,ames --max-rows 2000
      python benchmarks/_tables.py                        # the panel itself
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import math
import os
import re
import statistics
import sys
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
from _common import write
from _tables import BY_NAME, GROUPS, PANEL_GROUPS, TABLES, Table, describe
from sklearn.compose import (
    ColumnTransformer,
    TransformedTargetRegressor,
    make_column_selector,
)
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils import resample
from threadpoolctl import threadpool_limits

FOLDS = 3
BIG = 10_000  # rows from which the fit-time target applies

#: Seed of the baselines' random draws (MLP's initial weights, HGB's early
#: stopping split): unseeded, MLP's score on one table moved by up to 0.03
#: from one run to the next (diamonds 0.924 / 0.955), which is more than the
#: gaps the targets compare. skneural's seed is ``--set random_state=N``.
SEED = 0

MODELS = {
    "skneural-raw": "skneural raw",
    "skneural-pipeline": "skneural pipeline",
    "mlp": "MLP",
    "hgb": "HGB",
    "linear": "logistic/ridge",
}
SKNEURAL = ("skneural-raw", "skneural-pipeline")


# -- the models ----------------------------------------------------------------


def preprocessor() -> ColumnTransformer:
    """The standard preprocessing of a raw table for MLP, linear models and
    skneural in a pipeline."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False, min_frequency=10),
    )
    return ColumnTransformer(
        [
            (
                "numeric",
                numeric,
                make_column_selector(dtype_include="number", dtype_exclude="bool"),
            ),
            ("categorical", categorical, make_column_selector(dtype_exclude="number")),
        ]
    )


def as_categories(X: pd.DataFrame) -> pd.DataFrame:
    """String columns as pandas categories, for HGB's categorical support."""
    X = X.copy()
    for col in X.columns:
        if pd.api.types.is_object_dtype(X[col]) or pd.api.types.is_string_dtype(X[col]):
            X[col] = X[col].astype("category")
    return X


def make_model(key: str, table: Table, params: dict):
    """The estimator ``key`` for ``table``'s task (built fresh per fold)."""
    clf = table.classification
    if key in SKNEURAL:
        from skneural import NeuralClassifier, NeuralRegressor

        net = (NeuralClassifier if clf else NeuralRegressor)(**params)
        if key == "skneural-raw":
            return net
        return _in_pipeline(net, clf)
    if key == "mlp":  # seeded, as every model with random draws here
        mlp = MLPClassifier if clf else MLPRegressor
        return _in_pipeline(mlp(random_state=SEED), clf)
    if key == "hgb":  # its early stopping (from 10,000 rows) draws a split
        hgb = HistGradientBoostingClassifier if clf else HistGradientBoostingRegressor
        return hgb(categorical_features="from_dtype", random_state=SEED)
    if key == "linear":
        return _in_pipeline(
            LogisticRegression(max_iter=1000) if clf else RidgeCV(), clf
        )
    raise ValueError(key)


def _in_pipeline(model, classification: bool):
    pipe = make_pipeline(preprocessor(), model)
    if classification:
        return pipe
    return TransformedTargetRegressor(regressor=pipe, transformer=StandardScaler())


# -- running -------------------------------------------------------------------


def folds(table: Table, X, y):
    if table.classification:
        cv = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    else:
        cv = KFold(FOLDS, shuffle=True, random_state=0)
    return list(cv.split(X, y))


def evaluate(key, table, X, y, splits, params) -> dict:
    """Fit and score ``key`` on every fold; an error ends it, recorded."""
    score = accuracy_score if table.classification else r2_score
    out = {"scores": [], "fit_s": [], "error": None}
    if table.classification:
        out["log_loss"] = []
    for train, test in splits:
        try:
            model = make_model(key, table, params)
            start = time.perf_counter()
            model.fit(X.iloc[train], y.iloc[train])
            out["fit_s"].append(time.perf_counter() - start)
            out["scores"].append(
                float(score(y.iloc[test], model.predict(X.iloc[test])))
            )
            if table.classification:  # how good the probabilities are
                proba = model.predict_proba(X.iloc[test])
                out["log_loss"].append(
                    float(log_loss(y.iloc[test], proba, labels=model.classes_))
                )
        except Exception as exc:  # any failure is a result, not a crash
            message = str(exc).strip().splitlines()
            out["error"] = f"{type(exc).__name__}: {message[0] if message else ''}"
            break
    if out["error"] is None:
        out["mean"] = statistics.fmean(out["scores"])
        out["std"] = float(np.std(out["scores"]))
        out["mean_fit_s"] = statistics.fmean(out["fit_s"])
        if "log_loss" in out:
            out["mean_log_loss"] = statistics.fmean(out["log_loss"])
    return out


def cell(result: dict | None) -> str:
    if result is None:
        return ""
    if result["error"] is not None:
        text = result["error"]
        return f"n/a (error: {text[:60] + '…' if len(text) > 60 else text})"
    sec = result["mean_fit_s"]
    return f"{result['mean']:.3f} ± {result['std']:.3f} ({sec:.{1 if sec >= 10 else 2}f} s)"


def progress(*parts):
    print(*parts, file=sys.stderr, flush=True)


# -- the report ----------------------------------------------------------------


def _ok(res: dict, key: str) -> dict | None:
    r = res["models"].get(key)
    return r if r is not None and r["error"] is None else None


def summarize(tables: dict, models: list[str]) -> dict:
    """The targets, per group run ("choose", ..., "all") and skneural model."""
    summary = {}
    present = {r["group"] for r in tables.values()}
    for group in (*(g for g in GROUPS if g in present), "all"):
        rows = {n: r for n, r in tables.items() if group in ("all", r["group"])}
        for key in (k for k in SKNEURAL if k in models):
            s = {"tables": 0}
            below = {"mlp": [], "linear": []}
            wins = {"mlp": 0, "linear": 0}
            compared = {"mlp": 0, "linear": 0}
            diffs, stds, hgb_stds, std_ok, ratios = [], [], [], 0, {}
            for name, res in rows.items():
                sk = _ok(res, key)
                if sk is None:
                    continue
                s["tables"] += 1
                for other in ("mlp", "linear"):
                    o = _ok(res, other)
                    if o is not None:
                        compared[other] += 1
                        if sk["mean"] >= o["mean"]:
                            wins[other] += 1
                        else:
                            below[other].append(
                                f"{name} ({sk['mean'] - o['mean']:+.3f})"
                            )
                hgb = _ok(res, "hgb")
                if hgb is not None:
                    diffs.append(sk["mean"] - hgb["mean"])
                    stds.append(sk["std"])
                    hgb_stds.append(hgb["std"])
                    std_ok += sk["std"] <= hgb["std"] + 0.01
                    if res["rows_used"] >= BIG:
                        ratios[name] = sk["mean_fit_s"] / hgb["mean_fit_s"]
            for other in ("mlp", "linear"):
                s[f"ge_{other}"] = [wins[other], compared[other]]
                s[f"below_{other}"] = below[other]
            s["vs_hgb_tables"] = len(diffs)
            s["mean_minus_hgb"] = statistics.fmean(diffs) if diffs else None
            s["mean_std"] = statistics.fmean(stds) if stds else None
            s["max_std"] = max(stds) if stds else None
            s["hgb_mean_std"] = statistics.fmean(hgb_stds) if hgb_stds else None
            s["hgb_max_std"] = max(hgb_stds) if hgb_stds else None
            s["std_within_hgb_plus_0.01"] = std_ok
            s["fit_ratio_vs_hgb_big"] = ratios
            summary[f"{group}/{key}"] = s
    return summary


def _f(x, spec=".3f"):
    return (
        "n/a"
        if x is None or (isinstance(x, float) and math.isnan(x))
        else f"{x:{spec}}"
    )


def report(results: dict, models: list[str]) -> None:
    tables = results["tables"]
    print(
        f"\nvariant: {results['variant']}  (skneural parameters: {results['params']})"
    )
    print(
        "score: accuracy (binary, multiclass) or R² (regression), mean ± std "
        f"over {FOLDS} folds (mean fit seconds per fold)\n"
    )
    print(
        "| table | task | group | rows | "
        + " | ".join(MODELS[m] for m in models)
        + " |"
    )
    print("|---|---|---|---|" + "---|" * len(models))
    for name, res in tables.items():
        cells = " | ".join(cell(res["models"].get(m)) for m in models)
        print(
            f"| {name} | {res['task']} | {res['group']} | {res['rows_used']:,} | {cells} |"
        )
    _report_log_loss(tables, models)
    summary = summarize(tables, models)
    results["summary"] = summary
    if not summary:
        return
    print(
        "\ntargets: >= MLP and >= logistic/ridge on every table; mean(skneural - "
        "HGB) >= 0; fold std <= HGB's + 0.01; fit time <= 2x HGB on >= 10k rows\n"
    )
    print(
        "| group | model | tables | >= MLP | >= linear | mean - HGB | "
        "fold std mean / max (HGB) | std <= HGB + 0.01 | fit / HGB, >= 10k rows: mean / max |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for label, s in summary.items():
        group, key = label.split("/")
        ratios = list(s["fit_ratio_vs_hgb_big"].values())
        fit = (
            f"{statistics.fmean(ratios):.2f} / {max(ratios):.2f} ({len(ratios)} tables)"
            if ratios
            else "n/a"
        )
        print(
            f"| {group} | {MODELS[key]} | {s['tables']} | "
            f"{s['ge_mlp'][0]}/{s['ge_mlp'][1]} | {s['ge_linear'][0]}/{s['ge_linear'][1]} | "
            f"{_f(s['mean_minus_hgb'], '+.4f')} | "
            f"{_f(s['mean_std'])} / {_f(s['max_std'])} "
            f"({_f(s['hgb_mean_std'])} / {_f(s['hgb_max_std'])}) | "
            f"{s['std_within_hgb_plus_0.01']}/{s['vs_hgb_tables']} | {fit} |"
        )
    for label, s in summary.items():
        if label.startswith("all/"):
            for other in ("mlp", "linear"):
                if s[f"below_{other}"]:
                    print(
                        f"{MODELS[label[4:]]} below {MODELS[other]}: "
                        + ", ".join(s[f"below_{other}"])
                    )


def _report_log_loss(tables: dict, models: list[str]) -> None:
    """Classifiers' test log loss (mean over the folds): their probabilities."""
    rows = [
        (name, [(_ok(res, m) or {}).get("mean_log_loss") for m in models])
        for name, res in tables.items()
        if res["task"] != "regression"
    ]
    if not rows:
        return
    print("\nlog loss of predict_proba on the test folds (lower is better)\n")
    print("| table | " + " | ".join(MODELS[m] for m in models) + " |")
    print("|---|" + "---|" * len(models))
    for name, values in rows:
        print(f"| {name} | " + " | ".join(_f(v, ".4f") for v in values) + " |")


# -- command line --------------------------------------------------------------


def parse_set(text: str) -> tuple[str, object]:
    """``key=value`` with the value a Python literal (else a plain string)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip().isidentifier():
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    try:
        return key.strip(), ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return key.strip(), value


def _names(values: list[str] | None) -> list[str]:
    return [n.strip() for v in values or [] for n in v.split(",") if n.strip()]


def run(tables, models, params, args, results, stem) -> None:
    """Every model on every table; the results rewritten after each model."""
    for i, table in enumerate(tables, 1):
        X, y = table.load()
        info = describe(table, X, y)
        if args.max_rows and len(X) > args.max_rows:
            X, y = resample(
                X,
                y,
                n_samples=args.max_rows,
                replace=False,
                stratify=y if table.classification else None,
                random_state=0,
            )
            X, y = X.reset_index(drop=True), y.reset_index(drop=True)
        res = {**info, "rows_used": len(X), "models": {}}
        results["tables"][table.name] = res
        splits = folds(table, X, y)
        inputs = {"hgb": as_categories(X)}
        progress(
            f"[{i}/{len(tables)}] {table.name}: {table.task}, {len(X):,} rows x "
            f"{X.shape[1]} columns ({info['categorical_columns']} categorical)"
        )
        for key in models:
            res["models"][key] = r = evaluate(
                key, table, inputs.get(key, X), y, splits, params
            )
            progress(f"    {MODELS[key]:<18} {cell(r)}")
            write(stem, results)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tables",
        action="append",
        metavar="NAME[,NAME...]",
        help=f"tables to run (default: all of --group): {', '.join(BY_NAME)}",
    )
    parser.add_argument(
        "--group",
        choices=[*GROUPS, "panel", "all"],
        help="the tables of one group (panel: choose and holdout); default: "
        "panel, or every group for the tables named by --tables",
    )
    parser.add_argument(
        "--models",
        action="append",
        metavar="NAME[,NAME...]",
        help=f"models to run (default: all): {', '.join(MODELS)}",
    )
    parser.add_argument(
        "--set",
        action="append",
        type=parse_set,
        default=[],
        metavar="KEY=VALUE",
        help="a skneural parameter for both skneural models, e.g. epochs=50",
    )
    parser.add_argument(
        "--name", help="name of this variant; results go to bench_tabular_NAME.json"
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        help="subsample larger tables to this many rows (quick runs)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="limit scikit-learn's OpenMP / BLAS threads (HGB, MLP, ...) to N; "
        "on a machine busy with other work, OpenMP with every core can make "
        "HGB many times slower",
    )
    args = parser.parse_args(argv)

    names = _names(args.tables) or list(BY_NAME)
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown table(s) {unknown}; known: {', '.join(BY_NAME)}")
    group = args.group or ("all" if args.tables else "panel")
    groups = {"panel": PANEL_GROUPS, "all": GROUPS}.get(group, (group,))
    tables = [t for t in TABLES if t.name in names and t.group in groups]
    if not tables:
        parser.error(f"no table of group {group!r} among {names}")
    models = _names(args.models) or list(MODELS)
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {unknown}; known: {', '.join(MODELS)}")
    models = [m for m in MODELS if m in models]
    params = dict(args.set)
    variant = args.name or (
        "defaults" + "".join(f" {k}={v!r}" for k, v in params.items())
    )
    stem = "bench_tabular" + (
        "_" + re.sub(r"[^A-Za-z0-9._-]+", "-", args.name) if args.name else ""
    )

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", message=".*unknown categories.*")

    results = {
        "args": {**vars(args), "set": params},
        "variant": variant,
        "params": params,
        "folds": FOLDS,
        "models": models,
        "tables": {},
        "complete": False,
        "load_average_start": os.getloadavg(),
    }
    start = time.perf_counter()
    limits = (
        threadpool_limits(args.threads) if args.threads else contextlib.nullcontext()
    )
    try:
        with limits:
            run(tables, models, params, args, results, stem)
        results["complete"] = True
    except KeyboardInterrupt:
        progress("interrupted: reporting the tables done so far")
    results["seconds"] = time.perf_counter() - start
    results["load_average_end"] = os.getloadavg()
    report(results, models)
    path = write(stem, results)
    print(f"\nwrote {path} ({results['seconds'] / 60:.1f} min)")


if __name__ == "__main__":
    main()
