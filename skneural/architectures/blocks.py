"""Layer blocks shared by the network builders."""

from __future__ import annotations

from ..backend import keras
from .ensemble import MemberDense, MemberMean


def regularizer(l1: float, l2: float):
    """Return the Keras weight regularizer for ``l1`` and ``l2`` (or ``None``).

    Both set gives an elastic-net penalty.
    """
    if l1 and l2:
        return keras.regularizers.L1L2(l1=l1, l2=l2)
    if l1:
        return keras.regularizers.L1(l1)
    if l2:
        return keras.regularizers.L2(l2)
    return None


def fresh_initializer(initializer):
    """Return a name unchanged, or a new initializer with the same config.

    One initializer object per layer keeps seeded initializers from giving
    every layer the same values.
    """
    if isinstance(initializer, str):
        return initializer
    return initializer.__class__.from_config(initializer.get_config())


def dense_block(
    x,
    units: int,
    *,
    activation: str,
    kernel_initializer,
    kernel_regularizer,
    dropout: float,
    batch_normalization: bool,
    name: str,
    members: int = 1,
):
    """Dense -> [BatchNormalization] -> activation -> [Dropout].

    With batch normalization the dense layer has no bias (the normalization's
    ``beta`` takes its place). With ``members`` > 1 the dense layer is each
    member's own (:class:`~skneural.architectures.ensemble.MemberDense`); the
    normalization's statistics are shared by the members.
    """
    dense = dict(
        use_bias=not batch_normalization,
        kernel_initializer=fresh_initializer(kernel_initializer),
        kernel_regularizer=kernel_regularizer,
        name=f"{name}_dense",
    )
    if members > 1:
        x = MemberDense(members, units, **dense)(x)
    else:
        x = keras.layers.Dense(units, **dense)(x)
    if batch_normalization:
        x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    x = keras.layers.Activation(activation, name=f"{name}_act")(x)
    if dropout > 0:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return x


def output_layer(x, meta, *, kernel_initializer, kernel_regularizer, members=1):
    """The task's output layer, kept in float32 for numerically safe losses.

    With ``members`` > 1, each member's output layer, then their average
    (:class:`~skneural.architectures.ensemble.MemberMean`).
    """
    layer = dict(
        activation=meta.output_activation,
        kernel_initializer=fresh_initializer(kernel_initializer),
        kernel_regularizer=kernel_regularizer,
        dtype="float32",
        name="output",
    )
    if members > 1:
        x = MemberDense(members, meta.output_units, **layer)(x)
        return MemberMean(dtype="float32", name="member_mean")(x)
    return keras.layers.Dense(meta.output_units, **layer)(x)


def dense_head(
    x,
    meta,
    *,
    hidden_layer_sizes,
    dropout,
    activation: str,
    kernel_initializer,
    kernel_regularizer,
    batch_normalization: bool,
    members: int = 1,
):
    """Hidden dense blocks (one per size, with its dropout rate), then the output.

    ``members`` > 1 gives that many networks side by side after ``x`` (see
    :mod:`skneural.architectures.ensemble`); the model must then be a
    :class:`~skneural.architectures.ensemble.PackedEnsemble`.
    """
    for i, (units, rate) in enumerate(
        zip(hidden_layer_sizes, dropout, strict=True), start=1
    ):
        x = dense_block(
            x,
            units,
            activation=activation,
            kernel_initializer=kernel_initializer,
            kernel_regularizer=kernel_regularizer,
            dropout=rate,
            batch_normalization=batch_normalization,
            name=f"hidden_{i}",
            members=members,
        )
    return output_layer(
        x,
        meta,
        kernel_initializer=kernel_initializer,
        kernel_regularizer=kernel_regularizer,
        members=members,
    )
