"""The package order we declare is the order the code follows (issue 12).

Layers, top to bottom: cli.py / streamlit_app.py -> ui -> workflows (use cases) -> exports -> deid
-> nlp -> coding -> interviews -> corpus -> projectfile. These tests read the real import graph
(grimp sees imports inside functions too) and the source files, so a lazy upward import, a cycle,
a try-import "bridge" or a reach into another package's private names fails here.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [
    "projectfile",
    "corpus",
    "interviews",
    "coding",
    "nlp",
    "deid",
    "exports",
    "workflows",
    "ui",
]
TOP_MODULES = ["cli.py", "streamlit_app.py"]


def _declared_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return list(reversed(contract["layers"]))  # bottom first


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    sys.path.insert(0, str(ROOT))
    try:
        return grimp.build_graph(*PACKAGES, include_external_packages=False, cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))


def _source_files(include_top: bool = True) -> list[Path]:
    files = [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    return files + ([ROOT / m for m in TOP_MODULES] if include_top else [])


def _package_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def test_layers_declared_order_is_the_documented_one():
    assert _declared_layers() == [
        "projectfile",
        "corpus",
        "interviews",
        "coding",
        "nlp",
        "deid",
        "exports",
        "workflows",
        "ui",
    ]


def test_layers_contract_holds(graph):
    """No module imports a module of a higher layer, not even inside a function."""
    layers = _declared_layers()
    rank = {pkg: i for i, pkg in enumerate(layers)}
    upward = []
    for module in sorted(graph.modules):
        low = module.split(".")[0]
        for imported in graph.find_modules_directly_imported_by(module):
            high = imported.split(".")[0]
            if rank[high] > rank[low]:
                details = graph.get_import_details(importer=module, imported=imported)
                lines = ", ".join(str(d["line_number"]) for d in details)
                upward.append(f"{module} -> {imported} (line {lines})")
    assert upward == []


def test_layers_import_linter_contract_passes():
    """The same contract through import-linter, as `make test` runs it."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_layers_no_package_imports_the_entry_points():
    for path in _source_files(include_top=False):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in ("cli", "streamlit_app"), f"{path}: imports {name}"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), ignoring a package's own __init__ imports."""
    edges = {
        m: {
            i
            for i in graph.find_modules_directly_imported_by(m)
            # a package's __init__ importing its own submodules is how front doors work
            if not i.startswith(m + ".")
        }
        for m in graph.modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return groups


def test_layers_no_import_cycles(graph):
    """No two modules import each other, directly or round a loop (inside a package too)."""
    assert _cycles(graph) == []


def test_layers_schema_order_follows_the_layers():
    """Migrations run in the layer order, and a schema module depends on nothing above the ground
    floor."""
    from projectfile import SCHEMA_PACKAGES

    layers = _declared_layers()
    with_schema = [pkg for pkg in layers if (ROOT / pkg / "schema.py").exists()]
    assert list(SCHEMA_PACKAGES) == with_schema
    for pkg in with_schema:
        tree = ast.parse((ROOT / pkg / "schema.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                top = node.module.split(".")[0]
                assert top not in PACKAGES or top == "projectfile", f"{pkg}/schema.py imports {top}"


def test_layers_each_schema_registers_itself_when_its_package_is_imported():
    """``<pkg>/schema.py`` calls ``register_schema("<pkg>", MIGRATIONS)`` at import, and the
    package's ``__init__`` imports it, so importing any module of the package registers its
    tables; the ground floor never loads a package by name."""
    with_schema = [pkg for pkg in PACKAGES if (ROOT / pkg / "schema.py").exists()]
    for pkg in with_schema:
        tree = ast.parse((ROOT / pkg / "schema.py").read_text())
        calls = []
        for node in tree.body:  # at module level: runs when the module is imported
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                call = node.value
                if getattr(call.func, "id", None) == "register_schema":
                    calls.append([getattr(a, "value", getattr(a, "id", None)) for a in call.args])
        assert calls == [[pkg, "MIGRATIONS"]], f"{pkg}/schema.py"
        init = ast.parse((ROOT / pkg / "__init__.py").read_text())
        assert any(
            isinstance(n, ast.ImportFrom)
            and n.level == 1
            and not n.module
            and any(a.name == "schema" for a in n.names)
            for n in init.body
        ), f"{pkg}/__init__.py does not import its schema"
    migrations = (ROOT / "projectfile" / "migrations.py").read_text()
    assert "import_module" not in migrations and "__import__" not in migrations


def test_layers_nothing_handles_a_missing_module():
    """No ``except ModuleNotFoundError`` anywhere in our code: every package is always present,
    and an optional outside library is asked for with ``importlib.util.find_spec``."""
    files = _source_files() + sorted((ROOT / "bench").rglob("*.py"))
    files += sorted((ROOT / "demo").rglob("*.py"))
    found = []
    for path in files:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
                if any(getattr(n, "id", None) == "ModuleNotFoundError" for n in names):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def _front_door(package: str) -> set[str]:
    sys.path.insert(0, str(ROOT))
    try:
        module = __import__(package)
    finally:
        sys.path.remove(str(ROOT))
    return set(getattr(module, "__all__", []))


def test_layers_other_packages_enter_through_the_front_door():
    """Across packages, code imports `from pkg import name` with name in pkg.__all__, never a
    _private name.

    The one exception: cli.py wires each package's `commands` module into the parser.
    """
    doors = {pkg: _front_door(pkg) for pkg in PACKAGES if pkg != "ui"}
    problems = []
    for path in _source_files():
        own = _package_of(path)
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                parts = node.module.split(".")
                other = parts[0]
                if other not in doors or other == own or (own == "streamlit_app" and other == "ui"):
                    continue
                if own == "cli" and parts[1:] == ["commands"]:
                    continue
                if len(parts) > 1:
                    problems.append(f"{path.name}:{node.lineno}: from {node.module} import ...")
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") or alias.name not in doors[other]:
                        problems.append(
                            f"{path.name}:{node.lineno}: {other}.{alias.name} not public"
                        )
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] in doors and parts[0] != own and len(parts) > 1:
                        problems.append(f"{path.name}:{node.lineno}: import {alias.name}")
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id in doors and node.value.id != own and node.attr.startswith("_"):
                    problems.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    assert problems == []


def test_layers_front_doors_name_real_things():
    for pkg in PACKAGES:
        if pkg == "ui":
            continue
        sys.path.insert(0, str(ROOT))
        try:
            module = __import__(pkg)
        finally:
            sys.path.remove(str(ROOT))
        missing = [name for name in getattr(module, "__all__", []) if not hasattr(module, name)]
        assert missing == [], pkg


_OUR_IMPORT = re.compile(r"^\s*(?:from|import)\s+(" + "|".join(PACKAGES) + r")\b")


def test_layers_every_package_is_always_present():
    """No try-import bridges: no code guards against one of our packages being absent."""
    problems = []
    for path in _source_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Try):
                continue
            catches_import = any(
                isinstance(h.type, ast.Name)
                and h.type.id in ("ImportError", "ModuleNotFoundError")
                or isinstance(h.type, ast.Tuple)
                and any(
                    isinstance(e, ast.Name) and e.id in ("ImportError", "ModuleNotFoundError")
                    for e in h.type.elts
                )
                for h in node.handlers
            )
            body = ast.get_source_segment(path.read_text(), node) or ""
            if catches_import and any(_OUR_IMPORT.match(line) for line in body.splitlines()):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert problems == []


def test_layers_tests_use_real_packages_not_fakes():
    """Tests build projects from real imported files, never fake our modules in sys.modules."""
    fakes = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text()
        for pkg in PACKAGES:
            if re.search(r"sys\.modules\s*,\s*['\"]" + pkg + r"\b", text) or re.search(
                r"sys\.modules\[['\"]" + pkg + r"\b", text
            ):
                fakes.append(f"{path.relative_to(ROOT)}: fakes {pkg}")
    assert fakes == []


def test_layers_architecture_names_only_real_modules():
    """Every module path ARCHITECTURE.md names exists."""
    text = (ROOT / "ARCHITECTURE.md").read_text()
    named = set(re.findall(r"`([a-z_]+(?:/[a-z_0-9]+)*\.py)`", text))
    assert named, "ARCHITECTURE.md names no module"
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert missing == []


_MUTATION = re.compile(
    r"\.choices\[|\.choices\.get\(|get_default\(\s*[\"']func[\"']\s*\)|_qda_groups"
)


def test_layers_no_command_changes_another_packages_parser():
    """No commands module reaches into the parser: no ``sub.choices[...]`` lookup of another
    package's command and no ``get_default("func")`` wrapping of its handler. Work that spans
    packages is one use case in ``workflows``, which both the CLI and the UI call; a group shared
    by two packages is joined through ``projectfile.command_group``."""
    problems = []
    for path in sorted([*ROOT.glob("*/*commands.py"), *ROOT.glob("*/*/*commands.py")]):
        for no, line in enumerate(path.read_text().splitlines(), 1):
            if _MUTATION.search(line):
                problems.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()}")
    assert problems == []


