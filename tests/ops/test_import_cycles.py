"""No import cycle among Querela's modules (lazy imports inside functions count too): a cycle is a
module that can't be understood or tested without the one it is in a loop with. The layers between
apps are `.importlinter`'s contracts, checked by `make lint`."""

from __future__ import annotations

import sys

import grimp
import pytest

pytestmark = pytest.mark.pure


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph.find_modules_directly_imported_by(module):
            if not other.startswith("querela"):
                continue
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(graph.modules):
            if module.startswith("querela") and module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("querela", cache_dir=None, exclude_type_checking_imports=True)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("querela.a", "querela.b", "querela.c"):
        graph.add_module(name)
    graph.add_import(importer="querela.a", imported="querela.b")
    graph.add_import(importer="querela.b", imported="querela.a")
    graph.add_import(importer="querela.b", imported="querela.c")
    assert _cycles(graph) == [["querela.a", "querela.b"]]
