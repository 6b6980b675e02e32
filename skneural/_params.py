"""Small checks for hyperparameters, with messages that say what to do.

Messages follow one form: ``"<Estimator>: invalid `name`: <what is accepted>.
Received: name=<value>."``, plus a did-you-mean suggestion for misspelt names.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable
from typing import Any

from .exceptions import InvalidParameterError


def closest(value: str, options: Iterable[str]) -> str | None:
    """Return the option closest to ``value``, or None if none is close."""
    close = difflib.get_close_matches(
        str(value).lower(), list(options), n=1, cutoff=0.6
    )
    return close[0] if close else None


def did_you_mean(value: str, options: Iterable[str], prefix: str = "") -> str:
    """Return ``" Did you mean 'x'?"`` for the closest option, or ``""``."""
    close = closest(value, options)
    return f" Did you mean '{prefix}{close}'?" if close else ""


def fail(owner: str, name: str, expected: str, value: Any, hint: str = "") -> None:
    """Raise :class:`InvalidParameterError` in the project's message form."""
    raise InvalidParameterError(
        f"{owner}: invalid `{name}`: expected {expected}. "
        f"Received: {name}={value!r}.{hint}"
    )


def check_int(owner: str, name: str, value: Any, *, low: int = 1) -> int:
    """Check that ``value`` is an integer (not a bool) no smaller than ``low``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < low
    ):
        fail(owner, name, f"an integer >= {low}", value)
    return int(value)


def check_float(
    owner: str,
    name: str,
    value: Any,
    *,
    low: float = 0.0,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = True,
) -> float:
    """Check that ``value`` is a real number in the given interval."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok:
        value_f = float(value)
        ok = value_f == value_f  # not NaN
        ok = ok and (value_f > low if low_open else value_f >= low)
        if high is not None:
            ok = ok and (value_f < high if high_open else value_f <= high)
    if not ok:
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        upper = "inf)" if high is None else f"{high:g}{hi}"
        fail(owner, name, f"a number in {lo}{low:g}, {upper}", value)
    return float(value)


def check_bool(owner: str, name: str, value: Any) -> bool:
    """Check that ``value`` is a bool (NumPy bools included)."""
    if not isinstance(value, bool) and type(value).__name__ != "bool_":
        fail(owner, name, "True or False", value)
    return bool(value)


def check_choice(owner: str, name: str, value: Any, options: Iterable) -> Any:
    """Check that ``value`` is one of ``options`` (compared with ``==``)."""
    options = tuple(options)
    for option in options:
        same_kind = (
            isinstance(value, numbers.Integral) and not isinstance(value, bool)
            if isinstance(option, int)
            else type(option) is type(value)
        )
        if same_kind and option == value:
            return option
    strings = [o for o in options if isinstance(o, str)]
    hint = did_you_mean(value, strings) if isinstance(value, str) else ""
    fail(owner, name, "one of " + ", ".join(map(repr, options)), value, hint)


def check_window(owner: str, name: str, value: Any) -> int | tuple[int, ...]:
    """Check a window size or step: a positive int, or a tuple of them."""
    if isinstance(value, (list, tuple)) and 1 <= len(value) <= 2:
        try:
            return tuple(check_int(owner, name, v) for v in value)
        except InvalidParameterError:
            pass
    elif not isinstance(value, (list, tuple)):
        try:
            return check_int(owner, name, value)
        except InvalidParameterError:
            pass
    fail(
        owner,
        name,
        "a positive int, or a tuple of one positive int per spatial dimension",
        value,
    )
