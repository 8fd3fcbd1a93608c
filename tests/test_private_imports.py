"""No module imports another module's private (underscored) names.

A helper one module needs from another is a public name of the module that holds it (that
module may itself be private, such as ``jobhandicap.survey._common``); importing a private
*module* (``from jobhandicap import _texts``) is fine. docs/architecture.md states the rule.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "jobhandicap"


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _private_imports(source: str) -> list[tuple[int, str]]:
    """``(line, module.name)`` of every private name of the package that ``source`` imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(
            "jobhandicap"
        ):
            continue
        for alias in node.names:
            name = f"{node.module}.{alias.name}"
            private = alias.name.startswith("_") and not alias.name.startswith("__")
            if private and not _is_module(name):
                found.append((node.lineno, name))
    return found


def test_no_private_name_is_imported_across_modules() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line} imports {name}"
        for path in sorted(SRC.rglob("*.py"))
        for line, name in _private_imports(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_check_sees_a_private_name_and_lets_private_modules_pass() -> None:
    source = "from jobhandicap.stats.design import _hidden\nfrom jobhandicap import _texts\n"
    assert _private_imports(source) == [(1, "jobhandicap.stats.design._hidden")]
