"""Importing Keras, and seeding.

The rest of skneural speaks public Keras 3 APIs (``keras.ops``, layers,
callbacks), so it runs on TensorFlow, JAX and PyTorch; the backend-specific
compiled loop is in ``_loop.py`` and device handling in ``devices.py``.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
from collections.abc import Iterator

import numpy as np
import sklearn

from . import __version__

#: The extra to install for each backend module Keras may fail to import.
_EXTRAS = {
    "tensorflow": "tf-cpu",  # or `tf` / `gpu` for GPU builds
    "jax": "jax",
    "jaxlib": "jax",
    "torch": "torch",
}


def import_keras():
    """Import Keras, turning a missing backend into an actionable error.

    Returns
    -------
    module
        The ``keras`` module.

    Raises
    ------
    ImportError
        When Keras or the backend it is configured for is not installed. The
        message names the pip extra that installs it.
    """
    try:
        import keras
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing == "keras":
            raise ImportError(
                "skneural needs Keras 3. Install it with "
                "`pip install skneural[tf-cpu]` (or the `tf`, `gpu` or `jax` extra)."
            ) from exc
        if missing in _EXTRAS:
            extra = _EXTRAS[missing]
            hint = (
                f"`pip install skneural[{extra}]`"
                if extra != "torch"
                else "`pip install torch`"
            )
            raise ImportError(
                f"skneural could not import Keras because its backend "
                f"'{missing}' is not installed. Install it with {hint}, or choose "
                "another installed backend with the KERAS_BACKEND environment "
                "variable (tensorflow, jax or torch)."
            ) from exc
        raise
    return keras


# JAX reserves 75% of a GPU's memory in the first process that uses it, which
# starves the other workers of a parallel search; allocate on demand instead
# (a value you set yourself wins). TensorFlow's equivalent is in devices.py.
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

keras = import_keras()


def backend_name() -> str:
    """Return the name of the Keras backend in use (``"tensorflow"``, ...)."""
    return keras.backend.backend()


def to_numpy(value) -> np.ndarray:
    """A NumPy copy of a Keras variable or a backend tensor.

    A variable is read through its own ``numpy()``: TensorFlow's variables
    have an ``__array__`` without NumPy 2's ``copy`` keyword, which
    ``keras.ops.convert_to_numpy`` would trip with a DeprecationWarning.
    """
    if isinstance(value, keras.Variable):
        return np.array(value.numpy())
    return keras.ops.convert_to_numpy(value)


def versions() -> dict[str, str]:
    """The versions of skneural, Keras (and its backend) and scikit-learn.

    Model files record them (:func:`skneural.save`), and so do the command's
    model bundles.
    """
    return {
        "skneural": __version__,
        "scikit-learn": sklearn.__version__,
        "keras": keras.__version__,
        "backend": backend_name(),
    }


@contextlib.contextmanager
def global_rng_preserved() -> Iterator[None]:
    """Put Python's and NumPy's global random states back on exit.

    Keras draws default seeds from Python's ``random`` when it creates layers;
    the user's random stream should not move because skneural built a network.
    """
    py_state = random.getstate()
    np_state = np.random.get_state()  # noqa: NPY002
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002


@contextlib.contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Seed every random generator Keras training draws from.

    ``keras.utils.set_random_seed`` seeds Python's ``random``, NumPy's legacy
    global generator and the backend's generators. The Python and NumPy
    states belong to the user, so they are put back on exit; the backend's
    generator stays seeded, which is what makes the run reproducible.

    Parameters
    ----------
    seed : int or None
        ``None`` leaves every generator alone.
    """
    if seed is None:
        yield
        return
    with global_rng_preserved():
        _set_random_seed(int(seed))
        yield


def _set_random_seed(seed: int) -> None:
    """``keras.utils.set_random_seed``, without needless TensorFlow reseeding.

    ``tf.random.set_seed`` also empties TensorFlow's cache of instantiated
    functions, which costs every later compiled call ~100 ms to rebuild. A
    search seeds each fit with the same ``random_state``: when TensorFlow's
    global seed already is ``seed``, only Keras's, Python's and NumPy's
    generators are reseeded (TensorFlow's own counter for unseeded ``tf.random``
    ops then continues; Keras layers and initializers do not use it).
    """
    if "tensorflow" in sys.modules:
        try:
            from keras.src.backend.common import global_state
            from keras.src.random import seed_generator
            from keras.src.utils.rng_utils import GLOBAL_RANDOM_SEED
            from tensorflow.python.eager import context
        except ImportError:  # internals moved: take the public, slower route
            pass
        else:
            if context.global_seed() == seed:
                global_state.set_global_attribute(GLOBAL_RANDOM_SEED, seed)
                global_state.set_global_attribute(
                    seed_generator.GLOBAL_SEED_GENERATOR, None
                )
                random.seed(seed)
                np.random.seed(seed)  # noqa: NPY002
                return
    keras.utils.set_random_seed(seed)
