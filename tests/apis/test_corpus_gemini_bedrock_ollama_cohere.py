"""Every Gemini, Bedrock Converse, Ollama and Cohere exchange in the shared corpus decodes.

Files come from MANIFEST.tsv rows naming those APIs; inside a file each interaction is checked by
its URL path (files mix APIs: an OAuth call before Vertex, Ollama's OpenAI-compatible routes).
A conversation must come out with its api, an answer or an error, and nothing left unknown;
embeddings, token counts and model lists must come out labelled with a summary.
Skipped when the corpus is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.loader import load_cassette
from app.model import Interaction
from tests.corpus import SKIP_REASON, manifest_rows

ROWS = re.compile(r"gemini|vertex ai (stream)?generatecontent|bedrock converse|ollama|cohere", re.I)

_APIS = (
    (re.compile(r":(streamG|g)enerateContent$"), "gemini.generate"),
    (re.compile(r"/model/[^/]+/converse(-stream)?$"), "bedrock.converse"),
    (re.compile(r"/api/chat$"), "ollama.chat"),
    (re.compile(r"/api/generate$"), "ollama.generate"),
    (re.compile(r"/v2/chat$"), "cohere.chat"),
    (re.compile(r":(batchEmbedContents|embedContent|countTokens)$"), "unknown"),
    (re.compile(r"/api/(embed|embeddings|tags|show|ps|pull|version)$"), "unknown"),
    (re.compile(r"api\.cohere\.(com|ai)/v[12]/(embed|rerank)$"), "unknown"),
)


def manifest_files() -> list[str]:
    return sorted(r["file"] for r in manifest_rows() if ROWS.search(r["api/provider"]))


def expected_api(it: Interaction) -> str | None:
    url = it.url.split("?", 1)[0].rstrip("/")
    return next((api for pattern, api in _APIS if pattern.search(url)), None)


def problems(it: Interaction) -> list[str]:
    """What a user would see as wrong with this interaction; empty when it reads well."""
    api = expected_api(it)
    found: list[str] = []
    if it.api != api:
        found.append(f"api {it.api!r}, expected {api!r}")
    if api == "unknown":
        if not it.summary:
            found.append("labelled without a summary")
        return found
    if it.response is None and it.error is None:
        found.append("neither a response nor an error")
    messages = [*it.messages, *([it.response] if it.response else [])]
    unknown = [p for m in messages for p in m.parts if p.type == "unknown"]
    if unknown:
        found.append(f"unknown parts: {unknown[:2]}")
    found.extend(f"warning: {w.message}" for w in it.warnings if "decoder failed" in w.message)
    return found


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", manifest_files() or [pytest.param("", marks=pytest.mark.skip(reason=SKIP_REASON))]
)
def test_corpus_file_decodes(name: str, corpus_dir: Path) -> None:
    cassette = load_cassette(corpus_dir / name, name)
    if cassette.errors:  # readability is the formats' corpus test's concern, not this one's
        pytest.skip(f"file not readable: {cassette.errors[0].message}")
    report = {it.index: problems(it) for it in cassette.interactions if expected_api(it)}
    bad = {index: found for index, found in report.items() if found}
    assert not bad, bad
