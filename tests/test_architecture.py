"""The layering of DESIGN.md, checked on the source (no import of the code under test).

Three rules over every non-test, non-migration module of `jixiao/`, counting imports made at
module level and inside functions alike (a function-level import hides a dependency, it does not
remove it):

- imports run one way: an app may import itself and the apps before it in `STAGES`, never one
  after it; the wiring on top (`TOP`: the API, the demo and the project shell) may import anything
  and nothing imports it. An earlier stage that must hear from a later one asks a registry in
  `core` (menus, to-dos, gate checks), which the later one fills;
- the pure rule modules import no Django: only the standard library and other pure modules;
- no two files import each other, directly or round a longer loop.

The pure modules are the files mypy checks: their one list is `[tool.mypy] files` in
pyproject.toml.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "jixiao"

# The stage order of DESIGN.md: each app may import the apps before it. Future apps (surveys,
# results) already have their place; an app in neither list fails the test until it is placed.
STAGES = [
    "core",
    "orgs",
    "budgets",
    "indicators",
    "targets",
    "monitoring",
    "evaluations",
    "surveys",
    "results",
    "reports",
]
# Wiring on top, free to import every app. The project package's own modules (`jixiao/*.py`:
# settings, urls, wsgi, the CLI) count as the shell.
TOP = {"api", "demo", "shell"}
SHELL = "shell"


# Rule modules that take plain data in and give plain data out (DESIGN.md, "pure rules"). They
# type-check, so the one list of them is `[tool.mypy] files` in pyproject.toml: a new pure module
# is added there, and this test and mypy both take it up.
def _pure_modules() -> list[str]:
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    return [path.removeprefix("jixiao/") for path in pyproject["tool"]["mypy"]["files"]]


PURE_MODULES = _pure_modules()

# Back-edges known today and being removed. The list may only shrink: an entry that
# no longer occurs fails the test, so whoever fixes an edge deletes its line.
# (importing module, imported module)
KNOWN_BACK_EDGES: set[tuple[str, str]] = set()

# File cycles known today, as the sorted modules of each loop; shrinking like the list above.
KNOWN_CYCLES: set[tuple[str, ...]] = set()


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    imported: str  # dotted name as written, resolved against relative imports
    line: int


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        inside = path.relative_to(PACKAGE).parts
        if "tests" in inside or "migrations" in inside or path.name == "conftest.py":
            continue
        found[_module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _imports_of(name: str, path: Path) -> Iterator[Import]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            nodes.extend(node.orelse)  # annotations only: not a dependency at run time
            continue
        nodes.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                yield Import(name, f"{base}.{alias.name}", node.lineno)


@cache
def _all_imports() -> tuple[Import, ...]:
    return tuple(i for name, path in _modules().items() for i in _imports_of(name, path))


def _resolve(dotted: str) -> str | None:
    """The module of ours that `dotted` names (a module, or a name inside one), or None."""
    modules = _modules()
    while dotted and dotted not in modules:
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def _app_of(module: str) -> str:
    path = _modules()[module]
    inside = path.relative_to(PACKAGE).parts
    return inside[0] if len(inside) > 1 else SHELL


def _internal_edges() -> Iterator[tuple[Import, str]]:
    for imp in _all_imports():
        target = _resolve(imp.imported) if imp.imported.startswith("jixiao.") else None
        if target is not None and target != imp.importer:
            yield imp, target


def _rank(app: str) -> float:
    return float("inf") if app in TOP else STAGES.index(app)


def _back_edges() -> dict[tuple[str, str], Import]:
    found = {}
    for imp, target in _internal_edges():
        mine, theirs = _app_of(imp.importer), _app_of(target)
        if mine != theirs and _rank(theirs) > _rank(mine):
            found.setdefault((imp.importer, target), imp)
    return found


def test_every_app_has_a_place_in_the_layering():
    apps = {_app_of(module) for module in _modules()}
    unplaced = apps - set(STAGES) - TOP
    assert not unplaced, f"add these apps to STAGES (in stage order) or TOP: {sorted(unplaced)}"


def test_imports_run_from_later_stages_to_earlier_ones_only():
    found = _back_edges()
    new = [
        f"{found[edge].importer} (line {found[edge].line}) imports {edge[1]}"
        for edge in sorted(set(found) - KNOWN_BACK_EDGES)
    ]
    assert not new, "imports against the stage order (use a core registry):\n" + "\n".join(new)


def test_known_back_edges_list_only_edges_that_still_exist():
    fixed = sorted(KNOWN_BACK_EDGES - set(_back_edges()))
    assert not fixed, f"these back-edges are gone: delete them from KNOWN_BACK_EDGES: {fixed}"


@pytest.mark.parametrize("relative", PURE_MODULES)
def test_pure_module_imports_only_the_standard_library_and_pure_modules(relative):
    path = PACKAGE / relative
    assert path.is_file(), f"{relative} is listed as pure but does not exist"
    name = _module_name(path)
    pure = {_module_name(PACKAGE / p) for p in PURE_MODULES}
    impure = set()
    for imp in _imports_of(name, path):
        top = imp.imported.partition(".")[0]
        if top == "jixiao":
            if _resolve(imp.imported) not in pure:
                impure.add(imp.imported)
        elif top not in sys.stdlib_module_names and top != "__future__":
            impure.add(imp.imported)
    assert not impure, f"{relative} is pure but imports {sorted(impure)}"


def test_the_list_of_pure_modules_names_each_file_once_under_the_package():
    assert PURE_MODULES, "[tool.mypy] files in pyproject.toml lists no pure module"
    assert len(set(PURE_MODULES)) == len(PURE_MODULES), "a file is listed twice in [tool.mypy]"
    outside = [p for p in PURE_MODULES if p.startswith("/") or ".." in p or not p.endswith(".py")]
    assert not outside, f"[tool.mypy] files must be modules under jixiao/: {outside}"


def _file_cycles() -> set[tuple[str, ...]]:
    graph: dict[str, set[str]] = {module: set() for module in _modules()}
    for imp, target in _internal_edges():
        graph[imp.importer].add(target)
    return {tuple(cycle) for cycle in _cycles(graph)}


def test_no_two_files_import_each_other_even_inside_functions():
    cycles = sorted(_file_cycles() - KNOWN_CYCLES)
    assert not cycles, "import cycles between files:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_known_cycles_list_only_cycles_that_still_exist():
    fixed = sorted(KNOWN_CYCLES - _file_cycles())
    assert not fixed, f"these cycles are gone: delete them from KNOWN_CYCLES: {fixed}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found
