"""Every real cassette of the shared corpus reads with the right format and interaction count.

The expectations come from the corpus MANIFEST (its `format` column and the counts in `notes`),
so the test checks the readers against what a person wrote down about each file.
"""

from __future__ import annotations

import re

import pytest

from app.formats import read_cassette
from tests.corpus import CORPUS, SKIP_REASON, manifest_rows

FORMATS = {
    "vcrpy YAML (pytest-recording)": "vcrpy",
    "vcrpy YAML (pytest-recording, crewAI header redaction)": "vcrpy",
    "pydantic-ai vcrpy YAML (custom serializer, parsed_body)": "vcrpy",
    "go-vcr v2 (version: 2)": "go-vcr-v2",
    "Ruby VCR (http_interactions)": "ruby-vcr",
    "R vcr YAML (http_interactions, R flavour)": "r-vcr",
    "httprr trace v1": "httprr",
    "dd test-agent JSON (one interaction per file)": "dd-test-agent",
    "HAR 1.2 (Polly.JS-style JSON)": "har",
    "LangChain gzip YAML (requests:/responses: lists, .yaml.gz)": "vcrpy-split",
    "custom JSON response snapshot {status,headers,body} (openinference JS)": "response-snapshot",
    "raw response body JSON only (openinference Java)": "response-body",
}
# httprr size lines that follow a body without a line break were missed by the MANIFEST's
# counter; these files really hold one exchange more than their note says (checked by hand).
MANIFEST_UNDERCOUNTS = {
    "tmc__langchaingo/agents/testdata/TestExecutorWithOpenAIFunctionAgent.httprr": 3,
    "tmc__langchaingo/llms/bedrock/testdata/TestBedrockAnthropicToolCalling.httprr": 2,
}
_COUNT = re.compile(r"(\d+) (interactions|entries|request/response pairs|websocket messages|gRPC)")


def _expected(row: dict[str, str]) -> tuple[str, int, int | None]:
    """(format, interactions, frames) for one manifest row."""
    fmt = FORMATS[row["format"]]
    found = _COUNT.search(row["notes"])
    if not found:
        return fmt, 1, None
    count, kind = int(found[1]), found[2]
    if kind == "websocket messages":
        # A realtime log is one conversation of frames; with no messages it is plain HTTP.
        return ("websocket-log", 1, count) if count else (fmt, 1, None)
    if kind == "gRPC":
        return "grpc-log", count, None
    return fmt, MANIFEST_UNDERCOUNTS.get(row["file"], count), None


ROWS = manifest_rows()
PARAMS = [pytest.param(r, id=r["file"]) for r in ROWS] or [
    pytest.param({}, id="no-corpus", marks=pytest.mark.skip(reason=SKIP_REASON))
]


@pytest.mark.corpus
@pytest.mark.parametrize("row", PARAMS)
def test_corpus_file_reads_with_format_and_count(row: dict[str, str]) -> None:
    fmt, count, frames = _expected(row)
    cassette = read_cassette((CORPUS / row["file"]).read_bytes(), row["file"])
    assert cassette.errors == ()
    assert (cassette.format, len(cassette.interactions)) == (fmt, count)
    if frames is not None:
        assert sum(len(i.frames) for i in cassette.interactions) == frames
    for interaction in cassette.interactions:
        if not interaction.frames and not interaction.partial:
            assert interaction.request.url
            assert interaction.request.method
            assert interaction.response.status is not None


def test_corpus_present_or_skipped() -> None:
    if not ROWS:
        pytest.skip(SKIP_REASON)
    assert len(ROWS) > 100
