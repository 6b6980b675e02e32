"""Save and load estimators and pipelines in a format that runs no code on load.

A pickle (or joblib) file can run any code while it loads, so a model sent by
someone else is a risk. :func:`save` writes a zip archive instead:

``skneural.json``
    What the file is: format version, library versions, the networks inside.
``object.skops``
    The estimator or pipeline, with each skneural estimator's network taken
    out, in skops's format: plain data and references to known scikit-learn
    and skneural types, loaded without unpickling.
``networks/<i>.keras``
    Each network, in Keras's own format, loaded with ``safe_mode=True`` (so
    a network with a ``Lambda`` layer, which would hold code, is refused).

Keras objects among the hyperparameters (an optimizer, a loss, an
initializer instance) are kept as their Keras configurations. Anything that
can only be stored as code, such as a model-building function of
:class:`~skneural.KerasClassifier` or a callback instance, is refused at save
time, or, for a function referenced by name, loads only when you name it in
``trusted``.

The format itself is in :mod:`skneural._modelfile`.
"""

from __future__ import annotations

import os
from typing import Any

from ._find import find_networks

# _KerasObject, _Network: files saved before the format moved to _modelfile
# refer to its stand-ins by these names.
from ._modelfile import _KerasObject, _Network, read, write  # noqa: F401
from .classifier import ConvClassifier, NeuralClassifier
from .regressor import ConvRegressor, NeuralRegressor
from .wrappers import KerasClassifier, KerasRegressor

__all__ = ["load", "save"]

#: The estimators a model file may hold, by the name it stores.
_CLASSES = {
    cls.__name__: cls
    for cls in (
        NeuralRegressor,
        NeuralClassifier,
        ConvRegressor,
        ConvClassifier,
        KerasRegressor,
        KerasClassifier,
    )
}


def save(obj: Any, path: str | os.PathLike) -> None:
    """Save a skneural estimator, or a scikit-learn object holding some, safely.

    The file is written atomically: a temporary file beside ``path`` that
    replaces it only once complete, so an interrupted save never leaves a
    truncated file where a good one was. Load it with :func:`load`.

    Parameters
    ----------
    obj : estimator
        A skneural estimator (fitted or not), or a scikit-learn object
        (``Pipeline``, ``TransformedTargetRegressor``, ``ColumnTransformer``,
        a fitted search, ...) with skneural estimators inside.
    path : path-like
        The file to write; by convention its name ends in ``.skn``.

    Raises
    ------
    TypeError
        When a hyperparameter can only be stored as code (a callback
        instance, a Keras object without a configuration).
    """
    write(obj, path, find_networks(obj))


def load(
    path: str | os.PathLike,
    *,
    trusted: list[str] | None = None,
    custom_objects: dict | None = None,
):
    """Load what :func:`save` wrote, without running code from the file.

    Parameters
    ----------
    path : path-like
        A file written by :func:`save` (or ``est.save``).
    trusted : list of str, default=None
        Names of further types or functions the file may refer to, as
        ``"module.name"`` — for example the model-building function of a
        :class:`~skneural.KerasClassifier`. scikit-learn's, NumPy's and
        skneural's own types are trusted without asking. The error for an
        untrusted file lists what it refers to.
    custom_objects : dict, default=None
        Custom Keras layers or losses your own networks use, as for
        ``keras.saving.load_model``.

    Returns
    -------
    object
        The estimator or pipeline, ready to predict (and to train on).

    Raises
    ------
    ModelFileError
        The file is missing, truncated, not a skneural model file (for
        example a pickle), was changed after saving, or holds code.
    """
    return read(path, _CLASSES, trusted=trusted, custom_objects=custom_objects)
