"""The package's shape: rooms import only downwards, no module imports itself back through
others (no import cycle, lazy imports included), no module over 450 lines."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mtreview"

# A room may import rooms of a lower rank, never a room of its own rank or higher.
RANKS = {
    "errors": 0, "paths": 0, "startup": 0, "__init__": 0,
    "arabic": 1,
    "core": 2,
    "checks": 3, "metrics": 3, "translate": 3,
    "report": 4, "export": 4, "train": 4,
    "tui": 5, "serve": 5,
    "commands": 6,
    "cli": 7, "__main__": 8,
}
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """mtreview modules imported anywhere in the module (lazy imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    found: set[str] = set()
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test)
                   for stmt in node.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in typing_only:  # annotations only: never imported at run time
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t.startswith("mtreview") and t != name:
                found.add(t)
    return found


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {name: _imports(name, path, known) for name, path in mods.items()}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_room_has_a_rank():
    rooms = {_room(m) for m in _modules()}
    assert rooms <= set(RANKS), f"rooms without a rank in RANKS: {sorted(rooms - set(RANKS))}"


def test_rooms_import_only_downwards():
    bad = []
    for mod, deps in _graph().items():
        room = _room(mod)
        for dep in deps:
            other = _room(dep)
            if other == room or other == "__init__" and dep == "mtreview":
                continue
            if RANKS[other] >= RANKS[room]:
                bad.append(f"{mod} -> {dep}")
    assert not bad, "upward or sideways imports:\n" + "\n".join(sorted(bad))


def test_no_import_cycles():
    graph = _graph()
    # a package importing its own submodules (re-exports) is not a cycle of modules
    edges = {m: {d for d in deps if not m.startswith(d + ".") and not d.startswith(m + ".")}
             for m, deps in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_the_checker_sees_a_planted_cycle(tmp_path):
    pkg = tmp_path / "mtreview"
    (pkg / "core").mkdir(parents=True)
    (pkg / "core" / "a.py").write_text("def f():\n    from mtreview.core import b\n")
    (pkg / "core" / "b.py").write_text("from mtreview.core.a import f\n")
    known = {"mtreview.core.a", "mtreview.core.b"}
    assert _imports("mtreview.core.a", pkg / "core" / "a.py", known) == {"mtreview.core.b"}
    assert _imports("mtreview.core.b", pkg / "core" / "b.py", known) == {"mtreview.core.a"}


def test_no_module_over_450_lines():
    big = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines: {big}"


def test_every_subpackage_has_a_docstring():
    missing = [str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("__init__.py")
               if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert not missing, f"subpackages without a docstring: {missing}"
