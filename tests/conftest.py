"""Fixtures shared by every test module.

- `--update-goldens`: rewrite golden files instead of comparing with them (see
  tests/apis/test_golden.py); review the resulting diff before committing it.
- `update_goldens`: True when that option was given.
- `corpus_dir`: the corpus of real cassettes (`TAPEDECK_CORPUS`, see tests/corpus.py); tests
  that use it are skipped when it is absent, so the suite runs anywhere.
- Hypothesis runs without its per-example deadline and too-slow check: they time the machine,
  not the property, and on a loaded 2-core CI machine they failed tests whose code was right.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.corpus import CORPUS, SKIP_REASON

REPO = Path(__file__).resolve().parents[1]

settings.register_profile("tapedeck", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tapedeck")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite tests/golden/** from the current decoders instead of comparing",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(SKIP_REASON)
    return CORPUS
