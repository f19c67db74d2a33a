"""The one-way data flow: inner stages never import the outer ones."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
FORBIDDEN = (
    "fastapi",
    "starlette",
    "jinja2",
    "sqlite3",
    "uvicorn",
    "app.index",
    "app.web",
    "app.cli",
)


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


INNER = sorted(
    [
        APP / "model.py",
        APP / "streams.py",
        APP / "usage.py",
        APP / "secrets.py",
        APP / "markdown.py",
        *(APP / "formats").glob("*.py"),
        *(APP / "apis").glob("*.py"),
    ]
)


@pytest.mark.parametrize("module", INNER, ids=lambda p: str(p.relative_to(APP)))
def test_inner_stages_do_not_import_outer_ones(module: Path) -> None:
    bad = {n for n in imports(module) if n.split(".")[0] in FORBIDDEN or n.startswith(FORBIDDEN)}
    assert not bad, f"{module.name} imports {bad}"


def test_formats_do_not_import_apis() -> None:
    for module in (APP / "formats").glob("*.py"):
        assert not {n for n in imports(module) if n.startswith("app.apis")}, module.name
