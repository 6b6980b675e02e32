"""A self-contained HTML report of a model.

One file, no scripts, no links out: the figures are PNG images inside the
page, so it can be mailed or archived as it is. Sections: the data, the
cross-validated scores next to scikit-learn baselines, learning curves, the
errors (confusion matrix, or predicted vs actual and residuals), the tuning
history, and the model's parameters.
"""

from __future__ import annotations

import base64
import html
import io
import os
from typing import Any

import numpy as np

from .._files import atomic_write
from ..features import TableEncoder
from . import plotting
from .bundle import ModelBundle
from .evaluation import LOWER_IS_BETTER, MAIN_METRIC, format_score, network_of

__all__ = ["render_report", "write_report"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1d2330;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:1.7em;margin:.2em 0}h2{margin-top:1.8em;border-bottom:2px solid #dde2ea;
padding-bottom:.2em}section{background:#fff;border:1px solid #e3e7ee;border-radius:8px;
padding:4px 20px 16px;margin:18px 0}table{border-collapse:collapse;margin:10px 0;
font-size:.92em}th,td{border-bottom:1px solid #e3e7ee;padding:5px 10px;text-align:left;
white-space:nowrap}.scroll{overflow-x:auto}
th{background:#f0f3f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.ours td{font-weight:600;background:#eef5fc}figure{margin:14px 0}
figure img{max-width:100%;height:auto;border:1px solid #eef0f4}
figcaption{color:#5b6473;font-size:.9em}.meta{color:#5b6473}
.kv td:first-child{color:#5b6473;padding-right:24px}code{background:#f0f3f7;
padding:1px 4px;border-radius:3px}
"""


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _num(value: Any, digits: int = 4) -> str:
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        if np.isfinite(value) and abs(value) >= 1e4:
            return f"{value:,.0f}"  # prices, counts: 180,796 rather than 1.808e+05
        return f"{value:.{digits}g}"
    return _esc(value)


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(fig, caption: str, name: str) -> str:
    return (
        f'<figure id="fig-{name}"><img alt="{_esc(caption)}" '
        f'src="data:image/png;base64,{_png(fig)}"><figcaption>{_esc(caption)}'
        "</figcaption></figure>"
    )


def _table(header: list[str], rows: list[list[Any]], classes=None) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        cells = "".join(
            f'<td class="num">{_num(c)}</td>'
            if isinstance(c, (int, float, np.number)) and not isinstance(c, bool)
            else f"<td>{_esc(c)}</td>"
            for c in row
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return (
        f"<div class='scroll'><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _data_section(bundle: ModelBundle) -> str:
    d = bundle.data
    if not d:
        return ""
    rows = [["source", d.get("name", "")], ["rows", d.get("rows", "")]]
    if d.get("kind") == "images":
        rows.append(["image shape", " x ".join(map(str, d.get("image_shape", [])))])
    else:
        rows += [
            ["feature columns", d.get("features", "")],
            [
                "numeric / categorical",
                f"{d.get('numeric', 0)} / {d.get('categorical', 0)}",
            ],
            ["missing cells", d.get("missing_cells", 0)],
        ]
    rows += [["target", d.get("target", "")], ["task", d.get("task", "")]]
    parts = ["<h2>Data</h2>", '<table class="kv">']
    parts += [f"<tr><td>{_esc(k)}</td><td>{_num(v)}</td></tr>" for k, v in rows]
    parts.append("</table>")
    for note in d.get("notes", []):
        parts.append(f"<p class='meta'>Note: {_esc(note)}.</p>")
    if d.get("classes"):
        total = sum(d["classes"].values())
        parts.append("<h3>Classes</h3>")
        parts.append(
            _table(
                ["class", "rows", "share"],
                [[k, v, f"{v / total:.1%}"] for k, v in d["classes"].items()],
            )
        )
    if d.get("target_stats"):
        s = d["target_stats"]
        parts.append("<h3>Target</h3>")
        parts.append(
            _table(
                ["mean", "std", "min", "median", "max"],
                [[s["mean"], s["std"], s["min"], s["50%"], s["max"]]],
            )
        )
    if d.get("missing_by_column"):
        parts.append("<h3>Most missing values</h3>")
        parts.append(
            _table(
                ["column", "missing"],
                [list(kv) for kv in d["missing_by_column"].items()],
            )
        )
    return "<section>" + "".join(parts) + "</section>"


def _scores_section(bundle: ModelBundle) -> str:
    cv = bundle.cv
    if cv is None:
        return ""
    table = cv.table()
    metrics = [
        k
        for k in table[0]
        if k not in ("model", "fit_seconds") and not k.endswith("_std")
    ]
    header = [
        "model",
        *(
            f"{m} ({'lower' if m in LOWER_IS_BETTER else 'higher'} is better)"
            for m in metrics
        ),
        "fit seconds / fold",
    ]
    rows = [
        [
            row["model"],
            *(format_score(row[m], row[m + "_std"]) for m in metrics),
            row["fit_seconds"],
        ]
        for row in table
    ]
    classes = ["ours"] + [""] * (len(rows) - 1)
    main = MAIN_METRIC[cv.task]
    parts = [
        "<h2>Cross-validated scores</h2>",
        f"<p class='meta'>{cv.n_splits}-fold cross-validation "
        f"({'stratified, ' if cv.task == 'classification' else ''}shuffled), every "
        "model on the same folds; mean ± standard deviation over the folds. The "
        "first row is this model. The linear and MLP baselines get one-hot encoded "
        "categories and standardized numbers; on a table, gradient boosting and a "
        "dense network get the table as it is.</p>",
        _table(header, rows, classes),
        _figure(plotting.plot_model_scores(table, main), f"{main} by model", "scores"),
    ]
    return "<section>" + "".join(parts) + "</section>"


def _curves_section(bundle: ModelBundle) -> str:
    histories = bundle.cv.histories if bundle.cv is not None else []
    if not histories and not bundle.history:
        return ""
    fig = plotting.plot_learning_curves(histories, bundle.history or None)
    caption = (
        "Loss per epoch: thin lines are the cross-validation folds, thick lines "
        "the final fit on all the data. The validation loss is on the part held "
        "out for early stopping."
    )
    return (
        "<section><h2>Learning curves</h2>"
        + _figure(fig, caption, "learning-curves")
        + "</section>"
    )


def _errors_section(bundle: ModelBundle) -> str:
    cv = bundle.cv
    if cv is None or cv.y_pred is None:
        return ""
    if cv.task == "classification":
        fig = plotting.plot_confusion_matrix(cv.y_true, cv.y_pred, cv.classes)
        body = _figure(
            fig,
            "Rows: true class; columns: predicted class; every row predicted by a "
            "model that did not see it in training.",
            "confusion-matrix",
        )
        title = "Confusion matrix"
    else:
        fig = plotting.plot_predictions(cv.y_true, cv.y_pred)
        body = _figure(
            fig,
            "Each point is a row, predicted by the fold model that did not see it.",
            "predictions",
        )
        title = "Predictions and residuals"
    return f"<section><h2>{title}</h2>{body}</section>"


def _tuning_section(bundle: ModelBundle) -> str:
    t = bundle.tuning
    if not t:
        return ""
    trials = t.get("trials", [])
    states = {}
    for trial in trials:
        states[trial["state"]] = states.get(trial["state"], 0) + 1
    counts = ", ".join(f"{n} {s.lower()}" for s, n in sorted(states.items()))
    parts = [
        "<h2>Tuning</h2>",
        f"<p class='meta'>Optuna study <code>{_esc(t.get('study_name', ''))}</code> "
        f"in <code>{_esc(t.get('storage', 'memory'))}</code>: {len(trials)} trials "
        f"({counts}); best cross-validated {_esc(t.get('metric', 'score'))} "
        f"{_num(t.get('best_score'))}.</p>",
        _figure(
            plotting.plot_tuning_history(trials, t.get("metric", "score")),
            "Score of every trial; pruned trials at their best first-fold score.",
            "tuning-history",
        ),
    ]
    best = sorted(
        (x for x in trials if x["state"] == "COMPLETE"),
        key=lambda x: x["value"],
        reverse=True,
    )[:10]
    if best:
        names = sorted({k for x in best for k in x.get("params", {})})
        parts.append("<h3>Best trials</h3>")
        parts.append(
            _table(
                ["trial", "score", "seconds", *names],
                [
                    [
                        x["number"],
                        x["value"],
                        x.get("seconds") or "",
                        *(x["params"].get(k, "") for k in names),
                    ]
                    for x in best
                ],
            )
        )
    if t.get("importances"):
        parts.append("<h3>Parameter importances</h3>")
        parts.append(
            _table(
                ["parameter", "importance"],
                [[k.rsplit("__", 1)[-1], v] for k, v in t["importances"].items()],
            )
        )
    return "<section>" + "".join(parts) + "</section>"


def _encoding(net) -> str:
    """What the network's table encoder does with the columns, in a sentence."""
    enc = getattr(net, "feature_encoder_", None)
    if not isinstance(enc, TableEncoder):
        return ""
    n_cat = len(enc.categorical_columns_)
    n_num = len(enc.numeric_columns_)
    text = f"Inputs: {n_num} numeric column(s) robust-scaled"
    if enc.missing_indicators_:
        text += f", {len(enc.missing_indicators_)} missing-value indicator(s)"
    if n_cat:
        codes = sum(enc.cardinalities_)
        text += (
            f"; {n_cat} categorical column(s) embedded ({codes:,} codes in all, "
            "missing, unseen and rare values included)"
        )
    return text + "."


def _model_section(bundle: ModelBundle) -> str:
    net = network_of(bundle.model)
    parts = ["<h2>Model</h2>"]
    if net is not None:
        params = net.get_params(deep=False)
        parts.append(
            f"<p>{_esc(type(net).__name__)}"
            + (
                f", {int(net.model_.count_params()):,} weights"
                if hasattr(net, "model_")
                else ""
            )
            + (f", trained {net.n_iter_} epochs" if hasattr(net, "n_iter_") else "")
            + ".</p>"
        )
        parts.append(
            _table(
                ["parameter", "value"],
                [
                    [k, f"{v:.6g}" if isinstance(v, float) else repr(v)]
                    for k, v in sorted(params.items())
                ],
            )
        )
        encoding = _encoding(net)
        if encoding:
            parts.append(f"<p class='meta'>{_esc(encoding)}</p>")
    steps = getattr(bundle.model, "steps", None)
    if steps:
        parts.append(
            "<p class='meta'>Pipeline steps: "
            + " → ".join(
                f"<code>{_esc(n)}</code> ({_esc(type(s).__name__)})" for n, s in steps
            )
            + ".</p>"
        )
    versions = ", ".join(f"{k} {v}" for k, v in bundle.versions.items())
    parts.append(f"<p class='meta'>Made {_esc(bundle.created)} with {_esc(versions)}.")
    if bundle.command:
        parts.append(f" Command: <code>{_esc(bundle.command)}</code>")
    parts.append("</p>")
    return "<section>" + "".join(parts) + "</section>"


def render_report(bundle: ModelBundle, title: str | None = None) -> str:
    """The report of ``bundle`` as one HTML document (a string)."""
    name = bundle.data.get("name", "model") if bundle.data else "model"
    of = f", target {bundle.target}" if bundle.target else ""
    title = title or f"skneural report: {name} ({bundle.task}{of})"
    headline = ""
    if bundle.cv is not None:
        cv = bundle.cv
        main = MAIN_METRIC[cv.task]
        ours = cv.model_names[0]
        others = ", ".join(f"{m} {cv.mean(m, main):.4g}" for m in cv.model_names[1:])
        headline = (
            f"<p><b>Cross-validated {main}: {cv.mean(ours, main):.4g}</b>"
            + (f" (baselines: {_esc(others)})" if others else "")
            + "</p>"
        )
    sections = [
        _data_section(bundle),
        _scores_section(bundle),
        _curves_section(bundle),
        _errors_section(bundle),
        _tuning_section(bundle),
        _model_section(bundle),
    ]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{_esc(title)}</h1>{headline}{''.join(s for s in sections if s)}"
        "</main></body></html>"
    )


def write_report(bundle: ModelBundle, path: str | os.PathLike) -> None:
    """Write :func:`render_report` to ``path`` (atomically)."""
    page = render_report(bundle)
    with atomic_write(path, "w") as handle:
        handle.write(page)
