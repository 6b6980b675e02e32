"""Where a network lives and runs: device choice, GPU memory, data parallelism.

Estimators take three parameters resolved here:

- ``device``: ``"auto"`` (a GPU when one is visible, else the CPU),
  ``"cpu"``, ``"gpu"`` (the first GPU; an error when there is none) or
  ``"gpu:N"`` / ``"cpu:N"``. In a worker process of a parallel search
  (joblib's ``n_jobs``, Dask) ``"auto"`` picks GPU ``pid % n_gpus``, so the
  workers spread over the visible GPUs instead of all landing on the first.
- ``distribute``: ``None`` (one device), ``"mirrored"`` (synchronous data
  parallelism over every visible GPU, or every logical CPU device when there
  is no GPU: ``tf.distribute.MirroredStrategy`` on TensorFlow,
  ``keras.distribution.DataParallel`` on JAX) or ``"auto"`` (mirrored when
  more than one GPU is visible).
- ``precision``: ``"float32"``, ``"mixed_float16"`` or ``"mixed_bfloat16"``:
  the Keras dtype policy of the network's layers (the output layer stays
  float32; on ``mixed_float16`` Keras scales the loss).

GPU memory: TensorFlow and JAX normally reserve most of a GPU's memory in the
first process that touches it, so a second estimator process on the same GPU
fails. skneural asks TensorFlow to grow its allocation as needed and JAX not
to preallocate, unless you decide otherwise: set
``SKNEURAL_GPU_MEMORY_GROWTH=0`` (TensorFlow) or ``XLA_PYTHON_CLIENT_PREALLOCATE``
(JAX) before importing skneural, or call :func:`set_memory_growth`.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from . import _params as P
from .backend import backend_name, keras

DEVICES = ("auto", "cpu", "gpu", "gpu:N", "cpu:N")
DISTRIBUTE = (None, "auto", "mirrored")
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")

_DEVICE = re.compile(r"^(auto|cpu|gpu)(?::(\d+))?$")


@functools.cache
def list_devices(kind: str) -> tuple[str, ...]:
    """Names (``"gpu:0"``, ...) of the devices of ``kind`` the backend sees.

    Parameters
    ----------
    kind : {"gpu", "cpu"}
        Device type. For ``"cpu"`` these are logical devices (TensorFlow) or
        host devices (JAX); normally there is one.
    """
    backend = backend_name()
    if backend == "tensorflow":
        import tensorflow as tf  # the backend in use: only its own module

        _configure_tensorflow()
        count = len(tf.config.list_logical_devices(kind.upper()))
    elif backend == "jax":
        import jax  # the backend in use: only its own module

        try:
            count = len(jax.devices("gpu" if kind == "gpu" else "cpu"))
        except RuntimeError:  # no such platform
            count = 0
    elif backend == "torch":
        import torch  # the backend in use: only its own module

        count = torch.cuda.device_count() if kind == "gpu" else 1
    else:  # numpy and others: CPU only
        count = 1 if kind == "cpu" else 0
    return tuple(f"{kind}:{i}" for i in range(count))


@dataclass(frozen=True)
class Placement:
    """Where one estimator's network is built, trained and run.

    Attributes
    ----------
    device : str or None
        A Keras device name (``"gpu:1"``), or None for the backend's default.
    replicas : tuple of str
        Devices of data-parallel training; empty for a single device.
    precision : str
        Keras dtype policy name of the network's layers.
    distribute : str or None
        The ``distribute`` parameter that chose ``replicas``.
    """

    device: str | None
    replicas: tuple[str, ...] = ()
    precision: str = "float32"
    distribute: str | None = None

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Build, train and predict under this placement."""
        with contextlib.ExitStack() as stack:
            if self.replicas:
                stack.enter_context(_strategy_scope(self.replicas))
            elif self.device is not None:
                stack.enter_context(keras.device(self.device))
            yield

    @contextlib.contextmanager
    def dtype_policy(self) -> Iterator[None]:
        """Make layers created inside use this placement's precision."""
        old = keras.config.dtype_policy()
        keras.config.set_dtype_policy(self.precision)
        try:
            yield
        finally:
            keras.config.set_dtype_policy(old)


def resolve(estimator: str, device, distribute, precision) -> Placement:
    """Check the three parameters and decide the placement of a fit.

    Parameters
    ----------
    estimator : str
        Class name, for error messages.
    device, distribute, precision
        The estimator's parameters (see the module docstring).

    Raises
    ------
    InvalidParameterError
        For a value outside the documented ones, or a device that does not
        exist on this machine.
    """
    if precision not in PRECISIONS:
        P.fail(estimator, "precision", _one_of(PRECISIONS), precision)
    if distribute not in DISTRIBUTE:
        P.fail(estimator, "distribute", _one_of(DISTRIBUTE), distribute)
    match = _DEVICE.match(device) if isinstance(device, str) else None
    if match is None or (match[1] == "auto" and match[2] is not None):
        P.fail(estimator, "device", _one_of(DEVICES), device)
    kind, index = match[1], match[2]
    gpus = list_devices("gpu")

    if distribute is not None:
        if device not in ("auto", "gpu", "cpu"):
            P.fail(
                estimator,
                "device",
                "'auto', 'gpu' or 'cpu' with distribute (the strategy uses "
                "every device of that kind)",
                device,
            )
        many = "gpu" if (kind == "gpu" or (kind == "auto" and gpus)) else "cpu"
        replicas = gpus if many == "gpu" else list_devices("cpu")
        if distribute == "mirrored" or (many == "gpu" and len(replicas) > 1):
            if many == "gpu" and not replicas:
                _no_gpu(estimator, device)
            if len(replicas) > 1:
                return Placement(None, replicas, precision, distribute)
        # "auto" with fewer than two GPUs, or one device: no strategy

    if kind == "auto":
        if not gpus:
            return Placement(None, (), precision)
        return Placement(gpus[_worker_slot() % len(gpus)], (), precision)
    available = gpus if kind == "gpu" else list_devices("cpu")
    if kind == "gpu" and not available:
        _no_gpu(estimator, device)
    i = int(index or 0)
    if i >= len(available):
        raise P.InvalidParameterError(
            f"{estimator}: device={device!r}, but the {backend_name()} backend sees "
            f"{len(available)} {kind.upper()} device(s) ({', '.join(available)}). "
            f"Use one of those, or device='auto'."
        )
    return Placement(f"{kind}:{i}", (), precision)