_CREATE_TABLE = re.compile(
    r"CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[\"`\[]?(\w+)", re.IGNORECASE
)
_ENABLE_FTS = re.compile(r"db\[\s*[\"'](\w+)[\"']\s*\]\.enable_fts\(")
# SQL keywords are written in capitals here, so prose ("read from documents") is not SQL.
_NAMES_TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+[\"`\[]?([A-Za-z_]\w*)")

# Reaches into another package's tables that are known and not yet moved behind the owner's
# front door, each with the reason it is still here. The test fails on any other reach, and on an
# entry here that no longer reaches (so the list only shrinks).
KNOWN_REACHES: set[tuple[str, str]] = set()  # none left; add ("pkg/module.py", "table") + why


def _table_owners() -> dict[str, str]:
    """Return {table: package} from each package's schema module (its CREATE TABLE statements
    and full-text indexes), plus the ground floor's ``_migrations``."""
    owners = {"_migrations": "projectfile"}
    for pkg in PACKAGES:
        schema = ROOT / pkg / "schema.py"
        if schema.exists():
            text = schema.read_text()
            for table in _CREATE_TABLE.findall(text) + [
                f"{t}_fts" for t in _ENABLE_FTS.findall(text)
            ]:
                assert owners.setdefault(table, pkg) == pkg, f"{table} created by two packages"
    return owners


