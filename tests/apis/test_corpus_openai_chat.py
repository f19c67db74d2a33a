"""Every OpenAI-shaped chat, completion and embedding exchange in the shared corpus decodes.

Files are picked from MANIFEST.tsv (rows naming chat/completions, completions or embeddings);
inside a file, each interaction is checked by its URL path, since some files mix APIs.
Skipped when the corpus is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.loader import load_cassette
from app.model import Interaction, Message
from tests.corpus import SKIP_REASON, manifest_rows

ROWS = re.compile(r"chat/completions|completions|embeddings", re.I)
# Ollama's native /api/embeddings belongs to the Ollama decoder.
NOT_OURS = re.compile(r"Ollama /api/", re.I)


def manifest_files() -> list[str]:
    return sorted(
        r["file"]
        for r in manifest_rows()
        if ROWS.search(r["api/provider"]) and not NOT_OURS.search(r["api/provider"])
    )


def expected_api(it: Interaction) -> str | None:
    """The api an interaction must get, from its URL path alone; None when it is not ours."""
    path = re.split(r"[?#]", it.url, maxsplit=1)[0].rstrip("/")
    if not path and '"chat.completion' in (it.response_body or ""):  # a response-only snapshot
        return "openai.chat"
    if path.endswith("/chat/completions"):
        return "openai.chat"
    if path.endswith("/completions"):
        return "openai.completions"
    if path.endswith("/embeddings"):
        return "openai.embeddings"
    return None


def unknown_parts(messages: list[Message]) -> list[object]:
    return [p.raw for m in messages for p in m.parts if p.type == "unknown"]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", manifest_files() or [pytest.param("", marks=pytest.mark.skip(reason=SKIP_REASON))]
)
def test_corpus_file_decodes(name: str, corpus_dir: Path) -> None:
    cassette = load_cassette(corpus_dir / name, name)
    if cassette.errors:  # readability is the formats' corpus test's concern, not this one's
        pytest.skip(f"file not readable: {cassette.errors[0].message}")
    checked = 0
    for it in cassette.interactions:
        api = expected_api(it)
        if api is None:
            continue
        checked += 1
        where = f"{name} #{it.index}"
        assert it.api == api, where
        if api == "openai.embeddings":
            assert it.summary or it.error, where
        else:
            assert it.response is not None or it.error is not None, where
        messages = [*it.messages, *([it.response] if it.response else [])]
        assert not unknown_parts(messages), where
    assert checked, f"{name}: no chat/completions/embeddings interaction found"
