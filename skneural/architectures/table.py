"""The input layer of a network for tables: numbers pass, category codes embed."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..backend import global_rng_preserved, keras
from ..exceptions import InvalidParameterError
from .ensemble import WrappingInitializer

__all__ = [
    "OneHotStart",
    "PeriodicEmbedding",
    "ScalingLayer",
    "TableEmbedding",
    "embedding_dims",
    "embedding_layout",
    "embedding_rows",
]


#: A categorical column of at most this many codes (10 categories, with the
#: codes for missing / unseen and rare values) starts as its one-hot code.
ONE_HOT_MAX_CODES = 12


def embedding_dims(cardinalities: Sequence[int], cap: int = 16) -> tuple[int, ...]:
    """Embedding width of each categorical column: ``1.6 n ** 0.56``, capped.

    A rule of thumb from practice on tables (wider for more categories,
    sub-linearly); ``cap`` bounds it so that a column of thousands of values
    stays cheap.
    """
    return tuple(max(2, min(cap, round(1.6 * n**0.56))) for n in cardinalities)


def embedding_rows(
    codes: Sequence[int],
    seen: Sequence[int] | None = None,
    max_one_hot: int = ONE_HOT_MAX_CODES,
) -> tuple[int, ...]:
    """Rows of each categorical column's embedding table: room for its codes.

    Networks are built for these rows rather than for the exact number of
    codes so that the folds of a cross-validation, whose rare categories
    differ (a category seen 6 times in one fold's rows and 4 in another's
    has a code of its own in one only), build networks of one shape, and a
    fold trains the compiled network the one before it left in the pool
    instead of tracing its own. Rows past a column's codes are never looked
    up.

    Parameters
    ----------
    codes : sequence of int
        Number of codes of each column (the two reserved ones included).
    seen : sequence of int or None, default=None
        Number of categories seen at ``fit`` in each column, rare ones
        included, plus the two reserved codes; ``None``: ``codes``.
    max_one_hot : int, default=ONE_HOT_MAX_CODES
        Largest number of codes of a column that starts one-hot.

    Returns
    -------
    tuple of int
        For a column of at most ``max_one_hot`` codes (it starts one-hot):
        a row for each category seen, up to ``max_one_hot``; for a wider one:
        the next power of two.
    """
    seen = codes if seen is None else seen
    return tuple(
        max(int(n), min(int(s), max_one_hot))
        if n <= max_one_hot
        else 1 << (int(n) - 1).bit_length()
        for n, s in zip(codes, seen, strict=True)
    )


def embedding_layout(
    cardinalities: Sequence[int], max_one_hot: int = ONE_HOT_MAX_CODES
) -> tuple[tuple[int, ...], tuple[bool, ...]]:
    """Width of each categorical column's embedding, and whether it starts one-hot.

    A column of at most ``max_one_hot`` codes starts as its one-hot code (as
    wide as its codes, see :class:`TableEmbedding`): a few categories are told
    apart at once, as by ``OneHotEncoder``, where a small random embedding
    starts them all near zero; RealMLP (Holzmüller et al. 2024) one-hot
    encodes such columns too. The others get :func:`embedding_dims`.
    """
    one_hot = tuple(n <= max_one_hot for n in cardinalities)
    dims = tuple(
        n if hot else d
        for n, d, hot in zip(
            cardinalities, embedding_dims(cardinalities), one_hot, strict=True
        )
    )
    return dims, one_hot


@keras.saving.register_keras_serializable(package="skneural")
class OneHotStart(WrappingInitializer):
    """Draws of ``initializer`` with the identity written into blocks of rows.

    The initial value of an embedding table whose one-hot columns start as
    their one-hot codes: block ``(first, n)`` (rows ``first`` to
    ``first + n - 1``) becomes the ``n x n`` identity followed by zeros; the
    other rows are drawn from ``initializer``. As an initializer, the start is
    drawn again whenever the weight is (a pooled network restarting for a new
    fit draws every weight from its initializer).

    Parameters
    ----------
    initializer : str, dict or keras.initializers.Initializer
        Initializer of the other rows.
    blocks : sequence of (int, int)
        ``(first row, number of codes)`` of each one-hot column.
    seed : int or None, default=None
        Seed of the draws (replaces ``initializer``'s own where it has one).
    """

    def __init__(self, initializer, blocks, seed: int | None = None):
        super().__init__(initializer, seed)
        self.blocks = [(int(first), int(n)) for first, n in blocks]

    def __call__(self, shape, dtype=None):
        """Draw a ``shape`` table, then write the identity blocks into it."""
        drawn = self.copy()(shape, dtype=dtype)
        keep = np.ones(shape, dtype="float32")
        start = np.zeros(shape, dtype="float32")
        for first, n in self.blocks:
            keep[first : first + n] = 0.0
            start[first : first + n, :n] = np.eye(n, dtype="float32")
        ops = keras.ops
        return drawn * ops.cast(keep, drawn.dtype) + ops.cast(start, drawn.dtype)

    def get_config(self):
        """The other rows' initializer (serialized), the blocks and the seed."""
        return {**super().get_config(), "blocks": [list(b) for b in self.blocks]}


@keras.saving.register_keras_serializable(package="skneural")
class TableEmbedding(keras.layers.Layer):
    """Pass the first ``n_numeric`` columns, replace each code column by its embedding.

    The input is what :class:`skneural.features.TableEncoder` writes: numbers,
    then one column of integer codes (stored as floats) per categorical
    feature. The output concatenates the numbers and one learned vector per
    categorical feature.

    Parameters
    ----------
    n_numeric : int
        Number of leading numeric columns.
    cardinalities : sequence of int
        Number of codes of each categorical column.
    dims : sequence of int
        Embedding width of each categorical column.
    embeddings_initializer : str or keras.initializers.Initializer
        Initializer of the embedding tables.
    one_table : bool, default=False
        Keep all columns' embeddings in one weight (one row block per
        column, as wide as the widest embedding) and look them all up at
        once. The network computes the same function either way; one table
        has one variable instead of one per column, so a training step has
        fewer operations and traces in about half the time on tables with
        many categorical columns. The networks skneural builds use it;
        ``False`` (one weight per column) reads models saved before it.
    one_hot : sequence of bool or None, default=None
        Columns whose embedding starts as their one-hot code: the identity,
        which needs a width equal to the column's number of codes. The
        embedding stays trainable. ``None``: none (all start from
        ``embeddings_initializer``).
    """

    def __init__(
        self,
        n_numeric: int,
        cardinalities: Sequence[int],
        dims: Sequence[int],
        embeddings_initializer="random_normal",
        one_table: bool = False,
        one_hot: Sequence[bool] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.n_numeric = int(n_numeric)
        self.cardinalities = tuple(int(c) for c in cardinalities)
        self.dims = tuple(int(d) for d in dims)
        hot = (False,) * len(self.dims) if one_hot is None else tuple(one_hot)
        self.one_hot = tuple(bool(h) for h in hot)
        wrong = [
            j
            for j, (n, d, h) in enumerate(
                zip(self.cardinalities, self.dims, self.one_hot, strict=True)
            )
            if h and n != d
        ]
        if wrong:
            raise InvalidParameterError(
                f"TableEmbedding: a one-hot column's width must equal its number "
                f"of codes; column(s) {wrong} have cardinalities "
                f"{[self.cardinalities[j] for j in wrong]} and dims "
                f"{[self.dims[j] for j in wrong]}."
            )
        with global_rng_preserved():  # an unseeded initializer draws a seed
            self._drawn_from = keras.initializers.get(embeddings_initializer)
        self.one_table = bool(one_table)
        # Row of each column's code 0 in the one table, its largest code, and
        # which of the looked-up values (columns x widest width) are kept.
        self._offsets = np.cumsum([0, *self.cardinalities[:-1]]).astype("int32")
        self._highest = np.asarray(self.cardinalities, "int32") - 1
        width = max(self.dims, default=0)
        self._kept = np.concatenate(
            [j * width + np.arange(d) for j, d in enumerate(self.dims)] or [[]]
        ).astype("int32")
        # What the one table is drawn from, its one-hot blocks included, so
        # that a pooled network's restart (which draws every weight from its
        # ``<name>_initializer``) starts them as one-hot codes again.
        blocks = [
            (int(first), n)
            for first, n, hot in zip(
                self._offsets, self.cardinalities, self.one_hot, strict=True
            )
            if hot
        ]
        self.embeddings_initializer = (
            OneHotStart(self._drawn_from, blocks)
            if blocks and self.one_table
            else self._drawn_from
        )

    def build(self, input_shape):
        """Create the embedding table(s); one-hot columns start as the identity."""
        if self.one_table:
            self.table = self.add_weight(
                shape=(sum(self.cardinalities), max(self.dims)),
                initializer=self.embeddings_initializer,
                name="embeddings",
            )
            return
        self.tables = [
            self.add_weight(
                shape=(n, d),
                initializer=self.embeddings_initializer,
                name="embeddings",
            )
            for n, d in zip(self.cardinalities, self.dims, strict=True)
        ]
        for table, hot in zip(self.tables, self.one_hot, strict=True):
            if hot:
                table.assign(np.eye(*table.shape, dtype=table.dtype))

    def call(self, inputs):
        """Numbers as they are, then each code column's embedding."""
        ops = keras.ops
        numbers = inputs[:, : self.n_numeric]
        codes = ops.cast(inputs[:, self.n_numeric :], "int32")
        if self.one_table:
            rows = ops.minimum(ops.maximum(codes, 0), self._highest) + self._offsets
            looked_up = ops.reshape(
                ops.take(self.table, rows, axis=0),
                (-1, len(self.dims) * self.table.shape[1]),
            )
            return ops.concatenate(
                [numbers, ops.take(looked_up, self._kept, axis=1)], axis=-1
            )
        parts = [numbers]
        for j, table in enumerate(self.tables):
            n = self.cardinalities[j]
            parts.append(ops.take(table, ops.clip(codes[:, j], 0, n - 1), axis=0))
        return ops.concatenate(parts, axis=-1)

    def compute_output_shape(self, input_shape):
        """``(batch, n_numeric + sum(dims))``."""
        return (input_shape[0], self.n_numeric + sum(self.dims))

    def get_config(self):
        """The layer's arguments, as plain values."""
        config = super().get_config()
        config.update(
            n_numeric=self.n_numeric,
            cardinalities=list(self.cardinalities),
            dims=list(self.dims),
            embeddings_initializer=keras.initializers.serialize(self._drawn_from),
            one_table=self.one_table,
            one_hot=list(self.one_hot),
        )
        return config


@keras.saving.register_keras_serializable(package="skneural")
class ScaledNormal(keras.initializers.Initializer):
    """Normal draws with a standard deviation of their own for each last index.

    Parameters
    ----------
    scales : sequence of float
        Standard deviation of each entry along the last axis.
    seed : int or None, default=None
        Seed of the draws.
    """

    def __init__(self, scales, seed: int | None = None):
        self.scales = [float(v) for v in scales]
        self.seed = seed
        self._normal = keras.initializers.RandomNormal(stddev=1.0, seed=seed)

    def __call__(self, shape, dtype=None):
        """Draw a tensor of ``shape`` whose last axis has ``len(scales)`` entries."""
        scales = keras.ops.convert_to_tensor(self.scales, dtype=dtype)
        return self._normal(shape, dtype=dtype) * scales

    def get_config(self):
        """The scales and the seed."""
        return {"scales": self.scales, "seed": self.seed}


#: Up to this many embedded columns, :class:`PeriodicEmbedding` applies the
#: columns' linear maps as one matrix product with a block-diagonal kernel
#: instead of a batched product per column: ``f`` times the arithmetic, but
#: fewer and cheaper operations, which is what a small network's training
#: step spends its time on (0.57-0.80x the epoch time on four tables of the
#: benchmark panel, benchmarks/bench_embedding.py). Both give the same values
#: and gradients.
BLOCK_DIAGONAL_COLUMNS = 16


@keras.saving.register_keras_serializable(package="skneural")
class PeriodicEmbedding(keras.layers.Layer):
    """Embed each of the first ``n_numeric`` columns with learned periodic features.

    Each number ``x`` becomes ``relu(W [cos(2 pi f x + p)] + b)``: ``frequencies``
    learned frequencies ``f`` and phases ``p`` of its own, then a linear map of
    its own to ``dims`` values (the "PLR" embeddings of Gorishniy et al.,
    2022, "On Embeddings for Numerical Features in Tabular Deep Learning").
    A network given these can follow a feature's effect where it changes
    sharply (a threshold, a narrow range) instead of only along a line.
    The number itself is kept beside its embedding; the columns after the
    first ``n_numeric`` pass unchanged. Up to :data:`BLOCK_DIAGONAL_COLUMNS`
    columns, their maps are applied as one matrix product with a
    block-diagonal kernel (the same values in fewer operations a step); the
    weights are the same either way.

    Parameters
    ----------
    n_numeric : int
        Number of leading numeric columns to embed.
    frequencies : int, default=16
        Periodic features per column.
    dims : int, default=8
        Width of each column's embedding.
    sigma : float or (float, float), default=(0.03, 1.0)
        Standard deviation of the initial frequencies, for inputs on a unit
        scale (small: smooth functions at first); a pair ``(low, high)``
        gives the ``frequencies`` of each column standard deviations spaced
        geometrically from ``low`` to ``high`` (smooth and sharp ones).
    seed : int or None, default=None
        Seed of the initial weights.
    """

    def __init__(
        self,
        n_numeric: int,
        frequencies: int = 16,
        dims: int = 8,
        sigma: float | tuple[float, float] = (0.03, 1.0),
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.n_numeric = int(n_numeric)
        self.frequencies = int(frequencies)
        self.dims = int(dims)
        if isinstance(sigma, (list, tuple)):
            self.sigma = (float(sigma[0]), float(sigma[1]))
            scales = np.geomspace(*self.sigma, self.frequencies).tolist()
        else:
            self.sigma = float(sigma)
            scales = [self.sigma] * self.frequencies
        self.seed = seed
        seeds = [None if seed is None else seed + i for i in range(3)]
        self.frequency_initializer = ScaledNormal(scales, seed=seeds[0])
        self.phase_initializer = keras.initializers.RandomUniform(
            -math.pi, math.pi, seed=seeds[1]
        )
        bound = 1 / math.sqrt(self.frequencies)  # as a Dense layer of this fan-in
        self.kernel_initializer = keras.initializers.RandomUniform(
            -bound, bound, seed=seeds[2]
        )
        self.bias_initializer = keras.initializers.Zeros()

    def build(self, input_shape):
        """Create the frequencies, phases and per-column linear maps."""
        f, k, d = self.n_numeric, self.frequencies, self.dims
        self.frequency = self.add_weight(
            shape=(f, k), initializer=self.frequency_initializer, name="frequency"
        )
        self.phase = self.add_weight(
            shape=(f, k), initializer=self.phase_initializer, name="phase"
        )
        self.kernel = self.add_weight(
            shape=(f, k, d), initializer=self.kernel_initializer, name="kernel"
        )
        self.bias = self.add_weight(
            shape=(f, d), initializer=self.bias_initializer, name="bias"
        )

    def call(self, inputs):
        """The numbers, their embeddings (flattened), then the other columns."""
        ops = keras.ops
        f, k, d = self.n_numeric, self.frequencies, self.dims
        x = inputs[:, :f]
        waves = ops.cos(
            (2 * math.pi) * x[:, :, None] * self.frequency[None] + self.phase[None]
        )
        if f <= BLOCK_DIAGONAL_COLUMNS:
            # every column's map at once: one matrix product with the maps on
            # the diagonal of an (f*k, f*d) kernel (zeros elsewhere)
            eye = ops.eye(f, dtype=waves.dtype)
            kernel = ops.reshape(
                self.kernel[:, :, None, :] * eye[:, None, :, None], (f * k, f * d)
            )
            flat = ops.matmul(ops.reshape(waves, (-1, f * k)), kernel)
            flat = ops.relu(flat + ops.reshape(self.bias, (f * d,)))
        else:
            embedded = ops.einsum("bfk,fkd->bfd", waves, self.kernel) + self.bias
            flat = ops.reshape(ops.relu(embedded), (-1, f * d))
        return ops.concatenate([x, flat, inputs[:, f:]], axis=-1)

    def compute_output_shape(self, input_shape):
        """``(batch, n_features + n_numeric * dims)``."""
        return (input_shape[0], input_shape[1] + self.n_numeric * self.dims)

    def get_config(self):
        """The layer's arguments, as plain values."""
        config = super().get_config()
        config.update(
            n_numeric=self.n_numeric,
            frequencies=self.frequencies,
            dims=self.dims,
            sigma=list(self.sigma) if isinstance(self.sigma, tuple) else self.sigma,
            seed=self.seed,
        )
        return config


@keras.saving.register_keras_serializable(package="skneural")
class ScalingLayer(keras.layers.Layer):
    """Multiply each input by a learned scale of its own, started at 1.

    The "scaling layer" of RealMLP (Holzmüller et al. 2024, "Better by
    Default"): a diagonal weight between the (embedded) inputs and the
    first hidden layer. It learns ``lr_factor`` times faster than the other
    weights, so that within a few epochs the inputs that carry no signal are
    turned down and the ones that do are turned up, before the hidden
    layer has fitted the noise of the uninformative ones (networks are
    otherwise far less robust to uninformative columns than trees:
    Grinsztajn et al. 2022).

    The scale is stored divided by ``lr_factor`` and multiplied back in
    :meth:`call`: with Adam-like optimizers, whose steps do not depend on
    the size of the gradient, that is the same as a learning rate
    ``lr_factor`` times larger for this weight alone (with plain SGD, whose
    steps follow the gradient's size, ``lr_factor ** 2`` times).

    Parameters
    ----------
    lr_factor : float, default=6.0
        How much faster the scale learns than the other weights.
    l1 : float, default=0.0
        L1 penalty on the scales as applied: ``l1 * sum(|scale|)`` is added
        to the training loss (for a packed ensemble's ``(members, width)``
        scales, the members' penalties averaged, as their losses are; not
        to the loss on validation data, so early stopping watches the fit
        to the data alone). It pulls every scale
        towards zero by the same amount, so the scales of inputs that do not
        lower the loss go to about zero (a soft selection of the inputs, as
        the lasso's), while the others settle where their gain outweighs the
        penalty.

    Input shape: ``(batch, ..., width)``; one scale per input value (after
    the batch axis), e.g. one per member and value for a packed ensemble's
    ``(batch, members, width)``.
    """

    def __init__(self, lr_factor: float = 6.0, l1: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.lr_factor = float(lr_factor)
        if not self.lr_factor > 0:
            raise InvalidParameterError(
                f"ScalingLayer: invalid `lr_factor`: expected a positive number. "
                f"Received: lr_factor={lr_factor!r}."
            )
        self.l1 = float(l1)
        if not self.l1 >= 0:
            raise InvalidParameterError(
                f"ScalingLayer: invalid `l1`: expected a number >= 0. "
                f"Received: l1={l1!r}."
            )

    def build(self, input_shape):
        """Create the scale (stored divided by ``lr_factor``)."""
        self.scale = self.add_weight(
            shape=tuple(input_shape[1:]),
            initializer=keras.initializers.Constant(1.0 / self.lr_factor),
            name="scale",
        )

    def call(self, inputs, training=None):
        """The inputs, each times its scale; while training, add the penalty."""
        scale = self.scale * self.lr_factor
        if training and self.l1:  # summed over the values, averaged over members
            size = int(np.prod(scale.shape[:-1]))
            self.add_loss(self.l1 * keras.ops.sum(keras.ops.abs(scale)) / size)
        return inputs * scale

    def compute_output_shape(self, input_shape):
        """The input's shape."""
        return input_shape

    def get_config(self):
        """The layer's arguments, as plain values."""
        config = super().get_config()
        config.update(lr_factor=self.lr_factor, l1=self.l1)
        return config
