"""Each reader has a fixture, and each fixture belongs to exactly one reader.

Fixture files are named after the reader that must claim them: `<reader>[.variant].<ext>`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.formats import BYTE_READERS, DOC_READERS, READERS
from app.formats.base import ReadError, ReadLimits
from app.formats.document import parse_document
from app.formats.fields import GZIP_MAGIC, gunzip
from app.index.scan import CASSETTE_SUFFIXES, is_candidate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
FILES = sorted(p for p in FIXTURES.iterdir() if p.is_file())


def _claims(path: Path) -> list[str]:
    data = path.read_bytes()
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data, ReadLimits())
    claims = [r.name for r in BYTE_READERS if r.detect(data)]
    try:
        doc = parse_document(data, ReadLimits())
    except ReadError:
        return claims
    return claims + [r.name for r in DOC_READERS if r.detect(doc)]


def _owner(path: Path) -> str:
    return path.name.split(".", 1)[0]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_fixture_is_claimed_by_exactly_its_reader(path: Path) -> None:
    assert _claims(path) == [_owner(path)]


def test_every_reader_has_a_fixture() -> None:
    owners = {_owner(p) for p in FILES}
    assert [r.name for r in READERS if r.name not in owners] == []


def test_reader_names_are_unique() -> None:
    names = [r.name for r in READERS]
    assert len(names) == len(set(names))


README = (FIXTURES.parents[2] / "README.md").read_text()
SAMPLES = FIXTURES.parents[2] / "cassettes" / "formats"


def test_readme_lists_every_format() -> None:
    table = README.split("## Formats", 1)[1].split("\n## ", 1)[0]
    missing = [r.name for r in READERS if r.name != "pasted" and f"`{r.name}`" not in table]
    assert missing == []


def test_every_fixture_and_sample_is_indexed() -> None:
    names = [p.name for p in FILES] + [p.name for p in SAMPLES.iterdir()]
    assert [n for n in names if not is_candidate(n)] == []


def test_readme_names_the_indexed_extensions() -> None:
    rule = README.split("**Which files are cassettes.**", 1)[1].split("are read", 1)[0]
    listed = set(rule.replace("\n", " ").split("`")[1].split())
    assert listed == CASSETTE_SUFFIXES
