"""Reuse compiled networks across the many fits of a search.

Building and compiling a Keras model, then tracing its train and predict
functions, costs far more than training a small network for a few epochs, and
every discarded model leaves memory behind (TensorFlow's traced graphs).
Cross-validation and hyperparameter searches fit the same architecture again
and again, so a fit takes an idle compiled network of the same structure from
this pool, restarts it (fresh random weights, zeroed optimizer state) and
trains it. When the fitted estimator is garbage collected, its network goes
back to the pool.

A network is lent to one estimator at a time. Once a user reads
``estimator.model_`` the network is theirs and never goes back.
"""

from __future__ import annotations

import inspect
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from ._portable import portable
from .backend import keras, to_numpy
from .devices import Placement
from .exceptions import ModelFileError

#: Idle networks kept, all structures together (least recently used leave first).
MAX_IDLE = 16

_SEED_STATE = "seed_generator_state"


class Network:
    """A compiled Keras model plus what it takes to train it again from scratch.

    Parameters
    ----------
    model : keras.Model
        A compiled model whose optimizer is built.
    key : hashable or None
        Structure key in the pool; ``None`` for networks that are never pooled.
    """

    def __init__(self, model, key: Hashable | None = None):
        self.model = model
        self.key = key
        optimizer = model.optimizer
        if optimizer is not None and not optimizer.built:
            optimizer.build(model.trainable_variables)
        self.optimizer_start = (
            [to_numpy(v) for v in optimizer.variables] if optimizer is not None else []
        )
        self.weights_start = {v.path: to_numpy(v) for v in model.variables}
        self.placement = Placement(None)

    def __getstate__(self):
        # Compiled training functions (see _loop.py) belong to this process.
        state = dict(self.__dict__)
        state.pop("runner", None)
        # Custom losses, metrics and layers travel with the model.
        state["model"] = portable(state["model"])
        # Devices are this machine's: a loaded network runs where the loading
        # process puts it by default.
        state["placement"] = Placement(None, (), self.placement.precision)
        # Keras's file format leaves out the random layers' generator states.
        state["seed_states"] = self.seed_states()
        return state

    def __setstate__(self, state):
        state = dict(state)
        seeds = state.pop("seed_states", None)  # absent from older pickles
        self.__dict__.update(state)
        if seeds is not None:
            self.set_seed_states(seeds)

    def seed_states(self) -> list[list[int]]:
        """The states of the random layers' generators (dropout, noise), in order.

        Training advances them; Keras's own files do not keep them, so a saved
        network stores them beside its ``.keras`` file, and training on after
        loading draws the same masks as the original would.
        """
        return [np.asarray(v.numpy()).tolist() for v in _seed_variables(self.model)]

    def set_seed_states(self, states: list) -> None:
        """Put back states returned by :meth:`seed_states` (same architecture)."""
        variables = _seed_variables(self.model)
        if len(states) != len(variables):
            raise ModelFileError(
                f"The saved network has {len(variables)} random layers but "
                f"{len(states)} random-generator states were stored with it: the "
                "file or pickle is damaged. Save the estimator again."
            )
        for var, value in zip(variables, states, strict=True):
            var.assign(np.asarray(value, dtype=var.dtype))

    def restart(self, rng: np.random.Generator, learning_rate: float | None) -> None:
        """Draw fresh initial weights and zero the optimizer state, in place.

        Every variable with a ``<name>_initializer`` on its layer (kernels,
        biases, normalization statistics) is drawn again from a reseeded copy
        of that initializer; dropout and other random layers get new seeds;
        any other variable returns to its value when the model was built.

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of all seeds, so a seeded generator makes the restart
            reproducible.
        learning_rate : float or None
            Learning rate to set, or ``None`` to keep the optimizer's own.
        """
        for layer in _leaf_layers(self.model):
            for var in layer.variables:
                var.assign(self._start_value(layer, var, rng))
        self._reset_optimizer(learning_rate)

    def load(self, weights: list, rng: np.random.Generator, learning_rate) -> None:
        """Start from given weights (a freshly built model's), in place.

        Random layers get new seeds from ``rng`` and the optimizer state
        returns to its just-built values, as in :meth:`restart`.
        """
        self.model.set_weights(weights)
        for var in _seed_variables(self.model):
            var.assign(np.array([rng.integers(2**31 - 1), 0], dtype=var.dtype))
        self._reset_optimizer(learning_rate)

    def _reset_optimizer(self, learning_rate) -> None:
        optimizer = self.model.optimizer
        if optimizer is not None:
            for var, value in zip(
                optimizer.variables, self.optimizer_start, strict=True
            ):
                var.assign(value)
            if learning_rate is not None:
                optimizer.learning_rate = learning_rate

    def _start_value(self, layer, var, rng):
        name = var.name
        if name == _SEED_STATE:
            return np.array([rng.integers(2**31 - 1), 0], dtype=var.dtype)
        initializer = getattr(layer, f"{name}_initializer", None)
        if not isinstance(initializer, keras.initializers.Initializer):
            return self.weights_start[var.path]
        config = initializer.get_config()
        if "seed" in config:
            config["seed"] = int(rng.integers(2**31 - 1))
            initializer = initializer.__class__.from_config(config)
        return initializer(tuple(var.shape), dtype=var.dtype)


