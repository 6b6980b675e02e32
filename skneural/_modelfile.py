"""The ``.skn`` model file: written and read without running code from it.

A zip archive of ``skneural.json`` (what the file is), ``object.skops`` (the
object with each skneural estimator replaced by a plain-data stand-in) and
``networks/<i>.keras`` (each network). :mod:`skneural.saving` is the public
side (:func:`skneural.save`, :func:`skneural.load`); this module knows the
format, not the estimator classes: the writer is given the estimators to take
apart, the reader the classes to put back (so ``est.save`` needs nothing from
above the estimators).
"""

from __future__ import annotations

import copy
import io
import json
import os
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

from . import (
    __version__,
    architectures,  # noqa: F401  (registers skneural's Keras layers)
)
from ._files import atomic_write
from ._pool import Network
from .backend import keras, versions
from .devices import PRECISIONS, Placement
from .exceptions import DataTypeError, ModelFileError

__all__ = ["ESTIMATORS", "read", "write"]

FORMAT = "skneural"
FORMAT_VERSION = 1
_HEADER = "skneural.json"
_OBJECT = "object.skops"
_PICKLE_STARTS = (b"\x80",)  # pickle protocols 2-5 (joblib writes these too)
_ZIP_START = b"PK\x03\x04"
#: Objects of these modules are restored in place (their attributes walked).
_WALKED = ("sklearn.", "skneural.", "imblearn.")

#: The skneural estimators a file may hold, by the name stored in it.
ESTIMATORS = (
    "NeuralRegressor",
    "NeuralClassifier",
    "ConvRegressor",
    "ConvClassifier",
    "KerasRegressor",
    "KerasClassifier",
)


#: Key of a saved estimator's network's random-generator states in its state.
_SEED_STATES = "_network_seed_states"


class _Network:
    """Stands for a skneural estimator inside ``object.skops``."""

    def __init__(self, name: str, state: dict, network: int | None):
        self.name = name
        self.state = state
        self.network = network


class _KerasObject:
    """A Keras object (optimizer, loss, ...) as its serialized configuration."""

    def __init__(self, config: str):
        self.config = config


# --- saving ----------------------------------------------------------------------


def write(obj: Any, path: str | os.PathLike, estimators: list) -> None:
    """Write ``obj`` to ``path`` atomically, ``estimators`` taken apart.

    Parameters
    ----------
    obj : object
        What to save: a skneural estimator, or a scikit-learn object.
    path : path-like
        The file to write.
    estimators : list
        The skneural estimators reachable from ``obj`` (``obj`` itself for a
        bare estimator): each is stored as a plain-data stand-in and its
        network as a ``.keras`` member.

    Raises
    ------
    TypeError
        When a hyperparameter can only be stored as code (a callback
        instance, a Keras object without a configuration), or an estimator
        is not one of skneural's own.
    """
    # skops is imported on the first save or load, not with the estimators
    import skops.io as sio

    networks: list = []
    memo: dict[int, Any] = {}
    for est in estimators:
        memo[id(est)] = _stand_in(est, networks)
    plain = copy.deepcopy(obj, memo) if id(obj) not in memo else memo[id(obj)]
    data = sio.dumps(plain)
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "object": type(obj).__name__,
        "networks": len(networks),
        "versions": versions(),
    }
    with (
        atomic_write(path, "wb") as handle,
        zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as zf,
    ):
        zf.writestr(_HEADER, json.dumps(header, indent=1))
        zf.writestr(_OBJECT, data)
        for i, model in enumerate(networks):
            zf.writestr(f"networks/{i}.keras", _keras_bytes(model))


def _stand_in(est, networks: list) -> _Network:
    """The plain-data stand-in of a skneural estimator; its model goes to networks."""
    name = type(est).__name__
    if name not in ESTIMATORS or type(est).__module__.split(".")[0] != "skneural":
        raise DataTypeError(
            f"Cannot save a {type(est).__qualname__}: only skneural's own estimators "
            f"({', '.join(ESTIMATORS)}) can be saved in the safe format. Use joblib "
            "for your subclasses (and load such files only from trusted sources)."
        )
    state = {k: v for k, v in vars(est).items() if k not in ("_network", "_lease")}
    state = {k: _plain(v, f"{name}.{k}", networks) for k, v in state.items()}
    index = None
    net = vars(est).get("_network")
    if net is not None:
        networks.append(net.model)
        index = len(networks) - 1
        # the .keras file leaves out the random layers' generator states
        state[_SEED_STATES] = net.seed_states()
    return _Network(name, state, index)


