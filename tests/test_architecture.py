"""The shape of the code, held by tests: which package may import which, and how big a piece may grow.

The rules are those of docs/architecture.md. Imports are read from the source (every `import` and
`from … import`, at any depth, relative ones resolved), so a lazy import inside a function counts too.
Sizes are measured on the source: a module's lines, a function's lines (its docstring included), and
its cyclomatic complexity as radon computes it (each `if`, loop, `except`, boolean operator and
comprehension condition adds one). A piece over budget must say why at its top: a paragraph starting
« Why not split: » in its own docstring, or in its module's docstring naming it (`like_this`).
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from radon.complexity import cc_visit

ROOT = Path(settings.BASE_DIR)

# The project's packages, lowest first. An app may import the packages below it that the table allows.
APPS = ("blog", "comments", "accounts", "transfer")
LIBRARIES = ("markup", "imaging", "caching")
TOOLS = ("bench", "proof", "config")
FORBIDDEN = {
    # identity sits below content: accounts knows neither posts nor comments
    "accounts": {"blog", "comments", "transfer", *TOOLS},
    # blog knows nothing of comments (the post page includes the comments' template tag)
    "blog": {"comments", "accounts", "transfer", *TOOLS},
    "comments": {"transfer", *TOOLS},
    # the importer sits on top: it writes posts, comments and accounts, and nobody imports it
    "transfer": {*TOOLS},
    # the libraries know no app
    "markup": {*APPS, *TOOLS},
    "imaging": {*APPS, *TOOLS},
    "caching": {*APPS, *TOOLS},
}

MODULE_MAX_LINES = 400
FUNCTION_MAX_LINES = 40
FUNCTION_MAX_COMPLEXITY = 12
MEASURED = (*APPS, *LIBRARIES, *TOOLS)
REASON = "Why not split:"


def python_files(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imported_packages(path: Path) -> set[str]:
    """The top-level names of everything `path` imports (relative imports resolved against its package)."""
    module_parts = path.relative_to(ROOT).with_suffix("").parts
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.add(module_parts[: len(module_parts) - node.level][0])
            elif node.module:
                names.add(node.module.split(".")[0])
    return names


def violations_of_import_rules() -> list[str]:
    found = []
    for package, forbidden in FORBIDDEN.items():
        for path in python_files(package):
            for name in sorted(imported_packages(path) & forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def oversized(path: Path) -> list[str]:
    """What in `path` is over budget without a written reason."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    where = path.relative_to(ROOT)
    found = []
    module_doc = ast.get_docstring(tree) or ""
    excused = module_doc[module_doc.find(REASON) :] if REASON in module_doc else ""
    if len(source.splitlines()) > MODULE_MAX_LINES and not excused:
        found.append(f"{where}: {len(source.splitlines())} lines")
    functions = {
        (node.lineno, node.name): node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    complexity = {}
    for block in cc_visit(source):
        for item in [block, *getattr(block, "methods", [])]:
            complexity[(item.lineno, item.name)] = item.complexity
    for key, node in sorted(functions.items()):
        if REASON in (ast.get_docstring(node) or "") or f"`{node.name}`" in excused:
            continue
        lines = node.end_lineno - node.lineno + 1
        if lines > FUNCTION_MAX_LINES:
            found.append(f"{where}:{node.lineno} {node.name}: {lines} lines")
        if complexity.get(key, 0) > FUNCTION_MAX_COMPLEXITY:
            found.append(f"{where}:{node.lineno} {node.name}: complexity {complexity[key]}")
    return found


class TestImportRules:
    def test_each_package_imports_only_what_the_rules_allow(self):
        assert violations_of_import_rules() == []

    def test_the_reader_sees_relative_and_lazy_imports(self, tmp_path, monkeypatch):
        # The rule checker must not be blind: a lazy import inside a function and a relative one both count.
        package = tmp_path / "blog"
        package.mkdir()
        (package / "views.py").write_text("def f():\n    from comments import services\nfrom . import models\n")
        monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
        assert imported_packages(package / "views.py") == {"comments", "blog"}
        assert violations_of_import_rules() == ["blog/views.py imports comments"]


class TestSizes:
    @pytest.mark.parametrize("package", MEASURED)
    def test_no_module_or_function_over_budget_without_a_reason(self, package):
        assert [problem for path in python_files(package) for problem in oversized(path)] == []

    def test_the_measure_counts_branches_and_lines(self, tmp_path, monkeypatch):
        monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
        branches = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(20))
        (tmp_path / "m.py").write_text(f"def f(x):\n{branches}    return -1\n")
        assert oversized(tmp_path / "m.py") == ["m.py:1 f: 42 lines", "m.py:1 f: complexity 21"]
        (tmp_path / "m.py").write_text(f'def f(x):\n    """{REASON} a table of cases."""\n{branches}')
        assert oversized(tmp_path / "m.py") == []
        (tmp_path / "m.py").write_text(f'"""A table.\n\n{REASON} `f` is one table."""\ndef f(x):\n{branches}')
        assert oversized(tmp_path / "m.py") == []
