"""A training loop that runs a whole epoch in one compiled call.

``model.fit`` returns to Python after every batch (or every
``steps_per_execution`` batches) and rebuilds its data pipeline each epoch.
On the small networks scikit-learn users train, that machinery costs more
than the arithmetic: a 64-32 network on 10,000 rows spends most of its
``model.fit`` time outside the network.

Here the training data are put on the device once per fit, and one compiled
function per epoch walks a shuffled order of the rows and calls the model's
own ``train_step`` for each batch (so losses, metrics, sample weights,
regularisation, loss scaling and optimizers are exactly Keras's). Python runs
once per epoch: the callbacks (early stopping, learning-rate schedules,
checkpoints, TensorBoard, progress bar) see the same ``on_epoch_*`` calls and
logs as with ``model.fit``.

The compiled functions live on the pooled :class:`~skneural._pool.Network`,
so the many fits of a search trace them once per network structure.

Sparse training data (:class:`~skneural._sparse.SparseRows`) cannot sit on
the device dense: each epoch, the rows go there in dense chunks of whole
batches (see :func:`sparse_chunk_rows`), in the epoch's shuffled order, so the
batches are the same as for the same data dense.

``model.fit`` is still used where this loop does not apply: the PyTorch
backend, a ``keras.distribution`` or ``tf.distribute`` strategy, callbacks that
act on single batches, ``run_eagerly`` and extra ``model.fit`` arguments passed
by the wrappers.
"""

from __future__ import annotations

import functools

import numpy as np

from ._pool import _leaf_layers
from ._sparse import SparseRows, dense
from .backend import backend_name, keras

#: Validation data are evaluated in batches of at least this many rows.
EVAL_BATCH = 1024
#: Sparse rows are made dense in chunks of whole batches of about this many
#: values (16 MiB of float32), or one batch where a batch holds more.
SPARSE_CHUNK_VALUES = 1 << 22
#: With TensorFlow, inputs of at most this many rows are predicted by an
#: XLA-compiled function (one launch instead of one per operation).
XLA_PREDICT_ROWS = 4096

_BATCH_HOOKS = (
    "on_batch_begin",
    "on_batch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
)


def fast_loop_applies(network, callbacks, fit_kwargs) -> bool:
    """Whether :func:`fit_epochs` can train ``network`` with these callbacks."""
    if fit_kwargs or network.model.run_eagerly or runner_for(network) is None:
        return False  # runner_for: a backend with a runner, no replicas
    if keras.distribution.distribution() is not None:
        return False  # a distribution the user set globally (JAX)
    if backend_name() == "tensorflow":
        import tensorflow as tf  # the backend in use: only its own module

        if tf.distribute.has_strategy():  # the user's own strategy scope
            return False
    return not any(_acts_per_batch(cb) for cb in callbacks)


def _acts_per_batch(callback) -> bool:
    """True when a callback overrides a per-batch hook that does real work."""
    if isinstance(callback, keras.callbacks.TensorBoard):
        profiling = getattr(callback, "_stop_batch", 0) > 0
        return callback.update_freq != "epoch" or profiling
    base = keras.callbacks.Callback
    return any(
        hook in vars(callback)  # LambdaCallback sets its hooks on the instance
        or getattr(type(callback), hook) is not getattr(base, hook)
        for hook in _BATCH_HOOKS
    )


