"""Golden files for every format fixture: the raw cassette its reader hands to the decoders.

The reader tests check chosen values; these pin down everything else a reader produces
(headers in order, bodies after Content-Encoding is undone, partial flags, warnings and
errors). What the decoders then make of it is in the API goldens. Rewrite them on purpose
with `python3 -m pytest tests/formats/test_golden_formats.py --update-goldens`; read the diff.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from app.apis import body_text
from app.formats import read_cassette
from tests.apis.test_golden import dump
from tests.formats.conftest import FIXTURES

GOLDEN = Path(__file__).resolve().parent / "golden"
FILES = sorted(p for p in FIXTURES.iterdir() if p.is_file())


def _plain(value: Any) -> Any:
    """Bodies as the raw view shows them (UTF-8 text, or `base64:`), tuples as lists."""
    if isinstance(value, bytes):
        return body_text(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _golden(fixture: Path) -> Path:
    return GOLDEN / f"{fixture.name}.json"


@pytest.mark.parametrize("fixture", FILES, ids=[p.name for p in FILES])
def test_fixture_matches_golden(fixture: Path, update_goldens: bool) -> None:
    raw = read_cassette(fixture.read_bytes(), fixture.name)
    actual = dump(_plain(dataclasses.asdict(raw)))
    golden = _golden(fixture)
    if update_goldens:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.exists(), f"no golden for {fixture.name}: run pytest --update-goldens"
    assert actual == golden.read_text(encoding="utf-8")


def test_every_golden_has_its_fixture() -> None:
    expected = {_golden(f) for f in FILES}
    assert [p for p in GOLDEN.glob("*.json") if p not in expected] == []
