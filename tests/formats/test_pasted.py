"""A cassette pasted from a viewer (line numbers, no indentation) opens as the real thing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from app.formats import read_cassette
from app.formats.base import RawCassette
from tests.corpus import CORPUS

ROOT = Path(__file__).resolve().parents[2]
# The pasted seed sits beside the corpus of real cassettes (see tests/corpus.py).
SEED = CORPUS.parent / "seeds" / "000_563c81981b17ecde.txt"
SEED_MISSING = f"no pasted seed at {SEED} (beside the corpus); set TAPEDECK_CORPUS to run this test"
REWRITE = ROOT / "cassettes" / "openrouter" / "kimi-k2-weather-tool-call.yaml"


def _sse_text(body: bytes | None) -> str:
    """The assistant text of an OpenAI-style stream, as a user would read it."""
    out = []
    for line in (body or b"").decode().splitlines():
        if line.startswith("data: {"):
            for choice in json.loads(line[6:])["choices"]:
                out.append(choice["delta"].get("content") or "")
    return "".join(out)


def test_pasted_fixture_is_rebuilt(read_fixture: Callable[[str], RawCassette]) -> None:
    cassette = read_fixture("pasted.txt")
    assert cassette.format == "go-vcr-v2"
    assert cassette.warnings[0].message.startswith("repaired a pasted cassette:")
    (only,) = cassette.interactions
    # a single-quoted body that wrapped onto a second line, and `id:` inside an SSE body
    assert json.loads(only.request.body or b"")["messages"][0]["content"] == (
        "It's a two-line question"
    )
    assert only.response.body == (
        b'data: {"choices":[{"delta":{"content":"Yes"}}]}\n\nid: 7\ndata: [DONE]\n\n'
    )
    assert (only.response.status, only.duration_ms) == (200, 2500.0)
    assert only.request.headers == (("Content-Type", "application/json"),)


def test_pasted_errors_keep_the_pasted_line_numbers() -> None:
    cassette = read_cassette(b"1---\n2version: 2\n3interactions: [\n4- id: 0\n", "p.txt")
    assert cassette.format == "unknown"
    assert cassette.errors[0].line == 4


@pytest.mark.skipif(not SEED.is_file(), reason=SEED_MISSING)
def test_seed_opens_with_both_interactions_and_intact_bodies() -> None:
    cassette = read_cassette(SEED.read_bytes(), SEED.name)
    assert cassette.format == "go-vcr-v2"
    assert cassette.errors == ()
    assert "repaired a pasted cassette" in cassette.warnings[0].message
    first, second = cassette.interactions
    # content_length recorded by go-vcr matches the rebuilt request bodies byte for byte
    assert [len(i.request.body or b"") for i in (first, second)] == [544, 820]
    assert _sse_text(first.response.body) == "I'll check the weather in Florence, Italy for you."
    assert first.response.body is not None
    assert first.response.body.endswith(b"data: [DONE]\n\n")
    assert (first.duration_ms, second.duration_ms) == (1490.590208, 5979.645541)


@pytest.mark.skipif(not SEED.is_file(), reason=SEED_MISSING)
def test_rewritten_seed_is_plain_go_vcr_with_the_same_interactions() -> None:
    data = REWRITE.read_bytes()
    assert yaml.safe_load(data)["version"] == 2
    rewritten = read_cassette(data, REWRITE.name)
    assert (rewritten.format, rewritten.warnings) == ("go-vcr-v2", ())
    assert rewritten.interactions == read_cassette(SEED.read_bytes(), SEED.name).interactions