def _seed_variables(model) -> list:
    return [v for v in model.variables if v.name == _SEED_STATE]


def _leaf_layers(model):
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:
            yield from _leaf_layers(layer)
        else:
            yield layer


class NetworkPool:
    """Idle compiled networks, keyed by structure, shared within a process."""

    def __init__(self, max_idle: int = MAX_IDLE):
        self.max_idle = max_idle
        self._idle: OrderedDict[int, Network] = OrderedDict()
        self._lock = threading.Lock()
        self._born: weakref.WeakSet[Network] = weakref.WeakSet()

    def checkout(self, key: Hashable | None, build: Callable[[], Any]) -> Network:
        """Take an idle network with this key, or build a new one.

        Parameters
        ----------
        key : hashable or None
            The structure: same key, same compiled model. ``None`` always
            builds and never pools.
        build : callable
            Returns a new compiled ``keras.Model``.
        """
        if key is not None:
            with self._lock:
                for ident, net in reversed(self._idle.items()):
                    if net.key == key:
                        del self._idle[ident]
                        return net
        net = Network(build(), key)
        if key is not None:
            with self._lock:
                self._born.add(net)
        return net

    def release(self, net: Network) -> None:
        """Give a network back; it may be lent again."""
        with self._lock:
            if net.key is None or net not in self._born:
                return
            self._idle[id(net)] = net
            self._idle.move_to_end(id(net))
            while len(self._idle) > self.max_idle:
                self._idle.popitem(last=False)

    def clear(self) -> None:
        """Drop every idle network."""
        with self._lock:
            self._idle.clear()

    def __len__(self) -> int:
        return len(self._idle)


POOL = NetworkPool()


def structure_key(*parts: Any) -> Hashable | None:
    """Return a hashable key for these parts, or ``None`` if one cannot be made.

    Keras objects are keyed by class and config, so equal configurations
    share a network; other objects (functions, classes) by identity.
    """
    try:
        key = _freeze(parts)
        hash(key)
    except TypeError:
        return None
    return key


def _freeze(obj: Any) -> Hashable:
    if obj is None or isinstance(obj, (str, bytes, bool, int, float)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return ("ndarray", obj.dtype.str, obj.shape, obj.tobytes())
    if isinstance(obj, (list, tuple)):
        return tuple(_freeze(o) for o in obj)
    if isinstance(obj, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in obj.items()))
    if not inspect.isclass(obj) and hasattr(obj, "get_config"):
        return (type(obj), _freeze(obj.get_config()))
    return obj
