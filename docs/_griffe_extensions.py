"""Griffe extension of the API reference (see mkdocs.yml).

skneural's docstrings are read from the live objects (``force_inspection``),
because the estimators' docstrings are completed at import time. A few things
then need tidying before the numpydoc parser sees them:

- An inspected constant or dataclass field has no docstring of its own, and
  Python hands out the docstring of its type instead (``int([x]) ->
  integer ...``). Such borrowed docstrings are dropped, and so is
  ``__weakref__``.
- Sphinx roles (``:func:`tune```, ``:class:`~pkg.Name```) are shown as the
  code they name, and reStructuredText's ``::`` before a literal block
  becomes a plain colon (the indented block is code in Markdown too).
- Griffe reads a type in braces (``padding : {"same", "valid"}``) as a list
  of choices whose first is the default, which is wrong for
  ``{"avg", "max"} or None, default=None`` and for required parameters. The
  braces are kept as the type's text instead, and the default comes from the
  ``default=`` part or the signature.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|attr|data|mod|exc|obj):`~?([^`]+)`")
_LITERAL = re.compile(r"(?<=\S)::$", re.MULTILINE)
_CHOICES = re.compile(r"^(\s*\*{0,2}\w+(?:, \*{0,2}\w+)* :) \{", re.MULTILINE)
_HIDDEN = ("__weakref__", "__dict__")


class TidyDocstrings(griffe.Extension):
    """Make inspected docstrings read as they were written."""

    def on_attribute_instance(self, *, node: Any, attr: Any, **kwargs: Any) -> None:
        value = getattr(node, "obj", None)
        if attr.docstring is None or value is None:
            return
        borrowed = getattr(type(value), "__doc__", None)
        if isinstance(borrowed, str) and (
            attr.docstring.value.strip() == inspect.cleandoc(borrowed).strip()
        ):
            attr.docstring = None

    def on_class_members(self, *, cls: Any, **kwargs: Any) -> None:
        for name in _HIDDEN:
            if name in cls.members:
                del cls.members[name]

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        docstring = getattr(obj, "docstring", None)
        if docstring is None:
            return
        text = _ROLE.sub(r"`\1`", docstring.value)
        text = _LITERAL.sub(":", text)
        docstring.value = _CHOICES.sub(r"\1  {", text)
