"""Cross-validated evaluation next to scikit-learn baselines, on the same folds.

:func:`cross_validate_models` trains a model and its baselines on the same
folds, and keeps what a report needs: every metric for every fold, the
out-of-fold predictions, the training history of each fold's network.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import check_scoring
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import _safe_indexing

from .._find import find_network
from .preprocessing import AsCategories, make_preprocessor

__all__ = [
    "CrossValidation",
    "baselines",
    "cross_validate_models",
    "format_score",
    "make_folds",
    "metrics_for",
    "network_of",
    "score",
]

#: Metric name -> scikit-learn scorer, per task. "neg_" scorers are shown
#: positive (RMSE, MAE, log loss: lower is better).
METRICS = {
    "regression": {
        "r2": "r2",
        "rmse": "neg_root_mean_squared_error",
        "mae": "neg_mean_absolute_error",
    },
    "classification": {
        "accuracy": "accuracy",
        "balanced_accuracy": "balanced_accuracy",
        "f1_macro": "f1_macro",
        "log_loss": "neg_log_loss",
    },
}
LOWER_IS_BETTER = {"rmse", "mae", "log_loss"}
#: The metric a task is tuned and ranked on.
MAIN_METRIC = {"regression": "r2", "classification": "accuracy"}


def metrics_for(task: str, y=None) -> dict[str, str]:
    """The metrics reported for a task (ROC AUC too for binary targets)."""
    metrics = dict(METRICS[task])
    if task == "classification" and y is not None and len(np.unique(y)) == 2:
        metrics["roc_auc"] = "roc_auc"
    return metrics


def score(model, X, y, task: str) -> dict[str, float]:
    """Every metric of :func:`metrics_for` for a fitted model on ``X, y``."""
    scorers = metrics_for(task, y)
    scorer = check_scoring(model, scoring=scorers)
    values = scorer(model, X, y)
    return {
        name: (-float(v) if scorers[name].startswith("neg_") else float(v))
        for name, v in values.items()
    }


def make_folds(task: str, cv: int = 5, random_state: int | None = 0):
    """Shuffled folds: stratified for classification, plain for regression."""
    kind = StratifiedKFold if task == "classification" else KFold
    return kind(n_splits=cv, shuffle=True, random_state=random_state)


def baselines(X, task: str, random_state: int | None = 0) -> dict:
    """scikit-learn models to compare with, for data like ``X``.

    A linear model (``RidgeCV`` or ``LogisticRegression``) and scikit-learn's
    own ``MLPRegressor`` / ``MLPClassifier`` (regression targets
    standardized), both after the one-hot preprocessing of
    :func:`skneural.app.preprocessing.make_preprocessor`, the MLP with early stopping
    from 2,000 rows of ``X`` up (on fewer, its 10% validation part is too
    small to stop on). For a table, also ``HistGradientBoostingRegressor`` /
    ``HistGradientBoostingClassifier`` with their defaults, on the table as
    it is: its text, boolean and category columns become pandas categories
    (:class:`skneural.app.preprocessing.AsCategories`), split on natively.

    Parameters
    ----------
    X : pandas.DataFrame or array-like
        The data, for its kind (a table or images) and its number of rows;
        nothing is fitted.
    task : {"regression", "classification"}
    random_state : int, default=0
        Seed of the MLP and of gradient boosting.

    Returns
    -------
    dict
        Model name -> unfitted estimator.
    """
    n_samples = len(X)
    mlp_params = {
        "early_stopping": n_samples >= 2000,
        "max_iter": 500 if n_samples >= 2000 else 2000,
        "random_state": random_state,
    }
    if task == "regression":
        mlp = TransformedTargetRegressor(
            MLPRegressor(**mlp_params), transformer=StandardScaler()
        )
        models = {
            "RidgeCV": Pipeline(
                [
                    ("preprocess", make_preprocessor(X)),
                    ("model", RidgeCV(alphas=np.logspace(-3, 3, 13))),
                ]
            ),
            "MLPRegressor": Pipeline(
                [("preprocess", make_preprocessor(X)), ("model", mlp)]
            ),
        }
        boosting = HistGradientBoostingRegressor
    else:
        models = {
            "LogisticRegression": Pipeline(
                [
                    ("preprocess", make_preprocessor(X)),
                    ("model", LogisticRegression(max_iter=2000)),
                ]
            ),
            "MLPClassifier": Pipeline(
                [
                    ("preprocess", make_preprocessor(X)),
                    ("model", MLPClassifier(**mlp_params)),
                ]
            ),
        }
        boosting = HistGradientBoostingClassifier
    if isinstance(X, pd.DataFrame):
        models[boosting.__name__] = Pipeline(
            [
                ("categories", AsCategories()),
                (
                    "model",
                    boosting(
                        categorical_features="from_dtype", random_state=random_state
                    ),
                ),
            ]
        )
    return models


def network_of(model):
    """The fitted skneural estimator inside a model, or None (a baseline)."""
    try:
        return find_network(model, fitted=True)[1]
    except TypeError:
        return None


@dataclass
class CrossValidation:
    """What a cross-validation found, for every model on the same folds.

    Attributes
    ----------
    task : str
    metrics : dict
        Model name -> metric name -> one value per fold. The first model is
        the one evaluated; the others are baselines.
    fit_seconds : dict
        Model name -> seconds per fold.
    y_true : numpy.ndarray
        The target, in the data's order.
    y_pred : numpy.ndarray
        The first model's out-of-fold predictions, in the data's order.
    proba : numpy.ndarray or None
        Its out-of-fold class probabilities (classifiers).
    classes : list or None
        The classes, in the columns' order of ``proba``.
    histories : list of dict
        The first model's network history (``history_``) in each fold.
    """

    task: str
    metrics: dict[str, dict[str, list[float]]]
    fit_seconds: dict[str, list[float]]
    y_true: np.ndarray
    y_pred: np.ndarray
    proba: np.ndarray | None = None
    classes: list | None = None
    histories: list[dict[str, list[float]]] = field(default_factory=list)
    n_splits: int = 0

    @property
    def model_names(self) -> list[str]:
        """The models, the evaluated one first."""
        return list(self.metrics)

    def mean(self, model: str, metric: str) -> float:
        """The mean over folds of ``metric`` for ``model``."""
        return float(np.mean(self.metrics[model][metric]))

    def table(self) -> list[dict[str, Any]]:
        """Rows ``{"model", "<metric>", "<metric>_std", "fit_seconds"}``."""
        rows = []
        for name, values in self.metrics.items():
            row: dict[str, Any] = {"model": name}
            for metric, folds in values.items():
                row[metric] = float(np.mean(folds))
                row[f"{metric}_std"] = float(np.std(folds))
            row["fit_seconds"] = float(np.mean(self.fit_seconds[name]))
            rows.append(row)
        return rows

    def format(self) -> str:
        """A text table of mean ± std per metric and model."""
        metrics = list(next(iter(self.metrics.values())))
        header = ["model", *metrics, "fit s"]
        lines = []
        for row in self.table():
            cells = [row["model"]]
            cells += [format_score(row[m], row[f"{m}_std"]) for m in metrics]
            cells.append(f"{row['fit_seconds']:.2f}")
            lines.append(cells)
        widths = [
            max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))
        ]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        out = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
        out += [fmt.format(*cells) for cells in lines]
        return "\n".join(out)


def format_score(mean: float, std: float) -> str:
    """Format ``mean ± std`` for people.

    Four significant digits, or whole numbers with thousands separators for
    large values (prices, counts).
    """
    if abs(mean) >= 1e4:
        return f"{mean:,.0f} ± {std:,.0f}"
    return f"{mean:.4g} ± {std:.2g}"


def cross_validate_models(
    models: dict[str, Any],
    X,
    y,
    task: str,
    *,
    cv: Any = 5,
    random_state: int | None = 0,
    on_fold: Callable[[str, int, int], None] | None = None,
) -> CrossValidation:
    """Cross-validate several models on the same folds.

    Parameters
    ----------
    models : dict
        Name -> unfitted estimator. The first is the one studied (its
        out-of-fold predictions and histories are kept).
    X, y : data
    task : {"regression", "classification"}
    cv : int or splitter, default=5
        An int makes shuffled (stratified for classification) folds.
    random_state : int, default=0
        The folds' seed when ``cv`` is an int.
    on_fold : callable, default=None
        Called as ``on_fold(model_name, fold, n_folds)`` before each fit.

    Returns
    -------
    CrossValidation
    """
    splitter = make_folds(task, cv, random_state) if isinstance(cv, int) else cv
    y_arr = np.asarray(y)
    splits = list(splitter.split(X, y_arr))
    metrics: dict[str, dict[str, list[float]]] = {}
    seconds: dict[str, list[float]] = {}
    y_pred = proba = classes = None
    histories = []
    for index, (name, model) in enumerate(models.items()):
        metrics[name], seconds[name] = {}, []
        for k, (train, test) in enumerate(splits):
            if on_fold is not None:
                on_fold(name, k, len(splits))
            est = clone(model)
            start = time.perf_counter()
            est.fit(_safe_indexing(X, train), y_arr[train])
            seconds[name].append(time.perf_counter() - start)
            X_test = _safe_indexing(X, test)
            for metric, value in score(est, X_test, y_arr[test], task).items():
                metrics[name].setdefault(metric, []).append(value)
            if index == 0:
                pred = est.predict(X_test)
                if y_pred is None:
                    y_pred = np.empty(len(y_arr), dtype=np.asarray(pred).dtype)
                    if y_pred.dtype.kind in "OUS":
                        y_pred = y_pred.astype(object)
                y_pred[test] = pred
                if task == "classification" and hasattr(est, "predict_proba"):
                    p = est.predict_proba(X_test)
                    if proba is None:
                        classes = list(est.classes_)
                        proba = np.zeros((len(y_arr), p.shape[1]))
                    proba[test] = p
                net = network_of(est)
                if net is not None:
                    histories.append(dict(net.history_))
    return CrossValidation(
        task=task,
        metrics=metrics,
        fit_seconds=seconds,
        y_true=y_arr,
        y_pred=y_pred,
        proba=proba,
        classes=classes,
        histories=histories,
        n_splits=len(splits),
    )
