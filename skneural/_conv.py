"""The convolutional part shared by ConvRegressor and ConvClassifier.

How images, signals and rows become network inputs, and the checks of the
conv-block hyperparameters.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from . import _params as P
from ._dense import DenseArchitectureMixin
from .architectures import build_conv_network
from .architectures.conv import feature_map_sizes
from .exceptions import DataError
from .training import resolve_activation

_FLIPS = ("horizontal", "vertical", "horizontal_and_vertical")

#: What the estimators accept, for error messages.
ACCEPTED_SHAPES = (
    "images of shape (n, height, width, channels) or (n, height, width) for 2-D "
    "convolutions; signals of shape (n, steps, channels) with conv_dims=1; or "
    "rows of shape (n, n_features), reshaped to image_shape when it is set and "
    "read as 1-channel signals of n_features steps when it is not"
)


def input_layout(
    owner: str,
    sample_shape: tuple[int, ...],
    conv_dims: str | int,
    image_shape: tuple[int, ...] | None,
) -> tuple[int, ...]:
    """Return the shape one sample takes in the network (channels last).

    Parameters
    ----------
    owner : str
        Estimator name, for messages.
    sample_shape : tuple of int
        Shape of one sample of ``X`` as passed (``X.shape[1:]``).
    conv_dims : {"auto", 1, 2}
        Convolution dimensions asked for.
    image_shape : tuple of int or None
        Shape each flat row is reshaped to.

    Returns
    -------
    tuple of int
        ``(steps, channels)`` for 1-D or ``(height, width, channels)`` for
        2-D convolutions.
    """
    sample_shape = tuple(int(d) for d in sample_shape)
    if image_shape is not None:
        target = _image_layout(owner, image_shape, conv_dims)
        size = math.prod(target)
        if len(sample_shape) == 1:
            if sample_shape[0] != size:
                raise DataError(
                    f"{owner}: image_shape={tuple(image_shape)} holds {size} values "
                    f"per sample, but X has {sample_shape[0]} features. Set "
                    "image_shape to the shape of one sample (height, width, "
                    "channels), or pass the images unflattened."
                )
            return target
        if input_layout(owner, sample_shape, conv_dims, None) != target:
            raise DataError(
                f"{owner}: X has samples of shape {sample_shape}, which does not "
                f"match image_shape={tuple(image_shape)}. Leave image_shape=None "
                "for images passed unflattened, or flatten them to "
                f"(n, {size})."
            )
        return target
    if len(sample_shape) == 1:
        if conv_dims == 2:
            raise DataError(
                f"{owner}: 2-D convolutions on X of shape (n, {sample_shape[0]}) "
                "need image_shape=(height, width, channels) to unflatten each row. "
                "Set image_shape, pass images of shape (n, height, width[, "
                "channels]), or use conv_dims='auto' to read rows as 1-D signals."
            )
        return (sample_shape[0], 1)
    if len(sample_shape) == 2:
        return sample_shape if conv_dims == 1 else (*sample_shape, 1)
    if len(sample_shape) == 3 and conv_dims != 1:
        return sample_shape
    raise DataError(
        f"{owner} accepts {ACCEPTED_SHAPES}. Received X with samples of shape "
        f"{sample_shape} (conv_dims={conv_dims!r})."
    )


def _image_layout(owner, image_shape, conv_dims) -> tuple[int, ...]:
    """``image_shape`` with its channel axis, checked against ``conv_dims``."""
    ok = isinstance(image_shape, (list, tuple)) and all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and d >= 1
        for d in image_shape
    )
    rank = {1: 1, 2: 1 if conv_dims == 1 else 2, 3: 2}.get(
        len(image_shape) if ok else 0
    )
    if rank is None or (conv_dims != "auto" and rank != conv_dims):
        P.fail(
            owner,
            "image_shape",
            "None or the shape of one sample: (height, width, channels) or "
            "(height, width) for images, (steps,) or (steps, channels) with "
            "conv_dims=1 for signals",
            image_shape,
        )
    shape = tuple(int(d) for d in image_shape)
    return shape if len(shape) == rank + 1 else (*shape, 1)


def _shape_of(X) -> tuple[int, ...] | None:
    """The shape of ``X`` (None for ragged lists: validation explains)."""
    if hasattr(X, "shape"):
        return tuple(X.shape)
    try:
        return np.asarray(X).shape
    except ValueError:
        return None


def _is_uint8(X) -> bool:
    if isinstance(X, pd.DataFrame):
        return X.shape[1] > 0 and all(dt == np.uint8 for dt in X.dtypes)
    return getattr(X, "dtype", None) == np.uint8


class ConvArchitectureMixin(DenseArchitectureMixin):
    """Input layout and conv-block hyperparameters of the conv estimators."""

    def _validate_X(self, X, *, reset: bool, y="no_validation", min_samples: int = 1):
        owner = type(self).__name__
        factor = self._input_factor(X)
        uint8 = _is_uint8(X)
        shape = _shape_of(X)
        if shape is not None and len(shape) >= 3:
            if not reset:
                self._check_layout(shape)
            X = np.reshape(np.asarray(X), (shape[0], math.prod(shape[1:])))
        elif shape is not None and len(shape) < 2:
            raise DataError(
                f"{owner} accepts {ACCEPTED_SHAPES}. Received X of shape {shape}. "
                "Reshape your data with X.reshape(-1, 1) if it holds one feature, "
                "or X.reshape(1, -1) if it is one sample."
            )
        X_flat, y_out = super()._validate_X(
            X, reset=reset, y=y, min_samples=min_samples
        )
        if shape is None or len(shape) < 3:
            shape = X_flat.shape  # rows: validate_data checked their length
        if reset:
            conv_dims = P.check_choice(
                owner, "conv_dims", self.conv_dims, ("auto", 1, 2)
            )
            self.input_shape_ = input_layout(
                owner, shape[1:], conv_dims, self.image_shape
            )
        X_net = X_flat.reshape((len(X_flat), *self.input_shape_))
        if factor != 1.0:
            if uint8:  # validation made a float32 copy: scale it in place
                X_net *= np.float32(factor)
            else:
                X_net = X_net * np.float32(factor)
        return X_net, y_out

    def _check_layout(self, shape: tuple[int, ...]) -> None:
        """Refuse images or signals of another shape than the fitted one.

        Flat rows need no check here: ``validate_data`` counts their values.
        """
        fitted = self.input_shape_
        sample = tuple(int(d) for d in shape[1:])
        if sample == fitted:  # exactly what the network takes
            return
        try:
            layout = input_layout(
                type(self).__name__, sample, self.conv_dims, self.image_shape
            )
        except ValueError:
            layout = None
        if layout != fitted:
            shown = ", ".join(map(str, fitted))
            raise DataError(
                f"{type(self).__name__} was fitted on samples of shape {fitted}, "
                f"but X has samples of shape {sample}. Pass X of shape (n, {shown}) "
                f"or flattened, of shape (n, {math.prod(fitted)})."
            )

    def _input_factor(self, X) -> float:
        """The factor ``X`` is multiplied by before the network (``rescale``)."""
        rescale = self.rescale
        if isinstance(rescale, str) and rescale == "auto":
            return 1 / 255 if _is_uint8(X) else 1.0
        if rescale is None:
            return 1.0
        return P.check_float(
            type(self).__name__, "rescale", rescale, low=0.0, low_open=True
        )

    def _architecture(self, meta=None, n_samples=None):
        owner = type(self).__name__
        filters = self.filters
        if isinstance(filters, numbers.Integral) and not isinstance(filters, bool):
            filters = (filters,)
        if (
            not isinstance(filters, (list, tuple))
            or not filters
            or not all(
                isinstance(f, numbers.Integral) and not isinstance(f, bool) and f >= 1
                for f in filters
            )
        ):
            P.fail(
                owner,
                "filters",
                "a tuple of positive integers, one per conv block",
                self.filters,
            )
        global_pooling = P.check_choice(
            owner,
            "global_pooling",
            self.global_pooling,
            ("avg", "max", "flatten", None),
        )
        random_flip = P.check_choice(
            owner, "random_flip", self.random_flip, (*_FLIPS, None)
        )
        arch = {
            **self._dense_params(),
            "filters": tuple(int(f) for f in filters),
            "kernel_size": P.check_window(owner, "kernel_size", self.kernel_size),
            "strides": P.check_window(owner, "strides", self.strides),
            "padding": P.check_choice(
                owner, "padding", self.padding, ("same", "valid")
            ),
            "pooling": P.check_choice(
                owner, "pooling", self.pooling, ("max", "avg", None)
            ),
            "pool_size": P.check_window(owner, "pool_size", self.pool_size),
            "conv_activation": resolve_activation(
                owner, self.conv_activation, "conv_activation"
            ),
            "conv_dropout": P.check_float(
                owner, "conv_dropout", self.conv_dropout, high=1.0
            ),
            "global_pooling": None if global_pooling == "flatten" else global_pooling,
            "random_flip": random_flip,
            **{
                name: P.check_float(owner, name, getattr(self, name), high=1.0)
                for name in ("random_rotation", "random_zoom", "random_translation")
            },
        }
        self._check_fits(arch)
        return build_conv_network, arch

    def _check_fits(self, arch: dict) -> None:
        """Refuse, before building, windows that do not fit the input."""
        owner = type(self).__name__
        shape = self.input_shape_
        try:
            feature_map_sizes(
                shape,
                len(arch["filters"]),
                kernel_size=arch["kernel_size"],
                strides=arch["strides"],
                padding=arch["padding"],
                pooling=arch["pooling"],
                pool_size=arch["pool_size"],
            )
        except ValueError as exc:
            raise DataError(f"{owner}: {exc}") from None
        augments = arch["random_flip"] is not None or any(
            arch[name]
            for name in ("random_rotation", "random_zoom", "random_translation")
        )
        if augments and len(shape) != 3:
            raise DataError(
                f"{owner}: random_flip, random_rotation, random_zoom and "
                "random_translation apply to images (2-D convolutions), but the "
                f"network reads 1-D signals of shape {shape}. Leave them at their "
                "defaults, or pass images."
            )


#: Training defaults of the conv estimators that differ from the dense ones.
CONV_DEFAULTS = {
    "batch_size": 64,
    "early_stopping": True,
    "patience": 5,
    "reduce_lr_on_plateau": True,
}
