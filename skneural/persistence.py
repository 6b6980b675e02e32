"""Writing files atomically, and the model files of the ``skneural`` command.

A model file holds a :class:`ModelBundle`: the fitted scikit-learn Pipeline
and what was learned about it (data summary, cross-validated scores, training
histories, tuning trials), so that ``skneural report`` can describe it later.
It is written with joblib (pickle): **load only model files you trust** —
unpickling a file from an untrusted source can run arbitrary code.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from .exceptions import ModelFileError

__all__ = [
    "ModelBundle",
    "ModelFileError",
    "atomic_write",
    "load_bundle",
    "save_bundle",
]


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success, rename it to ``path``.

    Readers see the old file or the whole new one, never a part: an error or
    an interruption while writing removes the temporary file and leaves
    ``path`` as it was.

    Parameters
    ----------
    path : path-like
        The file to (re)place. Its folder must exist.
    mode : {"wb", "w"}, default="wb"
        Binary or text (UTF-8).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(
            f"Cannot write {str(path)!r}: the folder {str(folder)!r} does not exist."
        )
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _versions() -> dict[str, str]:
    import keras
    import sklearn

    from . import __version__

    return {
        "skneural": __version__,
        "scikit-learn": sklearn.__version__,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
    }


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
        :func:`skneural.tabular.summarize` of the training data.
    cv : skneural.evaluation.CrossValidation or None
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
    versions: dict[str, str] = field(default_factory=_versions)


def save_bundle(bundle: ModelBundle, path: str | os.PathLike) -> None:
    """Write ``bundle`` to ``path`` atomically, in skneural's safe format.

    See :func:`skneural.save`: no pickle; the networks as ``.keras`` files.
    """
    from .saving import save

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
    from sklearn.base import BaseEstimator, is_classifier, is_regressor

    from .saving import load

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
