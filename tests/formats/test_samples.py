"""The bundled sample cassettes: one per format, each read by the reader its name promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.formats import READERS, read_cassette

SAMPLES = Path(__file__).resolve().parents[2] / "cassettes" / "formats"
FILES = sorted(p for p in SAMPLES.iterdir() if p.is_file())
# `pasted` is a repair step, not a format: its result carries the real format's name.
FORMATS = sorted(r.name for r in READERS if r.name != "pasted")


def _format_of(path: Path) -> str:
    return next(f for f in sorted(FORMATS, key=len, reverse=True) if path.name.startswith(f + "-"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_sample_reads_cleanly(path: Path) -> None:
    cassette = read_cassette(path.read_bytes(), path.name)
    assert cassette.errors == ()
    assert cassette.format == _format_of(path)
    assert cassette.interactions
    for interaction in cassette.interactions:
        assert interaction.response.body or interaction.frames


def test_every_format_has_a_sample() -> None:
    assert sorted({_format_of(p) for p in FILES}) == FORMATS
