"""Pickling Keras objects that use classes Keras cannot find by name.

Keras pickles a model (or a metric, or a layer) by saving it in its own
format, which records each layer, loss and metric by class name; loading
looks the names up among Keras's classes and those registered with
``keras.saving.register_keras_serializable``. A custom class that was never
registered is not found ("Could not locate class"), although pickle itself
could find it by reference, as it finds any class.

:func:`portable` wraps such objects so that they pickle together with the
custom classes and functions they use, and load with them as Keras custom
objects. Pickles stay pickles: they import those classes by name, and
loading one runs code (see :mod:`skneural.saving` for a format that does not).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types
from collections.abc import Iterator
from typing import Any

from .backend import keras

#: Objects Keras pickles through its own file format.
_SAVED_BY_KERAS = (keras.layers.Layer, keras.metrics.Metric)


class _Portable:
    """A Keras object that pickles with the custom objects it needs."""

    def __init__(self, obj):
        self.obj = obj

    def __reduce__(self):
        load, args = self.obj.__reduce__()  # Keras's own: its file format
        return _load, (load, args, custom_objects(self.obj))


def _load(load, args, custom: dict):
    with keras.saving.custom_object_scope(custom):
        return load(*args)


def portable(value: Any) -> Any:
    """``value`` with its Keras objects (also in lists, tuples, dicts) made portable.

    Other values are returned as they are.
    """
    if isinstance(value, _SAVED_BY_KERAS):
        return _Portable(value)
    if isinstance(value, (list, tuple)):
        items = [portable(v) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items) if type(value) in (list, tuple) else items
    if isinstance(value, dict):
        out = {k: portable(v) for k, v in value.items()}
        return value if all(out[k] is value[k] for k in value) else out
    return value


@contextlib.contextmanager
def custom_scope(*objects: Any) -> Iterator[None]:
    """Make the custom objects used by ``objects`` known to Keras while inside."""
    found: dict = {}
    for obj in objects:
        found.update(_custom_objects_in(obj))
    with keras.saving.custom_object_scope(found):
        yield


def _custom_objects_in(value: Any) -> dict:
    if isinstance(value, _SAVED_BY_KERAS):
        return custom_objects(value)
    found: dict = {}
    if isinstance(value, (list, tuple)):
        for v in value:
            found.update(_custom_objects_in(v))
    elif isinstance(value, dict):
        for v in value.values():
            found.update(_custom_objects_in(v))
    return found


def custom_objects(obj) -> dict:
    """The classes and functions outside Keras that ``obj``'s saved form names.

    Keyed by the name Keras looks them up by. Classes come from the object's
    serialized configuration (layers, losses, metrics, initializers, ...);
    functions, which the configuration names without their module, from
    the live objects: the compiled loss and metrics and the layers'
    attributes (activations).
    """
    try:
        config = keras.saving.serialize_keras_object(obj)
    except Exception:  # Keras will explain when it saves the object itself
        return {}
    found: dict = {}
    _classes_in(config, found)
    for fn in _functions_of(obj):
        found.setdefault(keras.saving.get_registered_name(fn), fn)
    return found


def _is_keras(module: str | None) -> bool:
    return not module or module == "builtins" or module.split(".")[0] == "keras"


def _classes_in(config: Any, found: dict) -> None:
    if isinstance(config, dict):
        module, name = config.get("module"), config.get("class_name")
        if isinstance(name, str) and name != "function" and not _is_keras(module):
            try:
                cls = getattr(importlib.import_module(module), name)
            except (ImportError, AttributeError, ValueError):
                cls = None
            if isinstance(cls, type):
                found.setdefault(config.get("registered_name") or name, cls)
        for v in config.values():
            _classes_in(v, found)
    elif isinstance(config, (list, tuple)):
        for v in config:
            _classes_in(v, found)


def _functions_of(obj) -> list:
    """Module-level functions outside Keras used by ``obj`` (loss, metrics, layers)."""
    values = [getattr(obj, "loss", None)]
    compiled = getattr(obj, "_compile_config", None)  # compile()'s arguments
    values.append(getattr(compiled, "config", None))
    layers = [obj, *_all_layers(obj)]
    values.extend(list(vars(layer).values()) for layer in layers)
    out: list = []
    _collect_functions(values, out, depth=0)
    return out


def _by_reference(fn) -> bool:
    """Whether pickle finds ``fn`` by its module and name (a module-level function).

    Methods, lambdas, nested functions and wrapped functions are not.
    """
    module = sys.modules.get(fn.__module__)
    return getattr(module, fn.__qualname__, None) is fn


def _all_layers(obj) -> Iterator:
    for layer in getattr(obj, "layers", None) or ():
        yield layer
        yield from _all_layers(layer)


def _collect_functions(value: Any, out: list, depth: int) -> None:
    if depth > 4:
        return
    if isinstance(value, types.FunctionType):
        if not _is_keras(value.__module__) and _by_reference(value):
            out.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect_functions(v, out, depth + 1)
    elif isinstance(value, dict):
        for v in value.values():
            _collect_functions(v, out, depth + 1)
