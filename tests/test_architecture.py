"""The shape of the code (docs/decisions/0005): the layers are `lint-imports` (pyproject.toml);
these two rules it cannot say are checked over the import graph and the source here.

- no circle among the modules of one app (deferred imports inside functions count too);
- no module imports a private name (one with a leading underscore) of another app.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

import zhengwu

ROOT = Path(zhengwu.__file__).parent


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("zhengwu", include_external_packages=False)


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _circles(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
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
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_circle_finder_finds_circles():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _circles(list(edges), edges) == [["a", "b", "c"]]


def test_no_circle_inside_an_app(graph):
    by_app: dict[str, list[str]] = defaultdict(list)
    for module in graph.modules:
        if _app(module):
            by_app[_app(module)].append(module)
    circles = {}
    for app, modules in by_app.items():
        members = set(modules)
        edges = {
            m: {i for i in graph.find_modules_directly_imported_by(m) if i in members}
            for m in modules
        }
        if found := _circles(sorted(modules), edges):
            circles[app] = found
    assert circles == {}


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split(".")[1:])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _private_uses(path: Path, app: str) -> list[str]:
    """``module: name`` for every private name of another app this file imports or reads."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    other_modules: dict[str, str] = {}  # local name -> module of another app

    def foreign(module: str | None) -> bool:
        return bool(module) and module.startswith("zhengwu.") and _app(module) != app

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and foreign(node.module):
            parts = node.module.split(".")
            out.extend(f"{node.module}" for part in parts if part.startswith("_"))
            for alias in node.names:
                if alias.name.startswith("_"):
                    out.append(f"{node.module}.{alias.name}")
                elif _is_module(f"{node.module}.{alias.name}"):
                    other_modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if foreign(alias.name) and alias.asname and _is_module(alias.name):
                    other_modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in other_modules
        ):
            out.append(f"{other_modules[node.value.id]}.{node.attr}")
    return out


def test_the_private_name_check_sees_both_spellings(tmp_path):
    source = tmp_path / "x.py"
    source.write_text(
        "from zhengwu.cases.inputs import _text\n"
        "from zhengwu.supervision import sweep\n"
        "from zhengwu.tickets import rules\n"
        "from zhengwu.cases.models import Case\n"
        "Case._meta\n"
        "sweep._table(1)\n"
        "rules.public()\n"
    )
    assert _private_uses(source, "tickets") == [
        "zhengwu.cases.inputs._text",
        "zhengwu.supervision.sweep._table",
    ]


def test_no_app_imports_another_apps_private_names():
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        app = relative.parts[0] if len(relative.parts) > 1 else ""
        if uses := _private_uses(path, app):
            found[str(relative)] = uses
    assert found == {}
