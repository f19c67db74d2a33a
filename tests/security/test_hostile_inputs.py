"""Hostile cassette content: each file gets its own clear error, in bounded time and memory.

Every input is generated here (tests/security/hostile.py) and written under tmp_path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.formats.base import ReadLimits
from app.index import Filters, Index
from app.loader import load_bytes, load_cassette
from tests.conftest import REPO
from tests.security import hostile
from tests.security.conftest import bounded

SMALL = ReadLimits(max_bytes=256 * 1024)

# name -> (file content given a marker path, what the error must say)
CASES: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "alias-bomb.yaml": (lambda m: hostile.alias_bomb(), "aliases expand"),
    "deep-flow.yaml": (lambda m: hostile.deep_yaml_flow(100_000), "nested deeper"),
    "deep-block.yaml": (lambda m: hostile.deep_yaml_block(220), "nested deeper"),
    "deep.json": (lambda m: hostile.deep_json(100_000), "nested deeper"),
    "hidden-nesting.yaml": (lambda m: hostile.hidden_nesting(1_000), "nested deeper"),
    "huge-body.yaml": (lambda m: hostile.huge_body_cassette(300_000), "limit"),
    "huge-string.yaml": (lambda m: hostile.huge_string_line(200_000), "not a cassette"),
    "bad-utf8.yaml": (lambda m: hostile.invalid_utf8(), "invalid"),
    "noise.json": (lambda m: hostile.binary_noise(4_000, seed=7), "invalid"),
    "python-tags.yaml": (hostile.python_object_tags, "not a cassette"),
    "ruby-tags.yaml": (hostile.ruby_object_tags, "invalid YAML"),
    "truncated.yaml": (lambda m: hostile.truncated(hostile.good_cassette()), "invalid YAML"),
}


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "EXECUTED"


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_gets_one_clear_error(name: str, tmp_path: Path, marker: Path) -> None:
    make, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(make(marker))
    cassette = bounded(lambda: load_cassette(path, name, SMALL), seconds=10, max_mb=64)
    assert cassette.format == "unknown"
    assert cassette.interactions == ()
    assert len(cassette.errors) == 1
    assert expected in cassette.errors[0].message
    assert not marker.exists(), "a YAML tag was executed"


def test_object_tags_are_data_even_where_a_reader_accepts_them(marker: Path) -> None:
    """A real Ruby VCR file with `!ruby/object` tags reads as plain data, and runs nothing."""
    data = (
        "---\nhttp_interactions:\n- request: !ruby/struct:VCR::Request\n"
        "    method: :post\n    uri: https://api.openai.com/v1/chat/completions\n"
        "    body: !ruby/struct:VCR::Request::Body\n      encoding: UTF-8\n"
        f"      string: !!python/object/apply:os.system ['touch {marker}']\n"
        "    headers: {}\n"
        "  response: !ruby/struct:VCR::Response\n    status: {code: 200, message: OK}\n"
        "    headers: {}\n    body: {encoding: UTF-8, string: '{}'}\n"
        "recorded_with: VCR 6.2.0\n"
    ).encode()
    cassette = load_bytes(data, "tags.yml")
    assert cassette.format == "ruby-vcr"
    assert len(cassette.interactions) == 1
    body = cassette.interactions[0].request_body or ""
    assert "os.system" not in body or f"touch {marker}" in body  # kept as text, at most
    assert not marker.exists()


@pytest.mark.parametrize(
    "data",
    [
        hostile.hidden_nesting(1_000),
        # one run of 100,000 real `[` balanced, in a bracket count, by quoted `]`
        b"interactions: " + b"[" * 100_000 + b'"' + b"]" * 100_000 + b'"\n',
    ],
    ids=["many-groups", "one-deep-run"],
)
def test_hidden_nesting_does_not_kill_the_process(tmp_path: Path, data: bytes) -> None:
    """Regression: quoted brackets hid real nesting and libyaml overflowed the C stack (SIGSEGV);
    the depth is now counted while composing, and reading stops at the limit."""
    path = tmp_path / "hidden.yaml"
    path.write_bytes(data)
    code = (
        "import sys; from pathlib import Path; from app.loader import load_cassette;"
        "c = load_cassette(Path(sys.argv[1]), 'hidden.yaml'); print(c.errors[0].message)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "nested deeper than 200 levels" in proc.stdout


def hostile_tree(root: Path, marker: Path) -> None:
    root.mkdir()
    for name, (make, _) in CASES.items():
        (root / name).write_bytes(make(marker))
    (root / "good").mkdir()
    (root / "good" / "chat.yaml").write_bytes(hostile.good_cassette())


def test_index_isolates_every_hostile_file(tmp_path: Path, marker: Path) -> None:
    root = tmp_path / "root"
    hostile_tree(root, marker)
    idx = Index(tmp_path / "index.sqlite3", [root], SMALL, workers=1)
    try:
        result = bounded(idx.refresh, seconds=60, max_mb=256)
        errors = {e.path: e.error for e in result.errors}
        assert set(errors) == set(CASES)
        for name, (_, expected) in CASES.items():
            assert expected in errors[name]
        listed, total = idx.list_cassettes(Filters(), limit=100)
        assert total == len(CASES) + 1
        good = idx.cassette("good/chat.yaml")
        assert good is not None
        assert good.interactions[0].response is not None
        assert good.interactions[0].response.text == hostile.GOOD_REPLY
        assert {s.path for s in listed if not s.errors} == {"good/chat.yaml"}
    finally:
        idx.close()
    assert not marker.exists()


def test_cli_prints_one_line_per_unreadable_file(tmp_path: Path, marker: Path) -> None:
    root = tmp_path / "root"
    hostile_tree(root, marker)
    runner = CliRunner()
    args = ["index", str(root), "--index", str(tmp_path / "i.sqlite3"), "--max-size", "0.25"]
    result = bounded(lambda: runner.invoke(main, args), seconds=60, max_mb=256)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == len(CASES)
    assert sorted(line.split(":", 1)[0] for line in lines) == sorted(CASES)
    assert result.stdout.startswith(f"{len(CASES) + 1} cassettes, 1 interactions")
    as_json = runner.invoke(main, [*args, "--json"])
    doc = json.loads(as_json.stdout)
    assert len(doc["errors"]) == len(CASES)
    assert "Traceback" not in result.output + as_json.output


@pytest.mark.parametrize("name", ["alias-bomb.yaml", "python-tags.yaml", "bad-utf8.yaml"])
def test_show_fails_cleanly(name: str, tmp_path: Path, marker: Path) -> None:
    path = tmp_path / name
    path.write_bytes(CASES[name][0](marker))
    result = CliRunner().invoke(main, ["show", str(path)])
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"{path}")
    assert not marker.exists()