def fit_epochs(
    network,
    x,
    y,
    sample_weight,
    *,
    epochs: int,
    batch_size: int,
    shuffle: bool,
    rng: np.random.Generator,
    validation_data=None,
    callbacks=(),
    verbose: int = 0,
    initial_epoch: int = 0,
):
    """Train ``network.model`` as ``model.fit`` would, one compiled call per epoch.

    Parameters
    ----------
    network : skneural._pool.Network
        The compiled network; its compiled epoch functions are kept on it.
    x, y : array or structure of arrays
        Inputs and encoded targets, as ``model.fit`` takes them; ``x`` may be
        :class:`~skneural._sparse.SparseRows` (made dense a chunk at a time).
    sample_weight : ndarray of shape (n_samples,) or None
        Per-sample weights.
    epochs, batch_size : int
        As in ``model.fit``.
    shuffle : bool
        Visit the rows in a new random order each epoch (drawn from ``rng``).
    rng : numpy.random.Generator
        Source of the shuffling order.
    validation_data : tuple or None
        ``(x_val, y_val)`` or ``(x_val, y_val, sample_weight_val)``.
    callbacks : list of keras.callbacks.Callback
        Called as ``model.fit`` calls them, once per epoch.
    verbose : int
        0 silent, 1 progress bar, 2 one line per epoch.
    initial_epoch : int
        Number of the first epoch, as in ``model.fit``: ``epochs`` are run,
        numbered ``initial_epoch`` to ``initial_epoch + epochs - 1``.

    Returns
    -------
    keras.callbacks.History
    """
    model = network.model
    runner = runner_for(network)
    n = len(keras.tree.flatten(x)[0])
    steps = -(-n // batch_size)
    history = keras.callbacks.History()
    cbs = keras.callbacks.CallbackList(
        [*callbacks, history],
        add_history=False,
        add_progbar=verbose != 0,
        verbose=verbose,
        epochs=initial_epoch + epochs,
        steps=steps,
        model=model,
    )
    train = _OnDevice(runner, (x, y, sample_weight), batch_size)
    val = _OnDevice(runner, validation_data, batch_size) if validation_data else None
    order = np.arange(n, dtype=np.int32)
    model.stop_training = False
    cbs.on_train_begin()
    epoch_logs = None
    for epoch in range(initial_epoch, initial_epoch + epochs):
        model.reset_metrics()
        cbs.on_epoch_begin(epoch)
        cbs.on_train_batch_begin(0)
        if shuffle:
            order = rng.permutation(n).astype(np.int32)
        for data, rows in train.parts(order):
            runner.train_epoch(data, rows, batch_size)
        epoch_logs = _logs(model)
        cbs.on_train_batch_end(steps - 1, epoch_logs)
        if val is not None:
            model.reset_metrics()
            cbs.on_test_begin()
            for data, _ in val.parts():
                runner.evaluate(data, max(batch_size, EVAL_BATCH))
            val_logs = _logs(model)
            cbs.on_test_end(val_logs)
            epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
        cbs.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    if isinstance(model.optimizer, keras.optimizers.Optimizer) and epochs > 0:
        # as model.fit ends: an optimizer with use_ema=True hands over the
        # moving averages of the weights (before early stopping may restore)
        model.optimizer.finalize_variable_values(model.trainable_weights)
    cbs.on_train_end(logs=epoch_logs)
    return history


def sparse_chunk_rows(width: int, batch_size: int) -> int:
    """Rows of a dense chunk of sparse training data: whole batches."""
    return batch_size * max(1, SPARSE_CHUNK_VALUES // (batch_size * max(1, width)))


class _OnDevice:
    """Training or validation data, put on the device for the compiled functions.

    Arrays go there once, whole. :class:`~skneural._sparse.SparseRows` stay
    on the host and go in dense chunks of whole batches each time they are
    walked; a chunk is made of consecutive rows of the walk's order, which
    then runs in order within it.
    """

    def __init__(self, runner, data: tuple, batch_size: int):
        self.runner = runner
        self.sparse = isinstance(data[0], SparseRows)
        if self.sparse:
            self.data = data
            self.rows = sparse_chunk_rows(data[0].shape[1], batch_size)
        else:
            self.data = runner.device_data(*data)

    def parts(self, order=None):
        """``(device data, order within it)`` pairs that cover ``order``."""
        if not self.sparse:
            yield self.data, order
            return
        x = self.data[0]
        if order is None:
            order = np.arange(len(x), dtype=np.int32)
        for start in range(0, len(order), self.rows):
            idx = order[start : start + self.rows]
            chunk = [
                None
                if part is None
                else keras.tree.map_structure(lambda a, idx=idx: a[idx], part)
                for part in self.data
            ]
            chunk[0] = dense(chunk[0])
            yield self.runner.device_data(*chunk), np.arange(len(idx), dtype=np.int32)


def runner_for(network):
    """The compiled-function cache of ``network``, or None on other backends."""
    runner = network.__dict__.get("runner")
    if runner is None:
        make = _RUNNERS.get(backend_name())
        if make is None or network.placement.replicas:
            return None
        runner = network.runner = make(network.model)
    return runner


def _logs(model) -> dict:
    out = {}
    for name, value in model.get_metrics_result().items():
        arr = keras.ops.convert_to_numpy(value)
        out[name] = float(arr) if np.ndim(arr) == 0 else np.asarray(arr)
    return out


def _with_weights(x, y, sample_weight) -> tuple:
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def _graph(tf, fn, **kwargs):
    """``tf.function(fn, **kwargs)`` for a closure made for one network.

    TensorFlow counts a function's traces by its Python code object, so the
    closures of every network (one per fit, each traced once) share one
    count, and after a few fits -- a grid search over widths, the folds of a
    cross-validation -- it warns of "excessive retracing" that does not
    happen. A ``functools.partial`` has no code object of its own: each
    network's function is counted alone, and a real retrace still warns.
    """
    return tf.function(functools.partial(fn), **kwargs)


class _TensorFlowRunner:
    """Epoch and evaluation functions as ``tf.function`` graphs.

    One trace serves every dataset size and batch size: both are tensors.
    """

    @staticmethod
    def static_shapes(n: int) -> bool:
        return n <= XLA_PREDICT_ROWS

    def __init__(self, model):
        import tensorflow as tf  # the backend in use: only its own module

        self.tf = tf
        self.model = model
        self._train: dict = {}
        self._eval: dict = {}
        self._predict: dict = {}

    def device_data(self, x, y, sample_weight=None):
        return self.tf.nest.map_structure(
            self.tf.convert_to_tensor, _with_weights(x, y, sample_weight)
        )

    def _signature(self, data):
        tf = self.tf
        specs = tf.nest.map_structure(
            lambda t: tf.TensorSpec((None, *t.shape[1:]), t.dtype), data
        )
        key = tuple(
            (tuple(s.shape.as_list()), s.dtype.name) for s in tf.nest.flatten(specs)
        )
        return key, specs

    def train_epoch(self, data, order, batch_size: int) -> None:
        tf = self.tf
        key, specs = self._signature(data)
        fn = self._train.get(key)
        if fn is None:
            model = self.model

            def epoch(data, order, batch_size):
                n = tf.shape(order)[0]
                steps = (n + batch_size - 1) // batch_size

                def body(i):
                    idx = order[i * batch_size : (i + 1) * batch_size]
                    model.train_step(
                        tf.nest.map_structure(lambda a: tf.gather(a, idx), data)
                    )
                    return (i + 1,)

                tf.while_loop(lambda i: i < steps, body, (tf.constant(0),))

            fn = self._train[key] = _graph(
                tf,
                epoch,
                autograph=False,
                input_signature=[
                    specs,
                    tf.TensorSpec([None], tf.int32),
                    tf.TensorSpec([], tf.int32),
                ],
            )
        fn(data, tf.constant(order), tf.constant(batch_size, tf.int32))

    def evaluate(self, data, batch_size: int) -> None:
        tf = self.tf
        key, specs = self._signature(data)
        fn = self._eval.get(key)
        if fn is None:
            model = self.model

            def run(data, batch_size):
                n = tf.shape(tf.nest.flatten(data)[0])[0]
                steps = (n + batch_size - 1) // batch_size

                def body(i):
                    model.test_step(
                        tf.nest.map_structure(
                            lambda a: a[i * batch_size : (i + 1) * batch_size], data
                        )
                    )
                    return (i + 1,)

                tf.while_loop(lambda i: i < steps, body, (tf.constant(0),))

            fn = self._eval[key] = _graph(
                tf,
                run,
                autograph=False,
                input_signature=[specs, tf.TensorSpec([], tf.int32)],
            )
        fn(data, tf.constant(batch_size, tf.int32))

    def predict(self, x):
        tf = self.tf
        fast_key = None
        if isinstance(x, np.ndarray):  # the common case, without tf.nest
            fast_key = (x.shape[1:], x.dtype.str, len(x) <= XLA_PREDICT_ROWS)
            fn = self._predict.get(fast_key)
            if fn is not None:
                return self._numpy(fn(tf.convert_to_tensor(x)))
        x = tf.nest.map_structure(tf.convert_to_tensor, x)
        spec_key, specs = self._signature(x)
        small = len(tf.nest.flatten(x)[0]) <= XLA_PREDICT_ROWS
        fn = self._predict.get((spec_key, small))
        if fn is None:
            model = self.model
            fn = self._predict[spec_key, small] = _graph(
                tf,
                lambda x: model(x, training=False),
                autograph=False,
                input_signature=[specs],
                jit_compile=small,
            ).get_concrete_function()
            if fast_key is not None:
                self._predict[fast_key] = fn
        return self._numpy(fn(x))

    def _numpy(self, out):
        if isinstance(out, self.tf.Tensor):
            return out.numpy()
        return self.tf.nest.map_structure(lambda t: t.numpy(), out)


class _JaxRunner:
    """Epoch and evaluation functions jitted with JAX.

    The model's stateless ``train_step`` runs in a ``lax.fori_loop`` over the
    full batches, then once more on the last, shorter one. Shapes are static
    in JAX, so each dataset size compiles once (and is cached by ``jax.jit``).
    Convolutional networks on the CPU go one jitted step per batch instead
    (see :meth:`_stepwise`).
    """

    @staticmethod
    def static_shapes(n: int) -> bool:
        return True

    def __init__(self, model):
        import jax  # the backend in use: only its own module

        self.jax = jax
        self.model = model
        self._train: dict = {}
        self._eval: dict = {}
        self._has_conv: bool | None = None

    def device_data(self, x, y, sample_weight=None):
        return self.jax.tree.map(
            self.jax.numpy.asarray, _with_weights(x, y, sample_weight)
        )

    def _state(self, groups):
        return tuple([v.value for v in group] for group in groups)

    @staticmethod
    def _store(groups, state) -> None:
        for group, values in zip(groups, state, strict=True):
            for var, value in zip(group, values, strict=True):
                var.assign(value)

    def _stepwise(self, data) -> bool:
        """Whether to run one jitted call per batch instead of one per epoch.

        XLA's CPU backend runs convolutions inside a loop body several times
        slower than as a program of their own (measured on a two-conv-block
        network: 13 s vs 1.8 s per 64-batch epoch), so convolutional models
        on the CPU take one call per batch. Dense networks on any device and
        every model on GPUs and TPUs take the whole-epoch loop.
        """
        if self._has_conv is None:
            self._has_conv = any(
                "Conv" in type(layer).__name__ for layer in _leaf_layers(self.model)
            )
        leaf = self.jax.tree.leaves(data)[0]
        return self._has_conv and all(d.platform == "cpu" for d in leaf.devices())

    def _loop(self, step, batch_size: int):
        jax = self.jax

        def run(state, data, order):
            n = order.shape[0]
            full, rest = divmod(n, batch_size)

            def take(idx):
                return jax.tree.map(lambda a: a[idx], data)

            def body(i, state):
                idx = jax.lax.dynamic_slice_in_dim(order, i * batch_size, batch_size)
                return step(state, take(idx))

            if full:
                state = jax.lax.fori_loop(0, full, body, state)
            if rest:
                state = step(state, take(order[full * batch_size :]))
            return state

        return jax.jit(run)

    def train_epoch(self, data, order, batch_size: int) -> None:
        model = self.model
        groups = (
            model.trainable_variables,
            model.non_trainable_variables,
            model.optimizer.variables,
            model.metrics_variables,
        )
        if self._stepwise(data):
            fn = self._train.get("step")
            if fn is None:
                jax = self.jax
                fn = self._train["step"] = jax.jit(
                    lambda state, data, idx: model.train_step(
                        state, jax.tree.map(lambda a: a[idx], data)
                    )[1]
                )
            state = self._state(groups)
            for start in range(0, len(order), batch_size):
                state = fn(state, data, order[start : start + batch_size])
            self._store(groups, state)
            return
        fn = self._train.get(batch_size)
        if fn is None:
            fn = self._train[batch_size] = self._loop(
                lambda state, batch: model.train_step(state, batch)[1], batch_size
            )
        self._store(groups, fn(self._state(groups), data, order))

    def evaluate(self, data, batch_size: int) -> None:
        model = self.model
        n = len(self.jax.tree.leaves(data)[0])
        batch_size = min(batch_size, n)
        fn = self._eval.get(batch_size)
        if fn is None:
            fn = self._eval[batch_size] = self._loop(
                lambda state, batch: model.test_step(state, batch)[1], batch_size
            )
        groups = (
            model.trainable_variables,
            model.non_trainable_variables,
            model.metrics_variables,
        )
        state = fn(self._state(groups), data, np.arange(n, dtype=np.int32))
        self._store(groups[2:], state[2:])

    def predict(self, x):
        # Keras's own jitted predict step is as fast as it gets on JAX (and
        # faster than a jax.jit of stateless_call, measured); padding to few
        # shapes (inference.py) keeps its compilations few.
        return self.model.predict_on_batch(x)


_RUNNERS = {"tensorflow": _TensorFlowRunner, "jax": _JaxRunner}
