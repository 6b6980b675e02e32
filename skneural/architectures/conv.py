"""Convolutional networks for images (2-D) and signals (1-D)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..backend import keras
from ..exceptions import DataError
from ..meta import Meta
from .blocks import dense_head, fresh_initializer, regularizer

_CONV = {1: keras.layers.Conv1D, 2: keras.layers.Conv2D}
_POOL = {
    ("max", 1): keras.layers.MaxPooling1D,
    ("max", 2): keras.layers.MaxPooling2D,
    ("avg", 1): keras.layers.AveragePooling1D,
    ("avg", 2): keras.layers.AveragePooling2D,
}
_GLOBAL_POOL = {
    ("max", 1): keras.layers.GlobalMaxPooling1D,
    ("max", 2): keras.layers.GlobalMaxPooling2D,
    ("avg", 1): keras.layers.GlobalAveragePooling1D,
    ("avg", 2): keras.layers.GlobalAveragePooling2D,
}
_SPATIAL_DROPOUT = {1: keras.layers.SpatialDropout1D, 2: keras.layers.SpatialDropout2D}


def spatial_window(value, rank: int, name: str) -> tuple[int, ...]:
    """Expand an int or a per-dimension tuple to ``rank`` positive ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * rank
    value = tuple(value)
    if len(value) != rank:
        dims = "one value" if rank == 1 else f"{rank} values (height, width)"
        raise DataError(
            f"`{name}`={value!r} does not fit {rank}-D convolutions: pass an int or "
            f"a tuple of {dims}."
        )
    return tuple(int(v) for v in value)


def feature_map_sizes(
    input_shape: Sequence[int],
    n_blocks: int,
    *,
    kernel_size,
    strides,
    padding: str,
    pooling: str | None,
    pool_size,
) -> list[tuple[int, ...]]:
    """Spatial size of the feature maps after each conv block.

    Raises a ``ValueError`` that names the block, the window and the map it
    does not fit when, with ``padding="valid"``, a kernel or pooling window is
    larger than its input (with ``"same"`` padding every window fits: maps are
    zero-padded and never shrink below one).

    Parameters
    ----------
    input_shape : sequence of int
        Shape of one sample, channels last: ``(steps, channels)`` or
        ``(height, width, channels)``.
    n_blocks : int
        Number of conv blocks.
    kernel_size, strides, pool_size : int or tuple of int
        As for the builder.
    padding : {"same", "valid"}
        Padding of convolutions and pooling.
    pooling : {"max", "avg"} or None
        Pooling after each block.

    Returns
    -------
    list of tuple of int
        One spatial size per block, the input's first.
    """
    rank = len(input_shape) - 1
    kernel = spatial_window(kernel_size, rank, "kernel_size")
    stride = spatial_window(strides, rank, "strides")
    pool = spatial_window(pool_size, rank, "pool_size")
    size = tuple(int(d) for d in input_shape[:-1])
    sizes = [size]

    def shrink(size, window, step, what, block):
        if padding == "same":
            return tuple(math.ceil(s / st) for s, st in zip(size, step, strict=True))
        if any(w > s for w, s in zip(window, size, strict=True)):
            param = "kernel_size" if what == "kernel" else "pool_size"
            raise DataError(
                f"the {'x'.join(map(str, window))} {what} of conv block {block} is "
                f"larger than its {'x'.join(map(str, size))} input "
                "(padding='valid'), so the network cannot be built. Use a smaller "
                f"{param}, fewer blocks in `filters`, padding='same', or larger "
                "inputs."
            )
        return tuple(
            (s - w) // st + 1 for s, w, st in zip(size, window, step, strict=True)
        )

    for block in range(1, n_blocks + 1):
        size = shrink(size, kernel, stride, "kernel", block)
        if pooling is not None:
            size = shrink(size, pool, pool, "pooling window", block)
        sizes.append(size)
    return sizes


def augmentation_layers(
    *,
    random_flip: str | None,
    random_rotation: float,
    random_zoom: float,
    random_translation: float,
) -> list:
    """Keras preprocessing layers that perturb images while training only."""
    layers = []
    if random_flip is not None:
        layers.append(keras.layers.RandomFlip(random_flip, name="random_flip"))
    if random_rotation:
        layers.append(
            keras.layers.RandomRotation(
                random_rotation, fill_mode="constant", name="random_rotation"
            )
        )
    if random_zoom:
        layers.append(
            keras.layers.RandomZoom(
                random_zoom, fill_mode="constant", name="random_zoom"
            )
        )
    if random_translation:
        layers.append(
            keras.layers.RandomTranslation(
                random_translation,
                random_translation,
                fill_mode="constant",
                name="random_translation",
            )
        )
    return layers