def _plain(value, where: str, networks: list):
    """``value`` with Keras objects replaced by their configurations."""
    if isinstance(value, keras.Model):
        networks.append(value)
        return _Network("keras.Model", {}, len(networks) - 1)
    if isinstance(value, keras.callbacks.Callback):
        raise DataTypeError(
            f"Cannot save {where}: the callback {type(value).__name__} can only be "
            "stored as code. Callbacks only act while fitting: set callbacks=None "
            "before saving (est.set_params(callbacks=None)), or use joblib for a "
            "file you will load only yourself."
        )
    if isinstance(value, list):
        return [_plain(v, f"{where}[{i}]", networks) for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return tuple(_plain(v, f"{where}[{i}]", networks) for i, v in enumerate(value))
    if isinstance(value, dict):
        return {k: _plain(v, f"{where}[{k!r}]", networks) for k, v in value.items()}
    module = type(value).__module__ or ""
    if module.startswith("skneural.") and hasattr(value, "__dict__"):
        # skneural's helpers (target encoders, ...) may hold Keras objects too
        plain = copy.copy(value)
        for k, v in vars(value).items():
            setattr(plain, k, _plain(v, f"{where}.{k}", networks))
        return plain
    if module.startswith("keras") or (
        isinstance(value, type) and (value.__module__ or "").startswith("keras")
    ):
        try:
            config = keras.saving.serialize_keras_object(value)
            return _KerasObject(json.dumps(config))
        except Exception as exc:
            raise DataTypeError(
                f"Cannot save {where}: Keras cannot serialize the "
                f"{type(value).__name__} it holds ({exc}). Use a name such as "
                "'adam' instead, or joblib for a file you will load only yourself."
            ) from None
    return value


def _keras_bytes(model) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        return Path(path).read_bytes()


# --- loading ---------------------------------------------------------------------


def read(
    path: str | os.PathLike,
    classes: dict[str, type],
    *,
    trusted: list[str] | None = None,
    custom_objects: dict | None = None,
):
    """Read what :func:`write` wrote, without running code from the file.

    Parameters
    ----------
    path : path-like
        The model file.
    classes : dict
        Estimator name -> the class that stand-ins of that name become.
    trusted, custom_objects
        As for :func:`skneural.load`.

    Returns
    -------
    object
        What was saved.

    Raises
    ------
    ModelFileError
        The file is missing, truncated, damaged, not a skneural model file
        (for example a pickle), of another format version, or holds code.
    """
    # skops is imported on the first save or load, not with the estimators
    import skops.io as sio

    path = Path(path)
    zf, data, n_networks = _open(path)
    allowed = _trusted(sio, data, trusted, path)
    try:
        plain = sio.loads(data, trusted=allowed)
    except Exception as exc:
        raise ModelFileError(
            f"{str(path)!r} is damaged: its estimator data cannot be read ({exc})."
        ) from None
    networks = [
        _load_network(_member(zf, f"networks/{i}.keras", path), path, i, custom_objects)
        for i in range(n_networks)
    ]
    return _restore(plain, networks, path, classes)


def _open(path: Path) -> tuple[zipfile.ZipFile, bytes, int]:
    """The archive, its object data and its number of networks, all checked."""
    if not path.is_file():
        raise ModelFileError(
            f"No such model file: {str(path)!r}"
            + (" (it is a folder)." if path.is_dir() else ".")
        )
    raw = path.read_bytes()
    if raw[:1] in _PICKLE_STARTS:
        raise ModelFileError(
            f"{str(path)!r} is a pickle (or joblib) file, not a skneural safe model "
            "file. Loading a pickle can run any code: if, and only if, you trust its "
            "source, load it with joblib.load."
        )
    if not raw.startswith(_ZIP_START):
        raise ModelFileError(
            f"{str(path)!r} is not a skneural model file (save one with est.save or "
            "skneural.save)."
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        header = json.loads(zf.read(_HEADER))
        data = zf.read(_OBJECT)
    except _DAMAGED as exc:
        raise _damaged(path, exc) from None
    names = set(zf.namelist())
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(f"{str(path)!r} is not a skneural model file.")
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"{str(path)!r} has format version {header.get('format_version')!r}; this "
            f"skneural ({__version__}) reads version {FORMAT_VERSION}. Upgrade "
            "skneural to load it."
        )
    n_networks = header.get("networks")
    if not isinstance(n_networks, int) or not all(
        f"networks/{i}.keras" in names for i in range(n_networks)
    ):
        raise ModelFileError(f"{str(path)!r} is damaged: networks are missing.")
    return zf, data, n_networks


#: What reading a truncated or changed archive raises: a member's CRC check
#: failing is a BadZipFile, its compressed data undecodable a zlib.error, a
#: missing member a KeyError.
_DAMAGED = (zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError, OSError)


def _member(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """The bytes of one member; a damaged or missing one is a ModelFileError."""
    try:
        return zf.read(name)
    except _DAMAGED as exc:
        raise _damaged(path, exc) from None


def _damaged(path: Path, exc: Exception) -> ModelFileError:
    return ModelFileError(
        f"{str(path)!r} is damaged (truncated or changed after saving): {exc}."
    )


def _trusted(sio, data: bytes, trusted, path) -> list[str]:
    """The types the file refers to, checked against what may be loaded."""
    try:
        found = sio.get_untrusted_types(data=data)
    except Exception as exc:
        raise ModelFileError(
            f"{str(path)!r} is damaged: its estimator data cannot be read ({exc})."
        ) from None
    extra = set(trusted or ())
    ours = ("sklearn.", "skneural.", "numpy.", "scipy.sparse.")
    refused = [t for t in found if not t.startswith(ours) and t not in extra]
    if refused:
        raise ModelFileError(
            f"{str(path)!r} refers to code that is not trusted by default: "
            f"{', '.join(refused)}. If you trust the file's source, load it with "
            f"skneural.load(path, trusted={refused!r})."
        )
    return list(found)


def _load_network(data: bytes, path, i: int, custom_objects):
    with tempfile.TemporaryDirectory() as folder:
        file = os.path.join(folder, "model.keras")
        Path(file).write_bytes(data)
        try:
            return keras.saving.load_model(
                file, custom_objects=custom_objects, safe_mode=True
            )
        except Exception as exc:
            text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "lambda" in str(exc).lower() or "safe_mode" in str(exc):
                raise ModelFileError(
                    f"{str(path)!r} was refused: network {i} holds code (a Lambda "
                    "layer or similar), which safe loading never runs."
                ) from None
            raise ModelFileError(
                f"{str(path)!r}: network {i} cannot be loaded ({text}). If it uses "
                "custom layers, pass them as custom_objects."
            ) from None


def _restore(plain, networks: list, path, classes: dict[str, type]):
    """Put the estimators (of ``classes``) back in place of their stand-ins."""
    done: dict[int, Any] = {}

    def build(stand_in: _Network):
        if stand_in.name == "keras.Model":
            return _network_at(networks, stand_in.network, path)
        cls = classes.get(stand_in.name)
        if cls is None:
            raise ModelFileError(
                f"{str(path)!r} names an unknown estimator {stand_in.name!r}."
            )
        est = cls.__new__(cls)
        state = {k: fix(v) for k, v in dict(stand_in.state).items()}
        seeds = state.pop(_SEED_STATES, None)  # absent from older files
        vars(est).update(state)
        if stand_in.network is not None:
            model = _network_at(networks, stand_in.network, path)
            network = Network(model, key=None)  # never lent to other fits
            if seeds is not None:
                network.set_seed_states(seeds)
            # The default device here, the saved precision (as a pickle does).
            precision = getattr(est, "precision", None)
            if isinstance(precision, str) and precision in PRECISIONS:
                network.placement = Placement(None, (), precision)
            est._network = network
        return est

    def fix(value):
        if id(value) in done:
            return done[id(value)]
        if isinstance(value, _Network):
            result = build(value)
        elif isinstance(value, _KerasObject):
            result = keras.saving.deserialize_keras_object(
                json.loads(value.config), safe_mode=True
            )
        elif isinstance(value, list):
            value[:] = [fix(v) for v in value]
            result = value
        elif isinstance(value, tuple):
            result = tuple(fix(v) for v in value)
        elif isinstance(value, dict):
            for k in list(value):
                value[k] = fix(value[k])
            result = value
        elif hasattr(value, "__dict__") and type(value).__module__.startswith(_WALKED):
            done[id(value)] = value
            for k, v in list(vars(value).items()):
                setattr(value, k, fix(v))
            result = value
        else:
            result = value
        done[id(value)] = result
        return result

    return fix(plain)


def _network_at(networks: list, index, path):
    if not isinstance(index, int) or not 0 <= index < len(networks):
        raise ModelFileError(f"{str(path)!r} is damaged: a network is missing.")
    return networks[index]
