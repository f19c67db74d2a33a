"""Golden tests for every API decoder fixture.

How it works, for whoever adds a decoder:

1. Write a cassette by hand (any format `app.formats` reads; go-vcr v2 or vcrpy YAML are the
   easiest) under `tests/fixtures/apis/<api>/<case>.yaml`. Keep it small and make it show one
   thing (a streamed tool call, an error, ...). A generator script may sit beside it.
2. Run `python -m pytest tests/apis/test_golden.py --update-goldens -p no:cacheprovider`.
   That loads the fixture exactly as the app does (`app.loader.load_bytes`), serializes the
   Cassette with `app.model.to_json` and writes `tests/golden/<api>/<case>.json`.
3. Read the new golden by eye: it is what users will see. Commit it with the fixture.

Without `--update-goldens` each fixture is decoded again and must equal its golden exactly;
a missing golden fails with the command that writes it. Goldens that no longer have a
fixture fail too, so renames do not leave stale files behind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.loader import load_bytes
from app.model import to_json

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "fixtures" / "apis"
GOLDEN = TESTS / "golden"
# Helper scripts and notes may live beside fixtures; they are not cassettes.
NOT_CASSETTES = {".py", ".md", ".txt"}


def fixture_files() -> list[Path]:
    return sorted(
        p
        for p in FIXTURES.rglob("*")
        if p.is_file() and p.suffix not in NOT_CASSETTES and not p.name.startswith(".")
    )


def golden_path(fixture: Path) -> Path:
    return (GOLDEN / fixture.relative_to(FIXTURES)).with_suffix(".json")


def decode_fixture(fixture: Path) -> Any:
    rel = fixture.relative_to(FIXTURES).as_posix()
    return to_json(load_bytes(fixture.read_bytes(), rel))


def dump(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    "fixture", fixture_files(), ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_fixture_matches_golden(fixture: Path, update_goldens: bool) -> None:
    actual = dump(decode_fixture(fixture))
    golden = golden_path(fixture)
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.exists(), f"no golden for {fixture.name}: run pytest --update-goldens"
    assert actual == golden.read_text(encoding="utf-8")


def test_every_golden_has_its_fixture() -> None:
    expected = {golden_path(f) for f in fixture_files()}
    stale = [p for p in GOLDEN.rglob("*.json") if p not in expected]
    assert not stale, f"goldens without a fixture: {stale}"


def test_fixtures_read_cleanly() -> None:
    """A fixture the reader cannot read would make a golden of nothing."""
    for fixture in fixture_files():
        doc = decode_fixture(fixture)
        assert doc["interactions"], f"{fixture}: no interactions read"
        assert not doc["errors"], f"{fixture}: {doc['errors']}"