def build_conv_network(
    meta: Meta,
    *,
    filters: Sequence[int] = (32, 64),
    kernel_size=3,
    strides=1,
    padding: str = "same",
    pooling: str | None = "max",
    pool_size=2,
    conv_activation: str = "relu",
    batch_normalization: bool = True,
    conv_dropout: float = 0.0,
    global_pooling: str | None = None,
    hidden_layer_sizes: Sequence[int] = (128,),
    activation: str = "relu",
    dropout: Sequence[float] = (0.5,),
    kernel_initializer="glorot_uniform",
    l1: float = 0.0,
    l2: float = 0.0,
    random_flip: str | None = None,
    random_rotation: float = 0.0,
    random_zoom: float = 0.0,
    random_translation: float = 0.0,
    name: str = "conv_network",
):
    """Build an uncompiled convolutional network for the task in ``meta``.

    Each entry of ``filters`` is one block: convolution -> [batch
    normalization] -> activation -> [pooling] -> [spatial dropout]. The
    feature maps are then pooled globally or flattened and go through a
    dense head (``hidden_layer_sizes``) to the output layer. The number of
    spatial dimensions follows ``meta.input_shape``: ``(steps, channels)``
    gives 1-D convolutions, ``(height, width, channels)`` 2-D ones.

    Parameters
    ----------
    meta : Meta
        Data metadata: input shape (channels last), output width and
        activation.
    filters : sequence of int, default=(32, 64)
        Filters of each conv block.
    kernel_size, strides : int or tuple of int, default=3, 1
        Convolution window and step, the same in every block.
    padding : {"same", "valid"}, default="same"
        Padding of convolutions and pooling.
    pooling : {"max", "avg"} or None, default="max"
        Pooling after each block.
    pool_size : int or tuple of int, default=2
        Pooling window (and step).
    conv_activation : str, default="relu"
        Activation of the conv blocks.
    batch_normalization : bool, default=True
        Batch-normalize the convolutions' and dense layers' outputs.
    conv_dropout : float, default=0.0
        Spatial dropout rate (whole feature maps) after each block.
    global_pooling : {"avg", "max"} or None, default=None
        Global pooling of the last feature maps; ``None`` flattens them.
    hidden_layer_sizes : sequence of int, default=(128,)
        Units of the dense head's layers.
    activation : str, default="relu"
        Activation of the dense head.
    dropout : sequence of float, default=(0.5,)
        Dropout after each dense layer (one rate per layer).
    kernel_initializer : str or keras.initializers.Initializer
        Initializer of every kernel.
    l1, l2 : float, default=0.0
        Weight penalties on every kernel.
    random_flip : {"horizontal", "vertical", "horizontal_and_vertical"} or None
        Random flips while training (images only).
    random_rotation, random_zoom, random_translation : float, default=0.0
        Largest random rotation (fraction of a full turn), zoom and shift
        (fractions of the image size) while training (images only).
    name : str, default="conv_network"
        Name of the returned model.

    Returns
    -------
    keras.Model
        A functional model, not compiled.
    """
    rank = len(meta.input_shape) - 1
    if rank not in (1, 2):
        raise DataError(
            "build_conv_network needs inputs of shape (steps, channels) or "
            f"(height, width, channels); got {meta.input_shape}."
        )
    feature_map_sizes(
        meta.input_shape,
        len(filters),
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        pooling=pooling,
        pool_size=pool_size,
    )
    reg = regularizer(l1, l2)
    inputs = keras.Input(shape=meta.input_shape, name="features")
    x = inputs
    augment = augmentation_layers(
        random_flip=random_flip,
        random_rotation=random_rotation,
        random_zoom=random_zoom,
        random_translation=random_translation,
    )
    if augment and rank != 2:
        raise DataError(
            "Random flips, rotations, zooms and translations apply to images "
            "(2-D convolutions), not to 1-D signals: leave them at their defaults."
        )
    for layer in augment:
        x = layer(x)
    for i, n_filters in enumerate(filters, start=1):
        x = _CONV[rank](
            n_filters,
            kernel_size,
            strides=strides,
            padding=padding,
            use_bias=not batch_normalization,
            kernel_initializer=fresh_initializer(kernel_initializer),
            kernel_regularizer=reg,
            name=f"conv_{i}",
        )(x)
        if batch_normalization:
            x = keras.layers.BatchNormalization(name=f"conv_{i}_bn")(x)
        x = keras.layers.Activation(conv_activation, name=f"conv_{i}_act")(x)
        if pooling is not None:
            x = _POOL[pooling, rank](pool_size, padding=padding, name=f"conv_{i}_pool")(
                x
            )
        if conv_dropout > 0:
            x = _SPATIAL_DROPOUT[rank](conv_dropout, name=f"conv_{i}_dropout")(x)
    if global_pooling is None:
        x = keras.layers.Flatten(name="flatten")(x)
    else:
        x = _GLOBAL_POOL[global_pooling, rank](name="global_pool")(x)
    outputs = dense_head(
        x,
        meta,
        hidden_layer_sizes=hidden_layer_sizes,
        dropout=dropout,
        activation=activation,
        kernel_initializer=kernel_initializer,
        kernel_regularizer=reg,
        batch_normalization=batch_normalization,
    )
    return keras.Model(inputs, outputs, name=name)
