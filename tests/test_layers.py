"""The layers of docs/ARCHITECTURE.md, read from the code: every `thidua` import (module level or inside a function)
goes to the same package or a lower layer, and no two packages import each other, directly or in a ring.

    lib → core → orgs → jobs, notifications → awards → emulation, eligibility, reports → nominations → api, demo,
    office → thidua (project)

Packages of one layer may import each other only without a ring. Function-level imports are counted: each one
hides a dependency from the top of the file, so only the few with a reason remain (the registrations in
AppConfig.ready(), scoping called from model querysets, a command's heavy imports)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
LAYERS = [
    {"lib"},
    {"core"},
    {"orgs"},
    {"jobs", "notifications"},
    {"awards"},
    {"emulation", "eligibility", "reports"},
    {"nominations"},
    {"api", "demo", "office"},
    {"<project>"},  # thidua.settings, thidua.urls, thidua.cli, thidua.wsgi
]
LAYER = {package: n for n, packages in enumerate(LAYERS) for package in packages}
FUNCTION_LEVEL_MAX = 25


def package_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYER:
        return "<project>"
    return parts[1]


def module_name(path: Path, root: Path | None = None) -> str:
    parts = list(path.relative_to(root or SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def thidua_imports(path: Path, root: Path | None = None) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) of every thidua import of a file, relative ones resolved."""
    module = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names if a.name.startswith("thidua"))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".")
                    if path.name != "__init__.py":
                        base = base[:-1]
                    base = base[: len(base) - child.level + 1]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target.startswith("thidua"):
                    # "from thidua.x import y": y may be a module of x (its package decides the layer all the same).
                    found.append((target, child.lineno, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


@functools.cache
def all_imports() -> tuple:
    """Every thidua import of src/thidua, read once per process: the four checks below read the same ~300 files
    (about a second of parsing each time)."""
    out = []
    for path in sorted((SRC / "thidua").rglob("*.py")):
        module = module_name(path)
        for target, line, in_function in thidua_imports(path):
            if target == "thidua":
                continue
            out.append((module, target, line, in_function, path))
    return tuple(out)


def test_no_import_goes_up_a_layer():
    upward = []
    for module, target, line, _, path in all_imports():
        source, dest = package_of(module), package_of(target)
        if LAYER[dest] > LAYER[source]:
            upward.append(f"{path.relative_to(SRC)}:{line} {module} → {target} ({source} is below {dest})")
    assert not upward, "imports that go up a layer:\n" + "\n".join(upward)


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One ring of the directed graph, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                ring = walk(nxt)
                if ring:
                    return ring
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            ring = walk(node)
            if ring:
                return ring
    return None


def test_packages_import_each_other_without_a_ring():
    edges: dict[str, set[str]] = {}
    for module, target, *_ in all_imports():
        source, dest = package_of(module), package_of(target)
        if source != dest:
            edges.setdefault(source, set()).add(dest)
    assert _cycle(edges) is None, f"packages in a ring: {' → '.join(_cycle(edges))}"


def test_modules_import_each_other_without_a_ring_at_module_level():
    """Module-level imports only: a ring there fails at start-up in one order and not the other."""
    modules = {module_name(p) for p in (SRC / "thidua").rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for module, target, _, in_function, _ in all_imports():
        if in_function:
            continue
        target = target if target in modules else target.rsplit(".", 1)[0]
        if target in modules and target != module:
            edges.setdefault(module, set()).add(target)
    # "from thidua.x import y" where y is a module: follow y too.
    assert _cycle(edges) is None, f"modules in a ring: {' → '.join(_cycle(edges))}"


def test_few_function_level_imports():
    inner = [f"{path.relative_to(SRC)}:{line} → {target}" for _, target, line, in_function, path in all_imports()
             if in_function and "/migrations/" not in str(path)]
    assert len(inner) <= FUNCTION_LEVEL_MAX, f"{len(inner)} imports inside functions:\n" + "\n".join(inner)


def test_core_and_lib_define_no_domain_model():
    """The ground floor holds infrastructure (audit trail, logins, tokens, throttles); lib holds no model at all."""
    assert not (SRC / "thidua" / "lib" / "models.py").exists()
    core_models = ast.parse((SRC / "thidua" / "core" / "models.py").read_text(encoding="utf-8"))
    classes = {node.name for node in core_models.body if isinstance(node, ast.ClassDef)}
    assert classes <= {"AppendOnlyError", "AuditAction", "AuditEventQuerySet", "AuditEvent", "LoginAttempt",
                       "ThrottleWindow", "ApiTokenQuerySet", "ApiToken"}, classes


@pytest.mark.parametrize("source, code, inner", [
    ("core/x.py", "from thidua.emulation.models import ClusterYear\n", False),
    ("orgs/x.py", "def f():\n    from thidua.awards import models\n", True),
    ("awards/x.py", "from ..nominations import services\n", False),
])
def test_the_checker_sees_an_upward_import(tmp_path, source, code, inner):
    """The checker itself: upward imports, at module level, inside a function or relative, are all seen."""
    path = tmp_path / "thidua" / source
    path.parent.mkdir(parents=True)
    path.write_text(code)
    [(target, _, in_function)] = thidua_imports(path, tmp_path)
    assert in_function is inner
    assert LAYER[package_of(target)] > LAYER[package_of(module_name(path, tmp_path))]


def test_the_checker_finds_a_ring():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
