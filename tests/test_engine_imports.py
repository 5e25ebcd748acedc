"""The core's import structure: no circles, no private names across modules, no edge libraries.

The core (the market, the engine, the markets, the shared kernels and
sentinels) is read by the import statements of its source files, top-level
and inside functions alike, so a circle hidden in a function body counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import matchsim

SRC = Path(matchsim.__file__).parent
CORE = sorted(
    [SRC / "market.py", SRC / "numeric.py", SRC / "constants.py", SRC / "extensions.py"]
    + list((SRC / "engine").glob("*.py"))
    + list((SRC / "markets").glob("*.py"))
)
CORE = [p for p in CORE if p.exists()]
# the modules checked for private names taken from other modules (the shared
# kernels, the sentinels, deferred acceptance and its checks, the generators)
CHECKED = [p for p in CORE if p.name in ("numeric.py", "constants.py")
           or p.parent.name == "markets" and p.name != "specialty.py"
           or p.parent.name == "engine" and p.name in ("da.py", "stability.py", "brute.py",
                                                        "menu.py", "__init__.py")]


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path):
    """``(module imported, names imported from it)`` for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, tuple(a.name for a in node.names)


def _graph():
    own = {_module(p) for p in CORE}
    graph = {}
    for p in CORE:
        deps = set()
        for mod, names in _imports(p):
            if mod in own:
                deps.add(mod)
            deps.update(f"{mod}.{n}" for n in names if f"{mod}.{n}" in own)
        graph[_module(p)] = deps
    return graph


def test_the_core_is_found():
    names = {_module(p) for p in CORE}
    assert {"matchsim.engine.da", "matchsim.markets.params", "matchsim.numeric"} <= names


def test_no_import_circle_in_the_core():
    edges = _graph()
    state: dict[str, int] = {}

    def visit(m, path):
        state[m] = 1
        for d in sorted(edges.get(m, ())):
            if state.get(d) == 1:
                raise AssertionError("import circle: " + " -> ".join(path + [m, d]))
            if d not in state:
                visit(d, path + [m])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [])


def test_presets_and_generator_no_longer_import_each_other():
    graph = _graph()
    assert "matchsim.markets.generator" not in graph["matchsim.markets.presets"]
    assert "matchsim.markets.params" in graph["matchsim.markets.presets"]


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: _module(p))
def test_no_private_names_from_other_modules(path):
    me = _module(path)
    private = [f"{mod}.{n}" for mod, names in _imports(path) for n in names
               if n.startswith("_") and mod.startswith("matchsim") and mod != me]
    assert not private, f"{me} imports private names {private}"


@pytest.mark.parametrize("path", CORE, ids=lambda p: _module(p))
def test_the_core_never_imports_the_edge_libraries(path):
    edge = {"click", "pandas", "matplotlib", "rich", "pyarrow"}
    used = {mod.split(".")[0] for mod, _ in _imports(path)} & edge
    assert not used, f"{_module(path)} imports {sorted(used)}"
