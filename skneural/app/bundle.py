"""The model files of the ``skneural`` command: a model and what is known about it.

A model file holds a :class:`ModelBundle`: the fitted scikit-learn Pipeline
and what was learned about it (data summary, cross-validated scores, training
histories, tuning trials), so that ``skneural report`` can describe it later.
It is written with :func:`skneural.save`, in the safe format: no pickle, and
nothing in the file runs as code when it loads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sklearn.base import BaseEstimator, is_classifier, is_regressor

from .. import backend
from ..exceptions import ModelFileError
from ..saving import load, save

__all__ = ["ModelBundle", "ModelFileError", "load_bundle", "save_bundle"]


@dataclass
class ModelBundle:
    """A fitted model and what is known about it.

    Attributes
    ----------
    model : estimator
        The fitted Pipeline (preprocessing and network).
    task : str
        ``"regression"`` or ``"classification"``.
    target : str
        The target column's name; ``""`` when unknown (a model saved with
        :func:`skneural.save` rather than by the command line).
    features : list of str or None
        The feature columns it was fitted on (None for images).
    data : dict
        :func:`skneural.app.data.summarize` of the training data.
    cv : skneural.app.evaluation.CrossValidation or None
        Cross-validated scores next to the baselines.
    history : dict
        The final fit's per-epoch history (``loss``, ``val_loss``, ...).
    tuning : dict or None
        For tuned models: study name, storage, trials, best parameters and
        score, parameter importances.
    model_kind : str
        ``"dense"`` or ``"conv"``.
    """

    model: Any
    task: str
    target: str
    features: list[str] | None = None
    data: dict[str, Any] = field(default_factory=dict)
    cv: Any = None
    history: dict[str, list[float]] = field(default_factory=dict)
    tuning: dict[str, Any] | None = None
    model_kind: str = "dense"
    command: str = ""
    created: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds")
    )
    versions: dict[str, str] = field(default_factory=backend.versions)


def save_bundle(bundle: ModelBundle, path: str | os.PathLike) -> None:
    """Write ``bundle`` to ``path`` atomically, in skneural's safe format.

    See :func:`skneural.save`: no pickle; the networks as ``.keras`` files.
    """
    save(bundle, path)


def load_bundle(path: str | os.PathLike) -> ModelBundle:
    """Read a model file written by :func:`save_bundle` (or ``est.save``).

    A fitted estimator or pipeline saved with :func:`skneural.save` is
    accepted too and wrapped in a bundle that knows only the model. Nothing
    in the file runs as code: pickles are refused.

    Raises
    ------
    ModelFileError
        The file is missing, damaged, unsafe, or holds something else.
    """
    obj = load(path)
    if isinstance(obj, ModelBundle):
        return obj
    if isinstance(obj, BaseEstimator) and (is_classifier(obj) or is_regressor(obj)):
        task = "classification" if is_classifier(obj) else "regression"
        names = getattr(obj, "feature_names_in_", None)
        return ModelBundle(
            model=obj,
            task=task,
            target="",
            features=None if names is None else [str(n) for n in names],
        )
    raise ModelFileError(
        f"{str(path)!r} holds a {type(obj).__name__}, not a model: give a file "
        "written by `skneural fit` or `skneural tune`."
    )
