"""Nested routing: build the classes in a structure from ``route__...`` parameters.

The wrappers take callbacks, losses, metrics and optimizers as classes (or
lists and dicts of them) and build them from routed parameters, as scikeras
does:

- ``callbacks__monitor="loss"`` goes to every class in ``callbacks``;
- ``callbacks__0__monitor="loss"`` to the first item of a list (its own
  parameters win over shared ones), ``callbacks__es__monitor`` to the item
  named ``"es"`` of a dict;
- digits name positional arguments: ``callbacks__0__1=...`` is the second
  positional argument of the first callback;
- an argument's own parameters build the class given as its value:
  ``optimizer__learning_rate=ExponentialDecay`` with
  ``optimizer__learning_rate__decay_steps=10``.

Everything routed must arrive somewhere: a parameter that reaches no class
(an index past the end, a name that is not in the dict, parameters for an
instance) is an error that says where it went and what to do.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ._params import did_you_mean
from .exceptions import InvalidParameterError

__all__ = ["instantiate"]


def instantiate(
    spec: Any,
    params: dict[str, Any],
    *,
    owner: str,
    route: str,
    resolve: Callable[[str], Any] | None = None,
    copy: Callable[[Any], Any] | None = None,
) -> Any:
    """Build the classes in ``spec`` with the parameters routed to them.

    Parameters
    ----------
    spec : class, list, tuple, dict or any other object
        What the user gave (``callbacks=[EarlyStopping, {...}]``, ...).
    params : dict
        The parameters routed with ``route__``, the prefix removed
        (``{"0__monitor": "loss", "patience": 2}``).
    owner : str
        The estimator's name, for messages.
    route : str
        The routing prefix (``"callbacks"``), for messages.
    resolve : callable, default=None
        Turns a string that receives its own parameters into a class (a loss
        or metric name into its class); returns None when it cannot.
    copy : callable, default=None
        Applied to every object that is not built here (instances), so the
        user's objects are never used themselves.

    Returns
    -------
    object
        ``spec`` with every class instantiated, in the same structure.
    """
    if spec is None and params:
        raise InvalidParameterError(
            f"{owner}: `{route}__{next(iter(params))}` is routed to `{route}`, "
            f"which is None. Set `{route}` to the class(es) to build."
        )
    builder = _Builder(owner, route, resolve, copy)
    out = builder.build(spec, dict(params), {}, ())
    unused = [k for k in params if k not in builder.used]
    if unused:
        raise InvalidParameterError(
            f"{owner}: `{route}__{unused[0]}` reaches no class in `{route}` "
            f"({route}={spec!r}): routed parameters build the classes given, not "
            "instances, functions or names. Pass classes, or configure the "
            "objects yourself."
        )
    return out


class _Builder:
    def __init__(self, owner, route, resolve, copy):
        self.owner = owner
        self.route = route
        self.resolve = resolve
        self.copy = copy
        self.used: set[str] = set()

    def name(self, path: tuple, key: str = "") -> str:
        """The parameter's full name, ``route__0__key``."""
        return "__".join((self.route, *map(str, path), *([key] if key else [])))

    def build(self, spec, own: dict, shared: dict, path: tuple):
        """Build ``spec`` from its own parameters and those shared with it.

        ``own`` keys are relative to ``path``; ``shared`` maps the flat
        parameters of the containers above to ``(value, key)``.
        """
        flat = {k: (v, _key(path, k)) for k, v in own.items() if "__" not in k}
        if isinstance(spec, (list, tuple, dict)):
            items = spec.items() if isinstance(spec, dict) else enumerate(spec)
            self.check_items(spec, own, path)
            built = []
            for key, item in items:
                head = f"{key}__"
                sub = {k[len(head) :]: v for k, v in own.items() if k.startswith(head)}
                built.append(
                    (key, self.build(item, sub, {**shared, **flat}, (*path, key)))
                )
            if isinstance(spec, dict):
                return dict(built)
            return type(spec)(v for _, v in built)
        if isinstance(spec, str) and own and self.resolve is not None:
            cls = self.resolve(spec)
            if cls is None:
                raise InvalidParameterError(
                    f"{self.owner}: `{self.name(path, next(iter(own)))}` is routed "
                    f"to {spec!r}, a name with no class to build from parameters. "
                    "Pass the class itself instead of its name."
                )
            spec = cls
        if inspect.isclass(spec):
            return self.construct(spec, own, {**shared, **flat}, path)
        if own:
            raise InvalidParameterError(
                f"{self.owner}: `{self.name(path, next(iter(own)))}` is routed to "
                f"{spec!r}, which is not a class: only classes are built from "
                "routed parameters. Pass the class (and route its arguments), or "
                "configure the object yourself."
            )
        return self.copy(spec) if self.copy is not None else spec

    def construct(self, cls, own: dict, flat: dict, path: tuple):
        """``cls(*positional, **named)`` from the flat parameters it receives."""
        self.used.update(key for _, key in flat.values())
        args = {name: value for name, (value, _) in flat.items()}
        for name in args:
            head = f"{name}__"
            sub = {k[len(head) :]: v for k, v in own.items() if k.startswith(head)}
            if sub:  # the argument's own parameters build the class given for it
                args[name] = self.build(args[name], sub, {}, (*path, name))
        for key in own:
            arg = key.split("__", 1)[0]
            if "__" in key and arg not in args:
                raise InvalidParameterError(
                    f"{self.owner}: `{self.name(path, key)}` configures the "
                    f"argument `{arg}` of {cls.__name__}, which is not given. "
                    f"Set `{self.name(path, arg)}` to the class to build."
                )
        args = self.name_positional(cls, args, path)
        positional = sorted(int(k) for k in args if k.isdigit())
        if positional != list(range(len(positional))):
            last = positional[-1]
            missing = min(set(range(last)) - set(positional))
            raise InvalidParameterError(
                f"{self.owner}: {cls.__name__} gets its positional argument {last} "
                f"from `{self.name(path, str(last))}` but no argument {missing}: "
                "give every positional argument before it, or pass it by name."
            )
        values = [args.pop(str(i)) for i in positional]
        try:
            return cls(*values, **args)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                f"{self.owner}: could not build {cls.__name__} from "
                f"`{self.name(path)}__` parameters {sorted(flat)}: {exc}."
                f"{self.hint(cls, args, path)}"
            ) from exc

    def name_positional(self, cls, args: dict, path: tuple) -> dict:
        """Give positional arguments (digit keys) their names, where known."""
        digits = [k for k in args if k.isdigit()]
        if not digits:
            return args
        try:
            params = list(inspect.signature(cls).parameters.values())
        except (TypeError, ValueError):
            return args
        names = []
        for p in params:
            if p.kind is not p.POSITIONAL_OR_KEYWORD:
                break
            names.append(p.name)
        if any(int(k) >= len(names) for k in digits):
            return args  # past the named ones: positional, in order
        named = {k: v for k, v in args.items() if k not in digits}
        for key in digits:
            name = names[int(key)]
            if name in named:
                raise InvalidParameterError(
                    f"{self.owner}: `{self.name(path, key)}` and "
                    f"`{self.name(path, name)}` both give the argument `{name}` "
                    f"of {cls.__name__}: give it once."
                )
            named[name] = args[key]
        return named

    def hint(self, cls, args: dict, path: tuple) -> str:
        """Did-you-mean for the first argument ``cls`` does not take."""
        try:
            params = inspect.signature(cls).parameters
        except (TypeError, ValueError):
            return ""
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            return ""
        for key in args:
            if key not in params:
                return did_you_mean(key, list(params), prefix=self.name(path) + "__")
        return ""

    def check_items(self, spec, own: dict, path: tuple) -> None:
        """Refuse parameters routed to an item ``spec`` does not have."""
        names = [str(k) for k in (spec if isinstance(spec, dict) else range(len(spec)))]
        for key in own:
            head = key.split("__", 1)[0]
            if "__" not in key or head in names:
                continue
            where = f"`{self.name(path)}`"
            if isinstance(spec, dict):
                problem = (
                    f"{where} has no item named {head!r} (it has {names})."
                    + did_you_mean(head, names)
                )
            else:
                problem = (
                    f"{where} has {len(spec)} item(s), numbered from 0: there "
                    f"is no item {head!r}."
                )
            raise InvalidParameterError(
                f"{self.owner}: `{self.name(path, key)}` reaches nothing: {problem}"
            )


def _key(path: tuple, key: str) -> str:
    """A parameter's name relative to the route: ``0__key``."""
    return "__".join((*map(str, path), key))
