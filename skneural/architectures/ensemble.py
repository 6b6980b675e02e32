"""Several networks packed into one model, trained together, averaged.

A network's predictions depend on where its weights started: on a small table
two seeds of the same network can differ by more than the gap between the
network and a linear model. Averaging several networks removes most of that
noise (a "deep ensemble"); packing them into one model, as TabM does
(Gorishniy et al. 2024, "TabM: Advancing Tabular Deep Learning with
Parameter-Efficient Ensembling"), trains them in the same steps, so an
ensemble of a few small networks costs little more than one on a CPU, where a
step's time goes to launching operations rather than to arithmetic.

Each member has its own input embeddings (numeric and categorical, built
side by side and stacked to ``(batch, members, width)``; members that shared
them did worse on small tables) and its own hidden and output layers
(:class:`MemberDense`, a kernel of shape ``(members, inputs, units)``).
While training, the model outputs every member's prediction and each
member is trained on its own loss (the mean of the members' losses,
:class:`PackedEnsemble`): training them on the loss of their average would
let them lean on each other instead of each fitting the data. Everywhere
else (``predict``, ``evaluate``, the validation loss that early stopping
watches) the model outputs the members' average (:class:`MemberMean`):
probabilities for classifiers, values for regressors.
"""

from __future__ import annotations

import contextlib

from ..backend import global_rng_preserved, keras

__all__ = ["MemberDense", "MemberMean", "PackedEnsemble", "PerMember"]


class WrappingInitializer(keras.initializers.Initializer):
    """An initializer that draws from copies of another one.

    Parameters
    ----------
    initializer : str, dict or keras.initializers.Initializer
        The initializer copied (kept serialized).
    seed : int or None, default=None
        Seed of the copies' draws (replaces the initializer's own where it
        has one).
    """

    def __init__(self, initializer, seed: int | None = None):
        with global_rng_preserved():  # an unseeded initializer draws a seed
            self.initializer = keras.initializers.serialize(
                keras.initializers.get(initializer)
            )
        self.seed = seed

    def copy(self, offset: int = 0):
        """A copy of the initializer, seeded ``seed + offset`` when seeded."""
        spec = self.initializer
        config = spec.get("config", {}) if isinstance(spec, dict) else {}
        if self.seed is not None and "seed" in config:
            # seeded before it is made: an unseeded Keras initializer draws
            # its seed from Python's global ``random`` when created
            spec = {**spec, "config": {**config, "seed": self.seed + offset}}
        return keras.initializers.deserialize(spec)

    def get_config(self):
        """The copied initializer (serialized) and the seed."""
        return {"initializer": self.initializer, "seed": self.seed}


@keras.saving.register_keras_serializable(package="skneural")
class PerMember(WrappingInitializer):
    """Draw each member's slice of a ``(members, ...)`` weight on its own.

    An initializer such as Glorot's reads its scale from the shape it is
    given; drawing the stacked weight at once would take ``members`` as a
    dimension of the layer. Each slice is drawn from a copy of ``initializer``
    (seeded ``seed + i`` when a seed is given).

    Parameters
    ----------
    initializer : str, dict or keras.initializers.Initializer
        The initializer of one member's weight.
    seed : int or None, default=None
        Seed of the first member's draws.
    """

    def __call__(self, shape, dtype=None):
        """Stack one draw of ``shape[1:]`` per member."""
        return keras.ops.stack(
            [self.copy(i)(tuple(shape[1:]), dtype=dtype) for i in range(shape[0])]
        )


