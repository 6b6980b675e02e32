"""The input layer of a network for tables: numbers pass, category codes embed."""

from __future__ import annotations

from collections.abc import Sequence

from ..backend import keras

__all__ = ["TableEmbedding", "embedding_dims"]


def embedding_dims(cardinalities: Sequence[int], cap: int = 16) -> tuple[int, ...]:
    """Embedding width of each categorical column: ``1.6 n ** 0.56``, capped.

    A rule of thumb from practice on tables (wider for more categories,
    sub-linearly); ``cap`` bounds it so that a column of thousands of values
    stays cheap.
    """
    return tuple(max(2, min(cap, round(1.6 * n**0.56))) for n in cardinalities)


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
    """

    def __init__(
        self,
        n_numeric: int,
        cardinalities: Sequence[int],
        dims: Sequence[int],
        embeddings_initializer="random_normal",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.n_numeric = int(n_numeric)
        self.cardinalities = tuple(int(c) for c in cardinalities)
        self.dims = tuple(int(d) for d in dims)
        self.embeddings_initializer = keras.initializers.get(embeddings_initializer)

    def build(self, input_shape):
        """Create one embedding table per categorical column."""
        self.tables = [
            self.add_weight(
                shape=(n, d),
                initializer=self.embeddings_initializer,
                name="embeddings",
            )
            for n, d in zip(self.cardinalities, self.dims, strict=True)
        ]

    def call(self, inputs):
        """Numbers as they are, then each code column's embedding."""
        ops = keras.ops
        parts = [inputs[:, : self.n_numeric]]
        codes = ops.cast(inputs[:, self.n_numeric :], "int32")
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
            embeddings_initializer=keras.initializers.serialize(
                self.embeddings_initializer
            ),
        )
        return config
