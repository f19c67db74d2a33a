"""Recorded text never drives the terminal: every command's output shows escapes, not acts on them.

The generated cassette (tests/security/hostile.py) carries OSC 52 clipboard writes, screen
clears, titles, hyperlinks, C1 controls, carriage returns and bidi overrides in its text, model,
tool and URL, and in its file name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.cli.common import terminal_safe
from tests.conftest import REPO
from tests.review.helpers import commit_all, init_repo
from tests.security import hostile

ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NAME = "e\x1b]0;title\x07vil\r.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    cassettes = repo / "cassettes"
    cassettes.mkdir()
    (cassettes / NAME).write_bytes(hostile.terminal_attack_cassette("v1"))
    (cassettes / "broken\x1b[2J.yaml").write_bytes(b"interactions: [\x1b]0;t\x07\n")
    commit_all(repo, "first")
    (cassettes / NAME).write_bytes(hostile.terminal_attack_cassette("v2"))
    return repo


def outputs(repo: Path) -> dict[str, tuple[int, str]]:
    cassettes = repo / "cassettes"
    target = str(cassettes / NAME)
    runs = {
        "show": ["show", target],
        "show-i": ["show", target, "-i", "0"],
        "show-json": ["show", target, "--json"],
        "diff": ["diff", f"HEAD:cassettes/{NAME}", target],
        "diff-md": ["diff", f"HEAD:cassettes/{NAME}", target, "--format", "markdown"],
        "diff-json": ["diff", f"HEAD:cassettes/{NAME}", target, "--format", "json"],
        "review": ["review", "HEAD"],
        "review-md": ["review", "HEAD", "--format", "markdown"],
        "lint": ["lint", str(cassettes)],
        "lint-json": ["lint", str(cassettes), "--format", "json"],
        "index": ["index", str(cassettes), "--index", str(repo.parent / "i.sqlite3")],
        "index-json": [
            "index",
            str(cassettes),
            "--index",
            str(repo.parent / "i.sqlite3"),
            "--json",
        ],
    }
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        got = {}
        for name, args in runs.items():
            result = CliRunner().invoke(main, args)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                name,
                result.output,
            )
            got[name] = (result.exit_code, result.stdout + result.stderr)
        return got
    finally:
        os.chdir(cwd)


def test_no_command_prints_a_control_character(repo: Path) -> None:
    for name, (_code, text) in outputs(repo).items():
        found = sorted({f"U+{ord(c):04X}" for c in ACTIVE.findall(text)})
        assert not found, f"{name} printed {found}"
    shown = outputs(repo)["show"][1]
    assert "\\x1b]52;c;" in shown  # shown, visibly, not dropped
    assert "\\x0dcassettes/ok.yaml" in shown


def test_terminal_safe_keeps_text_and_layout() -> None:
    assert terminal_safe("naïve 日本 ✓\n\tindented") == "naïve 日本 ✓\n\tindented"
    assert terminal_safe("\x1b[31mred") == "\\x1b[31mred"
    assert terminal_safe("\u202eabc") == "\\u202eabc"
    assert terminal_safe("caf\udce9") == "caf\ufffd"


def test_every_cli_writer_goes_through_one_function() -> None:
    """Printing with click directly (not `say`/`echo_json`/`error_line`) would skip the filter."""
    offenders = []
    for path in sorted((REPO / "app" / "cli").glob("*.py")):
        if path.name == "common.py":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\b(click\.(echo|secho)|print)\(|sys\.std(out|err)\.write", line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert not offenders, offenders