def _sql_strings(tree: ast.AST):
    """Yield (line, text) of every str constant and f-string (its constant parts, a placeholder
    for each value) in a module."""
    inside_fstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inside_fstrings.update(id(v) for v in node.values)
            text = "".join(v.value if isinstance(v, ast.Constant) else " ? " for v in node.values)
            yield node.lineno, text
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in inside_fstrings:
                yield node.lineno, node.value


def test_layers_table_owners_match_architecture():
    """The owners the schema modules declare are the ones ARCHITECTURE.md's package table names."""
    owners = _table_owners()
    text = (ROOT / "ARCHITECTURE.md").read_text()
    documented = {}
    for row in re.findall(r"^\| `(\w+)/` \| (.*?) \|", text, flags=re.MULTILINE):
        pkg, cell = row
        for table in re.findall(r"`(\w+)`", cell):
            documented[table] = pkg
    missing = sorted(f"{t} ({p})" for t, p in owners.items() if documented.get(t) != p)
    assert missing == [], "tables ARCHITECTURE.md does not list under their owner"


def test_layers_each_package_names_only_its_own_tables():
    """SQL in a package names only that package's tables (FROM/JOIN/INTO/UPDATE/TABLE); another
    package's tables are read and written through its front door (e.g. ``corpus.document_titles``,
    or ``corpus.current_documents_sql()``, SQL that corpus owns and hands out)."""
    owners = _table_owners()
    reaches = set()
    problems = []
    for path in _source_files():
        own = _package_of(path)
        rel = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(), filename=rel)
        for line, text in _sql_strings(tree):
            for table in _NAMES_TABLE.findall(text):
                owner = owners.get(table)
                if owner is None or owner == own:
                    continue
                reaches.add((rel, table))
                if (rel, table) not in KNOWN_REACHES:
                    problems.append(f"{rel}:{line}: {table} (owned by {owner})")
    assert sorted(set(problems)) == []
    assert sorted(KNOWN_REACHES - reaches) == [], "no longer reaches: remove from KNOWN_REACHES"


def test_entry_points_register_every_package_before_opening_a_project():
    """Tables come from the schema registry: an entry point that opened a project before
    importing nlp or exports made a file without their tables (the demo build failed with 'no
    such table', the app's new projects lacked nlp's). Each entry point imports workflows (every
    package) or cli (whose commands import them all)."""
    entry_points = [ROOT / "streamlit_app.py", ROOT / "demo" / "build.py"]
    entry_points += sorted((ROOT / "bench").glob("bench_*.py"))
    missing = [
        str(p.relative_to(ROOT))
        for p in entry_points
        if "open_project" in p.read_text() or p.name in ("streamlit_app.py", "bench_ui.py")
        if not re.search(r"^\s*import workflows\b", p.read_text(), re.M)
    ]
    assert not missing, f"entry points opening projects without importing workflows: {missing}"