@keras.saving.register_keras_serializable(package="skneural")
class MemberDense(keras.layers.Layer):
    """Each member's dense layer: ``(batch, [members,] n) -> (batch, members, units)``.

    A 2-D input (plain numbers, without embeddings) goes to every member; a
    3-D input holds each member's own values.

    Parameters
    ----------
    members : int
        Number of members.
    units : int
        Output width of each member.
    activation : str or None, default=None
        Activation applied to each member's output (``"softmax"`` normalizes
        each member's classes).
    use_bias : bool, default=True
        Add a bias of each member.
    kernel_initializer : str or keras.initializers.Initializer
        Initializer of one member's kernel (each member is drawn on its own,
        see :class:`PerMember`).
    kernel_regularizer : keras.regularizers.Regularizer or None
        Penalty on the kernels.
    """

    def __init__(
        self,
        members: int,
        units: int,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.members = int(members)
        self.units = int(units)
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        initializer = kernel_initializer
        if not isinstance(initializer, PerMember):
            initializer = PerMember(initializer)
        self.kernel_initializer = initializer
        self.bias_initializer = keras.initializers.Zeros()
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        """Create the ``(members, n, units)`` kernel and ``(members, units)`` bias."""
        self.kernel = self.add_weight(
            shape=(self.members, input_shape[-1], self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            name="kernel",
        )
        self.bias = (
            self.add_weight(
                shape=(self.members, self.units),
                initializer=self.bias_initializer,
                name="bias",
            )
            if self.use_bias
            else None
        )

    def call(self, inputs):
        """Each member's ``inputs @ kernel + bias``, then the activation."""
        equation = "bi,kio->bko" if len(inputs.shape) == 2 else "bki,kio->bko"
        x = keras.ops.einsum(equation, inputs, self.kernel)
        if self.bias is not None:
            x = x + self.bias
        return self.activation(x)

    def compute_output_shape(self, input_shape):
        """``(batch, members, units)``."""
        return (input_shape[0], self.members, self.units)

    def get_config(self):
        """The layer's arguments, as plain values."""
        config = super().get_config()
        config.update(
            members=self.members,
            units=self.units,
            activation=keras.activations.serialize(self.activation),
            use_bias=self.use_bias,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            kernel_regularizer=keras.regularizers.serialize(self.kernel_regularizer),
        )
        return config


@keras.saving.register_keras_serializable(package="skneural")
class MemberMean(keras.layers.Layer):
    """The members' average outside training: ``(batch, members, n) -> (batch, n)``.

    While training the members' outputs pass unchanged, for
    :class:`PackedEnsemble` to give each member its own loss.
    """

    def call(self, inputs, training=None):
        """``inputs`` while training, else their mean over the members."""
        return inputs if training else keras.ops.mean(inputs, axis=1)

    def compute_output_shape(self, input_shape):
        """``(batch, n)``: the shape outside training."""
        return (input_shape[0], input_shape[2])


@keras.saving.register_keras_serializable(package="skneural")
class PackedEnsemble(keras.Model):
    """A functional model whose output ends in :class:`MemberMean`.

    Its training loss is the mean of the members' losses: each member's
    prediction is scored against the targets (with the sample weights) by the
    compiled loss. Metrics, validation and predictions see the members'
    average.

    It is built as a functional model is (``PackedEnsemble(inputs,
    outputs, name=...)``) and saved and loaded as one; the number of members
    is read from the training outputs' second axis.
    """

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The compiled loss of each member, averaged (while training)."""
        if y_pred is not None and len(y_pred.shape) == 3:
            ops = keras.ops
            members = y_pred.shape[1]
            # Keras scores softmax / sigmoid outputs from the logits they
            # carry (exact where probabilities round to 0 or 1); keep them
            logits = getattr(y_pred, "_keras_logits", None)
            y_pred = ops.reshape(y_pred, (-1, y_pred.shape[-1]))
            if logits is not None:
                with contextlib.suppress(AttributeError):  # arrays without attributes
                    y_pred._keras_logits = ops.reshape(logits, (-1, logits.shape[-1]))
            y = ops.repeat(y, members, axis=0)
            if sample_weight is not None:
                sample_weight = ops.repeat(sample_weight, members, axis=0)
        return super().compute_loss(x, y, y_pred, sample_weight, training=training)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """The compiled metrics of the members' average."""
        if len(y_pred.shape) == 3:
            y_pred = keras.ops.mean(y_pred, axis=1)
        return super().compute_metrics(x, y, y_pred, sample_weight)
