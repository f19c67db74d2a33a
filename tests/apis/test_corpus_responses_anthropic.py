"""Every corpus exchange of the Responses / Anthropic family decodes as its API.

Reads the real recordings listed in the corpus MANIFEST (skipped when the corpus is absent) and
checks what a user would notice first: the right API label, an answer or an error (a summary
for embedding calls), and no part left as `unknown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from app.apis import decode_interaction
from app.formats import read_cassette
from app.model import Interaction, UnknownPart
from tests.corpus import CORPUS, SKIP_REASON, manifest_rows

_ROWS = re.compile(
    r"OpenAI responses|Azure OpenAI responses|xAI responses|DeepSeek responses|"
    r"Anthropic messages|Bedrock invoke|rawPredict|RawPredict"
)
_BEDROCK = re.compile(r"/model/[^/]+/invoke(-with-response-stream)?$")

pytestmark = pytest.mark.corpus


def expected_api(it: Interaction) -> str | None:
    """The API an exchange belongs to by its URL, or None when it is none of ours."""
    path = it.url.split("?", 1)[0]
    if path.rstrip("/").endswith("/responses"):
        return "openai.responses"
    if path.endswith(("/v1/messages", "rawPredict", "RawPredict")):
        return "anthropic.messages"
    if _BEDROCK.search(path):
        return "bedrock.invoke"
    return None


@dataclass
class Outcome:
    checked: int
    failures: list[str]
    unreadable: bool


def corpus_files() -> list[str]:
    return [r["file"] for r in manifest_rows() if _ROWS.search(r.get("api/provider") or "")]


def check(name: str) -> Outcome:
    raw = read_cassette((CORPUS / name).read_bytes(), name)
    # Files no reader understands yet are the format readers' concern (their own corpus test).
    out = Outcome(0, [], unreadable=not raw.interactions and bool(raw.errors))
    for item in raw.interactions:
        it = decode_interaction(item)
        want = expected_api(it) if not item.partial else it.api
        if want is None:
            continue
        out.checked += 1
        where = f"{name}#{it.index}"
        problems = []
        if it.api != want:
            problems.append(f"api {it.api} != {want}")
        if it.response is None and it.error is None and not it.summary:
            problems.append("neither response, error nor summary")
        unknown = [
            p.raw
            for m in (*it.messages, *([it.response] if it.response else []))
            for p in m.parts
            if isinstance(p, UnknownPart)
        ]
        if unknown:
            problems.append(f"unknown parts: {str(unknown)[:200]}")
        problems += [f"warning: {w.message}" for w in it.warnings if "decoder failed" in w.message]
        if problems:
            out.failures.append(f"{where}: " + "; ".join(problems))
    return out


def test_corpus_decodes() -> None:
    files = corpus_files()
    if not files:
        pytest.skip(SKIP_REASON)
    checked, failures, unreadable = 0, [], 0
    for name in files:
        result = check(name)
        checked += result.checked
        failures += result.failures
        unreadable += result.unreadable
    print(
        f"{len(files)} files ({unreadable} unreadable), {checked} exchanges checked, "
        f"{len(failures)} failed"
    )
    assert checked > 100
    assert not failures, f"{len(failures)} of {checked} failed:\n" + "\n".join(failures)
