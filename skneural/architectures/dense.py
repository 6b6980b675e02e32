"""Fully connected (multilayer perceptron) networks."""

from __future__ import annotations

from collections.abc import Sequence

from ..backend import keras
from ..meta import Meta
from .blocks import dense_head, regularizer
from .ensemble import PackedEnsemble
from .table import PeriodicEmbedding, ScalingLayer, TableEmbedding, embedding_layout


def build_dense_network(
    meta: Meta,
    *,
    hidden_layer_sizes: Sequence[int] = (100,),
    activation: str = "relu",
    kernel_initializer="glorot_uniform",
    dropout: Sequence[float] = (0.0,),
    batch_normalization: bool = False,
    l1: float = 0.0,
    l2: float = 0.0,
    numeric_embedding: str | None = None,
    ensemble_size: int = 1,
    scaling_layer: bool = False,
    scaling_l1: float = 0.0,
    name: str = "dense_network",
):
    """Build an uncompiled multilayer perceptron for the task in ``meta``.

    Parameters
    ----------
    meta : Meta
        Data metadata: input shape, output width and activation.
    hidden_layer_sizes : sequence of int, default=(100,)
        Units of each hidden layer; empty gives a linear / logistic model.
    activation : str, default="relu"
        Keras activation of the hidden layers.
    kernel_initializer : str or keras.initializers.Initializer
        Initializer of every kernel.
    dropout : sequence of float, default=(0.0,)
        Dropout rate after each hidden layer (one entry per layer).
    batch_normalization : bool, default=False
        Normalize each hidden layer's pre-activations.
    l1, l2 : float, default=0.0
        Weight penalties on every kernel.
    numeric_embedding : {"periodic"} or None, default=None
        ``"periodic"`` passes each numeric input through a
        :class:`~skneural.architectures.table.PeriodicEmbedding` before the
        hidden layers (without hidden layers the model stays linear: no
        embedding).
    ensemble_size : int, default=1
        Networks packed side by side in one model, each with its own input
        embeddings (member 0's layers are named ``periodic_embedding`` and
        ``table_embedding``, member k's ``periodic_embedding_k`` ...), hidden
        and output layers, trained on their own losses and averaged (see
        :mod:`skneural.architectures.ensemble`). Without hidden layers there
        is one (averaging linear models gives a linear model).
    scaling_layer : bool, default=False
        Put a :class:`~skneural.architectures.table.ScalingLayer` (a learned
        scale per input, for each member its own) before the first hidden
        layer. Without hidden layers there is none.
    scaling_l1 : float, default=0.0
        L1 penalty on the scaling layer's scales (its ``l1``).
    name : str, default="dense_network"
        Name of the returned model.

    Returns
    -------
    keras.Model
        A functional model, not compiled: a
        :class:`~skneural.architectures.ensemble.PackedEnsemble` for an
        ensemble.
    """
    reg = regularizer(l1, l2)
    members = int(ensemble_size) if hidden_layer_sizes else 1
    inputs = keras.Input(shape=meta.input_shape, name="features")
    x = inputs
    if len(meta.input_shape) > 1:
        x = keras.layers.Flatten(name="flatten")(x)
    n_numeric = numeric_columns(meta)
    periodic = bool(
        numeric_embedding == "periodic" and n_numeric > 0 and hidden_layer_sizes
    )
    embedded = periodic or bool(meta.categories)
    if members > 1 and embedded:
        # each member embeds the inputs its own way: (batch, members, width)
        x = keras.layers.Concatenate(axis=1, name="member_inputs")(
            [
                keras.layers.Reshape((1, -1), name=_numbered("member_input", k))(
                    _embed(x, meta, periodic, n_numeric, k)
                )
                for k in range(members)
            ]
        )
    elif embedded:
        x = _embed(x, meta, periodic, n_numeric)
    if scaling_layer and hidden_layer_sizes:
        x = ScalingLayer(l1=scaling_l1, name="scaling")(x)
    outputs = dense_head(
        x,
        meta,
        hidden_layer_sizes=hidden_layer_sizes,
        dropout=dropout,
        activation=activation,
        kernel_initializer=kernel_initializer,
        kernel_regularizer=reg,
        batch_normalization=batch_normalization,
        members=members,
    )
    if members > 1:
        return PackedEnsemble(inputs, outputs, name=name)
    return keras.Model(inputs, outputs, name=name)


def _numbered(name: str, k: int) -> str:
    """``name`` for member 0, ``name_k`` for member k (as Keras numbers layers)."""
    return f"{name}_{k}" if k else name


def _embed(x, meta: Meta, periodic: bool, n_numeric: int, k: int = 0):
    """The input layers of one network: numeric, then categorical embeddings."""
    if periodic:
        x = PeriodicEmbedding(n_numeric, name=_numbered("periodic_embedding", k))(x)
    if meta.categories:  # a table's category codes: one embedding each
        dims, one_hot = embedding_layout(meta.categories)
        x = TableEmbedding(
            x.shape[-1] - len(meta.categories),
            meta.categories,
            dims,
            one_table=True,
            one_hot=one_hot,
            name=_numbered("table_embedding", k),
        )(x)
    return x


def numeric_columns(meta: Meta) -> int:
    """How many leading input columns a numeric embedding takes."""
    if meta.numeric_features is not None:
        return meta.numeric_features
    return meta.n_features_in - len(meta.categories)