def split_evenly(placement: Placement, fit_kwargs: dict, batch_size, owner: str):
    """Make ``model.fit`` data split evenly over JAX data-parallel devices.

    ``keras.distribution.DataParallel`` shards every batch over the devices,
    so each batch must be a multiple of their number. The batch size must
    be one (an error says so); the few rows (fewer than the number of
    devices) that would leave the last batch uneven are left out, with a
    warning. TensorFlow's MirroredStrategy needs neither.
    """
    k = len(placement.replicas)
    if k < 2 or backend_name() != "jax":
        return fit_kwargs
    if batch_size % k:
        raise P.InvalidParameterError(
            f"{owner}: batch_size={batch_size} does not split evenly over the {k} "
            f"devices of distribute={placement.distribute!r} on JAX. Use a multiple "
            f"of {k}."
        )
    out = dict(fit_kwargs)
    n = len(keras.tree.flatten(out["x"])[0])
    drop = (n % batch_size) % k
    if drop:
        warnings.warn(
            f"{owner}: {drop} of {n} training samples left out so that every "
            f"batch splits evenly over {k} devices (JAX data parallelism).",
            UserWarning,
            stacklevel=5,
        )
        for name in ("x", "y", "sample_weight"):
            if out.get(name) is not None:
                out[name] = keras.tree.map_structure(lambda a: a[: n - drop], out[name])
    val = out.get("validation_data")
    if val is not None:
        n_val = len(keras.tree.flatten(val[0])[0])
        keep = n_val - (n_val % batch_size) % k
        out["validation_data"] = tuple(
            keras.tree.map_structure(lambda a: a[:keep], part) for part in val
        )
    return out


def _no_gpu(estimator: str, device: str):
    raise P.InvalidParameterError(
        f"{estimator}: device={device!r}, but the {backend_name()} backend sees no "
        "GPU. Use device='auto' (GPU when present, else CPU) or device='cpu', or "
        "install a GPU build of the backend (pip install skneural[gpu])."
    )


def _one_of(values) -> str:
    return "one of " + ", ".join(repr(v) for v in values)


def _worker_slot() -> int:
    """0 in the main process; the process id in worker processes."""
    if multiprocessing.parent_process() is None:
        return 0
    return os.getpid()


@contextlib.contextmanager
def _strategy_scope(devices: tuple[str, ...]) -> Iterator[None]:
    backend = backend_name()
    if backend == "tensorflow":
        import tensorflow as tf  # the backend in use: only its own module

        names = tuple(f"/{d.split(':')[0].upper()}:{d.split(':')[1]}" for d in devices)
        strategy = _MIRRORED.get(names)
        if strategy is None:
            strategy = _MIRRORED[names] = tf.distribute.MirroredStrategy(list(names))
        with strategy.scope():
            yield
    elif backend == "jax":
        import jax  # the backend in use: only its own module

        kind = devices[0].split(":")[0]
        chosen = jax.devices("gpu" if kind == "gpu" else "cpu")[: len(devices)]
        with keras.distribution.DataParallel(devices=chosen).scope():
            yield
    else:
        raise P.InvalidParameterError(
            f"distribute is supported on the TensorFlow and JAX backends, not on "
            f"{backend}. Use distribute=None."
        )


#: One MirroredStrategy per device list (creating one is not free).
_MIRRORED: dict = {}

_tf_configured = False


def _configure_tensorflow() -> None:
    """Enable GPU memory growth once, before TensorFlow touches a GPU."""
    global _tf_configured
    if _tf_configured:
        return
    _tf_configured = True
    if os.environ.get("SKNEURAL_GPU_MEMORY_GROWTH", "1") != "0":
        set_memory_growth(True)


def set_memory_growth(enabled: bool = True) -> bool:
    """Let TensorFlow grow its GPU memory as needed instead of taking it all.

    Must run before TensorFlow initializes the GPUs (the first operation on
    them); skneural calls it on first use unless ``SKNEURAL_GPU_MEMORY_GROWTH=0``.

    Parameters
    ----------
    enabled : bool, default=True
        Grow on demand (True) or reserve up front (False).

    Returns
    -------
    bool
        True when the setting was applied to every GPU, False when there is
        no GPU, the backend is not TensorFlow, or the GPUs were already
        initialized.
    """
    if backend_name() != "tensorflow":
        return False
    import tensorflow as tf  # the backend in use: only its own module

    gpus = tf.config.list_physical_devices("GPU")
    try:
        for gpu in gpus:
            tf.config.experimental.set_memory_growth(gpu, bool(enabled))
    except RuntimeError:  # GPUs already initialized: too late to change
        return False
    return bool(gpus)
