"""Golden files for every format fixture: the Cassette a user gets, as `show --json` prints it.

The reader tests check chosen values; these pin down everything else (headers, bodies as
text, warnings, what the decoders make of each exchange). Rewrite them on purpose with
`python3 -m pytest tests/formats/test_golden_formats.py --update-goldens` and read the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.loader import load_bytes
from app.model import to_json
from tests.apis.test_golden import dump
from tests.formats.conftest import FIXTURES

GOLDEN = Path(__file__).resolve().parent / "golden"
FILES = sorted(p for p in FIXTURES.iterdir() if p.is_file())


def _golden(fixture: Path) -> Path:
    return GOLDEN / f"{fixture.name}.json"


@pytest.mark.parametrize("fixture", FILES, ids=[p.name for p in FILES])
def test_fixture_matches_golden(fixture: Path, update_goldens: bool) -> None:
    actual = dump(to_json(load_bytes(fixture.read_bytes(), fixture.name)))
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
