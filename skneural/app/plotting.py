"""Figures of a model: learning curves, errors, scores, a tuning history.

Each function returns a :class:`matplotlib.figure.Figure` made without
pyplot (no global state, safe in threads and without a display); save it
with ``fig.savefig(path)``. Needs matplotlib (the ``tune`` or ``cli`` extra).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay, PredictionErrorDisplay

__all__ = [
    "plot_confusion_matrix",
    "plot_learning_curves",
    "plot_model_scores",
    "plot_predictions",
    "plot_tuning_history",
]

_BLUE, _ORANGE, _GREY = "#1f77b4", "#ff7f0e", "#8c8c8c"


def _figure(width: float = 6.4, height: float = 4.0):
    try:
        from matplotlib.figure import Figure  # optional: the `cli` extra
    except ImportError:
        raise ImportError(
            "skneural's figures need matplotlib. Install it with "
            "`pip install skneural[cli]`."
        ) from None
    return Figure(figsize=(width, height), layout="constrained")


def plot_learning_curves(
    histories: Sequence[Mapping[str, Sequence[float]]],
    final: Mapping[str, Sequence[float]] | None = None,
    *,
    title: str = "Learning curves",
):
    """Training and validation loss per epoch.

    Parameters
    ----------
    histories : list of dict
        ``history_`` of each cross-validation fold's network (thin lines).
    final : dict, default=None
        ``history_`` of the final fit on all the data (thick lines).
    title : str, default="Learning curves"

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _figure()
    ax = fig.add_subplot()
    runs = [(f"fold {k + 1}", h, 0.35, 1.0) for k, h in enumerate(histories)]
    if final:
        runs.append(("final fit", final, 1.0, 2.2))
    labelled = set()
    for name, history, alpha, width in runs:
        for key, color in (("loss", _BLUE), ("val_loss", _ORANGE)):
            values = history.get(key)
            if not values:
                continue
            label = None
            kind = "training" if key == "loss" else "validation"
            tag = (kind, name == "final fit")
            if tag not in labelled:
                label = f"{kind} loss" + (" (final fit)" if name == "final fit" else "")
                labelled.add(tag)
            ax.plot(
                np.arange(1, len(values) + 1),
                values,
                color=color,
                alpha=alpha,
                linewidth=width,
                label=label,
            )
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    if labelled:
        ax.legend()
        ax.set_yscale("log" if _spread(runs) > 30 else "linear")
    ax.grid(alpha=0.3)
    return fig


def _spread(runs) -> float:
    values = [
        v for _, h, _, _ in runs for k in ("loss", "val_loss") for v in h.get(k, [])
    ]
    values = [v for v in values if np.isfinite(v) and v > 0]
    return max(values) / min(values) if values else 1.0


def plot_confusion_matrix(y_true, y_pred, labels: Sequence | None = None):
    """Confusion matrix of out-of-fold predictions (counts, true rows).

    Returns
    -------
    matplotlib.figure.Figure
    """
    labels = list(labels) if labels is not None else sorted(set(y_true) | set(y_pred))
    size = min(12.0, 3.0 + 0.45 * len(labels))
    fig = _figure(size + 1.0, size)
    ax = fig.add_subplot()
    ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        ax=ax,
        colorbar=False,
        cmap="Blues",
        xticks_rotation=45 if len(labels) > 4 else "horizontal",
    )
    ax.set_title("Confusion matrix (out-of-fold predictions)")
    return fig


def plot_predictions(y_true, y_pred):
    """Predicted against actual values, and residuals against predictions.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, from scikit-learn's ``PredictionErrorDisplay``.
    """
    from matplotlib.ticker import MaxNLocator  # optional: the `cli` extra

    fig = _figure(11.0, 4.6)
    left, right = fig.subplots(1, 2)
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    style = {"scatter_kwargs": {"alpha": 0.35, "s": 10}}
    PredictionErrorDisplay.from_predictions(
        y_true, y_pred, kind="actual_vs_predicted", ax=left, **style
    )
    left.set_title("Predicted vs actual (out-of-fold)")
    PredictionErrorDisplay.from_predictions(
        y_true, y_pred, kind="residual_vs_predicted", ax=right, **style
    )
    right.set_title("Residuals (actual - predicted)")
    for ax in (left, right):  # round ticks, not the data's min and max
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.yaxis.set_major_locator(MaxNLocator(6))
    return fig


def plot_model_scores(table: Sequence[Mapping[str, Any]], metric: str):
    """One metric's cross-validated mean ± std for each model, as bars.

    Parameters
    ----------
    table : list of dict
        Rows of :meth:`skneural.app.evaluation.CrossValidation.table`.
    metric : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _figure(6.4, 0.9 + 0.55 * len(table))
    ax = fig.add_subplot()
    names = [row["model"] for row in table]
    means = [row[metric] for row in table]
    stds = [row[f"{metric}_std"] for row in table]
    colors = [_BLUE] + [_GREY] * (len(table) - 1)
    ax.barh(names, means, xerr=stds, color=colors, capsize=4)
    ax.invert_yaxis()
    for y, (m, s) in enumerate(zip(means, stds, strict=True)):
        ax.annotate(
            f"{m:.4g} ± {s:.2g}",
            (max(m + s, 0), y),
            xytext=(6, -3),
            textcoords="offset points",
            fontsize=8,
        )
    low = min(0.0, *(m - s for m, s in zip(means, stds, strict=True)))
    high = max(m + s for m, s in zip(means, stds, strict=True))
    ax.set_xlim(low, high + 0.35 * (high - low or 1.0))  # room for the labels
    ax.set_xlabel(f"{metric} (cross-validated)")
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_tuning_history(trials: Sequence[Mapping[str, Any]], metric: str = "score"):
    """Every trial's score, and the best so far, in trial order.

    Parameters
    ----------
    trials : list of dict
        ``{"number", "state", "value"}`` per trial; pruned trials are shown
        at their last report (the best first-fold score before pruning).
    metric : str, default="score"

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _figure()
    ax = fig.add_subplot()
    done = [t for t in trials if t["state"] == "COMPLETE" and t["value"] is not None]
    pruned = [t for t in trials if t["state"] == "PRUNED" and t["value"] is not None]
    if done:
        ax.scatter(
            [t["number"] for t in done],
            [t["value"] for t in done],
            color=_BLUE,
            s=22,
            label="complete trial",
        )
        order = sorted(done, key=lambda t: t["number"])
        best = np.maximum.accumulate([t["value"] for t in order])
        ax.step(
            [t["number"] for t in order],
            best,
            where="post",
            color="#d62728",
            label="best so far",
        )
    if pruned:
        ax.scatter(
            [t["number"] for t in pruned],
            [t["value"] for t in pruned],
            color=_GREY,
            marker="x",
            s=22,
            label="pruned (best report)",
        )
    ax.set_xlabel("trial")
    ax.set_ylabel(metric)
    ax.set_title("Tuning history")
    ax.grid(alpha=0.3)
    if done or pruned:
        values = [t["value"] for t in done + pruned]
        low, high = np.percentile(values, [5, 100])
        pad = 0.05 * (high - low or abs(high) or 1.0)
        ax.set_ylim(low - pad, high + pad)  # a few disastrous trials stay readable
        below = [t for t in done + pruned if t["value"] < low - pad]
        if below:  # still shown, as arrows on the bottom edge
            ax.scatter(
                [t["number"] for t in below],
                [low - 0.4 * pad] * len(below),
                color="#d62728",
                marker="v",
                s=30,
                label="below the axis",
            )
        ax.legend()
    return fig
