"""The component's rooms: imports flow one way (no cycles, type-checking ones included)."""

from __future__ import annotations

import ast
from pathlib import Path

COMPONENT = Path(__file__).resolve().parents[2] / "custom_components" / "recovery_readiness"
PACKAGE = "recovery_readiness"
PLATFORMS = ("sensor.py", "binary_sensor.py", "button.py")
MAX_GLUE_LINES = 700


def _module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(COMPONENT).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The component modules one ``from ... import ...`` refers to."""
    if node.level == 0:
        return []
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    target = ".".join([*base, *([node.module] if node.module else [])])
    return [target] + [f"{target}.{alias.name}" for alias in node.names]


def import_graph(component: Path = COMPONENT) -> dict[str, set[str]]:
    """Module → the component modules it imports (anywhere in the file)."""
    paths = sorted(component.rglob("*.py"))
    modules = {_module_name(p): p for p in paths}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                edges.update(t for t in _resolve(name, is_package, node) if t in modules)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, or None (a package importing its own submodules is not a cycle)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt.startswith(f"{node}."):
                continue  # a package re-exporting its own submodules
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def test_the_component_has_no_import_cycles():
    assert find_cycle(import_graph()) is None


def test_a_cycle_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]


def test_physiology_and_strap_import_nothing_of_the_glue():
    graph = import_graph()
    for module, edges in graph.items():
        for room in ("physiology", "strap"):
            inside = f"{PACKAGE}.{room}"
            if module == inside or module.startswith(f"{inside}."):
                assert all(e == inside or e.startswith(f"{inside}.") for e in edges), module


def test_platform_modules_never_ask_which_kind_an_entry_is():
    for name in PLATFORMS:
        source = (COMPONENT / name).read_text(encoding="utf-8")
        assert "entry_kind" not in source
        assert "KIND_" not in source


def test_no_glue_module_is_over_700_lines():
    for path in COMPONENT.rglob("*.py"):
        if {"physiology", "strap"} & set(path.relative_to(COMPONENT).parts[:1]):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_GLUE_LINES, f"{path.name}: {lines} lines"
