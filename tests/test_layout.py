"""The rules of the house that a newcomer's change could break without any behaviour test noticing:
the core stays pure, click stays in cli/, one atomic-write helper, no POSIX-only call.

Read from the source (ast), so a rule is checked for every module, not only the ones a test runs.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "danvan_sheets"

# What the pure core may import besides itself: text, dates, numbers, and the two libraries that
# compare model names (rapidfuzz returns numpy arrays). Nothing that reads or writes a file or the network.
CORE_ALLOWED = {"__future__", "codecs", "collections", "dataclasses", "datetime", "functools", "itertools", "math",
                "operator", "re", "typing", "unicodedata", "numpy", "rapidfuzz"}


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(p.relative_to(PACKAGE), ast.parse(p.read_text(encoding="utf-8"), str(p)))
            for p in sorted(PACKAGE.rglob("*.py"))]


def _imports(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _attribute_uses(tree: ast.Module, owner: str, names: set[str]) -> list[int]:
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr in names
            and isinstance(node.value, ast.Name) and node.value.id == owner]


def test_the_package_sits_at_the_top_level_next_to_scripts_config_and_tests():
    assert all((REPO / d).is_dir() for d in ("danvan_sheets", "scripts", "config", "tests"))
    found = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    assert found["find"]["where"] == ["."]


def test_the_library_never_imports_click():
    offenders = [f"{path}:{line}" for path, tree in _modules() if path.parts[0] != "cli"
                 for line, name in _imports(tree) if name.split(".")[0] == "click"]
    assert offenders == []


def test_the_core_is_pure():
    offenders = []
    for path, tree in _modules():
        if path.parts[0] != "core":
            continue
        for line, name in _imports(tree):
            inside = name == "danvan_sheets.core" or name.startswith("danvan_sheets.core.")
            if not inside and name.split(".")[0] not in CORE_ALLOWED:
                offenders.append(f"{path}:{line} imports {name}")
        offenders += [f"{path}:{node.lineno} calls open()" for node in ast.walk(tree)
                      if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open"]
    assert offenders == []


def test_one_helper_replaces_files():
    """atomic.py is the one place a file is replaced (temporary file beside it, then os.replace)."""
    offenders = []
    for path, tree in _modules():
        if path == Path("atomic.py"):
            continue
        offenders += [f"{path}:{n}" for n in _attribute_uses(tree, "os", {"replace", "rename"})]
        offenders += [f"{path}:{n}" for n in _attribute_uses(tree, "tempfile", {"mkstemp", "NamedTemporaryFile"})]
    assert offenders == []


def test_no_posix_only_call_on_any_path():
    """What Windows lacks (fcntl; os.fchmod before Python 3.13; fork, uid): the lock goes through filelock."""
    posix_only = {"fchmod", "fchown", "chown", "fork", "getuid", "geteuid", "getpwnam", "setsid", "killpg"}
    offenders = []
    for path, tree in _modules():
        offenders += [f"{path}:{line} imports {name}" for line, name in _imports(tree)
                      if name.split(".")[0] in ("fcntl", "pwd", "grp", "termios", "resource")]
        offenders += [f"{path}:{n}" for n in _attribute_uses(tree, "os", posix_only)]
    assert offenders == []


def test_the_newcomers_guide_names_only_files_and_code_that_exist():
    """README "Sửa ở đâu": every file, folder, function, class and test it sends a newcomer to is there."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Sửa ở đâu")
    guide = readme[start:readme.index("\n## ", start + 1)]
    example = "\n".join(re.findall(r"```python\n(.*?)```", guide, flags=re.S))
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", guide, flags=re.S))
    source = "\n".join(p.read_text(encoding="utf-8") for d in (PACKAGE, REPO / "tests") for p in d.rglob("*.py"))
    missing = []
    for span in spans:
        is_path = re.fullmatch(r"[\w./]+/|[\w./]+\.py", span) and not re.search(r"TÊN|TỆP", span)
        if is_path and not any((base / span).exists() for base in (REPO, PACKAGE)):
            missing.append(span)
        code = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(?:\(.*\))?", span)
        if code and not re.search(rf"\b{code[1]}\b", source + example):
            missing.append(span)
    assert spans and missing == []
