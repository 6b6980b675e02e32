"""The package's layout: no import cycles; the library never imports the app.

Every import counts, those inside functions too (they are cycles all the
same, only hidden); a submodule importing its own package's ``__init__``
does not.
"""

import ast
from pathlib import Path

import skneural

ROOT = Path(skneural.__file__).parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = ["skneural", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path, modules) -> set[str]:
    """The skneural modules that module ``name`` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            # a module's own package (its __init__) is not a dependency
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycle(graph) -> list[str] | None:
    """One import cycle of ``graph``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module, path):
        state[module] = 1
        for other in sorted(graph[module]):
            if state.get(other) == 1:
                return [*path[path.index(other) :], other]
            if other not in state:
                found = visit(other, [*path, other])
                if found:
                    return found
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module, [module])
            if found:
                return found
    return None


def test_no_import_cycles():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle)


def test_the_library_never_imports_the_application():
    upward = {
        module: sorted(m for m in imported if m.startswith("skneural.app"))
        for module, imported in _graph().items()
        if not module.startswith("skneural.app")
    }
    assert not {k: v for k, v in upward.items() if v}


def test_the_checks_see_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


#: Built-in exceptions skneural must not raise bare: it raises its own
#: subclasses of them (DataError is a ValueError, ...), so that one
#: ``except skneural.SkneuralError`` catches every error it raises on purpose.
BARE = {
    "ValueError",
    "TypeError",
    "RuntimeError",
    "FileNotFoundError",
    "KeyError",
    "IndexError",
    "OSError",
    "MemoryError",
}


def _bare_raises(source: str) -> list[int]:
    """Lines that raise one of ``BARE`` itself (``raise ValueError(...)``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id in BARE:
                lines.append(node.lineno)
    return lines


def test_every_error_raised_on_purpose_is_a_skneural_error():
    bare = {
        str(path.relative_to(ROOT)): lines
        for path in ROOT.rglob("*.py")
        if (lines := _bare_raises(path.read_text()))
    }
    assert not bare, f"raise skneural's own exceptions instead: {bare}"


def test_the_raise_check_sees_a_bare_error():
    assert _bare_raises("raise ValueError('x')\nraise DataError('y')\nraise") == [1]
