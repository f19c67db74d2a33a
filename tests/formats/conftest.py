from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.formats import read_cassette
from app.formats.base import RawCassette

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def read_fixture() -> Callable[[str], RawCassette]:
    def read(name: str) -> RawCassette:
        return read_cassette((FIXTURES / name).read_bytes(), name)

    return read
