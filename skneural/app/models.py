"""The command's model for a task: a skneural network, after preprocessing if needed.

::

    data = load_data("houses.csv", target="price")
    model = make_model(data, task=infer_task(data.y))
    model.fit(data.X, data.y)
"""

from __future__ import annotations

from typing import Any

from sklearn.pipeline import Pipeline

from .._params import did_you_mean
from ..classifier import ConvClassifier, NeuralClassifier
from ..exceptions import DataError
from ..regressor import ConvRegressor, NeuralRegressor
from .catalog import MODELS
from .data import Data
from .preprocessing import make_preprocessor

__all__ = ["make_model", "make_network"]

#: The estimator of each (task, model) pair.
_NETWORKS = {
    ("classification", "dense"): NeuralClassifier,
    ("regression", "dense"): NeuralRegressor,
    ("classification", "conv"): ConvClassifier,
    ("regression", "conv"): ConvRegressor,
}


def make_network(task: str, model: str = "dense", *, image_shape=None, **params):
    """The default skneural estimator for a task, with ``params`` set.

    Parameters
    ----------
    task : {"regression", "classification"}
    model : {"dense", "conv"}, default="dense"
    image_shape : tuple of int, default=None
        The shape of one image, for a conv network on flat rows of pixels.
    **params
        Parameters of the estimator.

    Returns
    -------
    estimator
        A :class:`~skneural.NeuralRegressor`, :class:`~skneural.NeuralClassifier`,
        :class:`~skneural.ConvRegressor` or :class:`~skneural.ConvClassifier`.
    """
    if model not in MODELS:
        raise DataError(
            f"Unknown model {model!r}.{did_you_mean(model, MODELS)} Use dense or conv."
        )
    cls = _NETWORKS[task, model]
    defaults: dict[str, Any] = {"random_state": 0}  # dense: the library's own
    if model == "conv" and image_shape is not None and len(image_shape) == 2:
        defaults["image_shape"] = tuple(image_shape)
    return cls(**defaults).set_params(**params)


def make_model(data: Data, task: str, model: str = "dense", **params) -> Pipeline:
    """The whole model for ``data``: the network, after preprocessing if needed.

    A dense network takes a table as it is (its feature encoder embeds the
    categorical columns, scales the numbers and flags missing values); a
    regressor standardizes its target itself.

    Parameters
    ----------
    data : Data
    task : {"regression", "classification"}
    model : {"dense", "conv"}, default="dense"
    **params
        Parameters of the network (``hidden_layer_sizes=(64,)``, ...).

    Returns
    -------
    sklearn.pipeline.Pipeline
        Its last step, ``"net"``, is the skneural estimator; a
        ``"preprocess"`` step (:func:`make_preprocessor`) comes first only
        for a dense network on images (flattened, scaled) and a
        convolutional one on a table of pixels (imputed, scaled). Tuning
        addresses the network's parameters as ``net__<name>``.
    """
    net = make_network(task, model, image_shape=data.image_shape, **params)
    images = data.is_images
    steps = []
    if (model == "dense" and images) or (model == "conv" and not images):
        steps.append(("preprocess", make_preprocessor(data.X)))
    steps.append(("net", net))
    return Pipeline(steps)
