"""Property tests: whatever the bytes, reading, framing and decoding return an answer, never raise.

Documents are drawn from the vocabulary real recordings use, so the readers and decoders get
past their `detect` step and exercise their field handling, not just their first type check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.apis import decode_interaction
from app.formats import READERS, read_cassette
from app.formats.base import RawCassette, RawInteraction, RawRequest, RawResponse, ReadLimits
from app.streams import detect_framing, frame

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIMITS = ReadLimits(max_bytes=64 * 1024)

KEYS = [
    "version",
    "interactions",
    "http_interactions",
    "request",
    "response",
    "body",
    "string",
    "headers",
    "status",
    "code",
    "url",
    "uri",
    "method",
    "log",
    "entries",
    "content",
    "text",
    "model",
    "messages",
    "role",
    "choices",
    "delta",
    "message",
    "usage",
    "tool_calls",
    "function",
    "arguments",
    "name",
    "type",
    "candidates",
    "parts",
    "output",
    "input",
    "stop_reason",
    "finish_reason",
    "input_tokens",
    "output_tokens",
    "prompt_tokens",
    "id",
    "data",
    "event",
    "requests",
    "responses",
    "recorded_with",
    "encoding",
    "base64_string",
    "mimeType",
    "size",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(KEYS),
)
DOCS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=6),
    ),
    max_leaves=40,
)
# Skeletons of each format, so a reader's `detect` says yes and `read` meets random innards.
SKELETONS: list[Callable[[Any], Any]] = [
    lambda d: {"version": 2, "interactions": d},
    lambda d: {"version": 1, "interactions": d},
    lambda d: {"interactions": d},
    lambda d: {"http_interactions": d, "recorded_with": "VCR 6.2.0"},
    lambda d: {"log": {"version": "1.2", "entries": d}},
    lambda d: {"requests": d, "responses": d},
    lambda d: {"status": 200, "headers": {}, "body": d},
    lambda d: d,
]


def _assert_no_reader_bug(raw: RawCassette) -> None:
    assert isinstance(raw, RawCassette)
    for note in raw.errors:
        # The registry's last-resort guard words a reader crash this way; a reader must say why.
        assert not note.message.startswith("could not read the file:"), note.message


@FAST
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    _assert_no_reader_bug(read_cassette(data, "fuzz.yaml", LIMITS))


@FAST
@given(st.sampled_from(range(len(SKELETONS))), DOCS, st.booleans())
def test_format_skeletons_with_random_innards(which: int, inner: Any, as_yaml: bool) -> None:
    doc = SKELETONS[which](inner)
    text = json.dumps(doc)
    data = text.encode() if not as_yaml else ("---\n" + text + "\n").encode()
    raw = read_cassette(data, "fuzz.json", LIMITS)
    _assert_no_reader_bug(raw)
    for interaction in raw.interactions:
        decode_interaction(interaction)


@FAST
@given(st.binary(max_size=2048))
def test_every_reader_detect_never_raises(data: bytes) -> None:
    """Each registered reader's own entry points, called directly with what it may be given."""
    for reader in READERS:
        try:
            claimed = reader.detect(data)
        except Exception as exc:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"{reader.name}.detect raised {exc!r}") from exc
        assert isinstance(claimed, bool)


FRAMINGS = ["sse", "ndjson", "json-array", "aws-eventstream"]


@FAST
@given(st.binary(max_size=4096), st.sampled_from(FRAMINGS))
def test_framers_never_raise(body: bytes, framing: Any) -> None:
    framed = frame(body, framing)
    assert framed.framing == framing
    assert all(isinstance(f.data, str) for f in framed.frames)
    detect_framing(body, "")


URLS = [
    ("https://api.openai.com/v1/chat/completions", "application/json"),
    ("https://api.openai.com/v1/chat/completions", "text/event-stream"),
    ("https://api.openai.com/v1/responses", "text/event-stream"),
    ("https://api.openai.com/v1/completions", "application/json"),
    ("https://api.openai.com/v1/embeddings", "application/json"),
    ("https://api.anthropic.com/v1/messages", "text/event-stream"),
    ("https://api.anthropic.com/v1/messages", "application/json"),
    (
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent",
        "application/json",
    ),
    (
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse-stream",
        "application/vnd.amazon.eventstream",
    ),
    ("https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse", "application/json"),
    ("https://bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke", "application/json"),
    ("http://localhost:11434/api/chat", "application/x-ndjson"),
    ("http://localhost:11434/api/generate", "application/x-ndjson"),
    ("https://api.cohere.com/v2/chat", "text/event-stream"),
]


def _body(doc: Any, content_type: str) -> bytes:
    if content_type == "text/event-stream":
        return f"data: {json.dumps(doc)}\n\ndata: [DONE]\n\n".encode()
    if "ndjson" in content_type:
        return (json.dumps(doc) + "\n" + json.dumps(doc) + "\n").encode()
    return json.dumps(doc).encode()


@FAST
@given(st.sampled_from(URLS), DOCS, DOCS, st.binary(max_size=256), st.booleans())
def test_decoders_never_raise(
    target: tuple[str, str], request: Any, response: Any, noise: bytes, use_noise: bool
) -> None:
    url, content_type = target
    raw = RawInteraction(
        index=0,
        request=RawRequest(
            "POST", url, (("Content-Type", "application/json"),), _body(request, "")
        ),
        response=RawResponse(
            200,
            (("Content-Type", content_type),),
            noise if use_noise else _body(response, content_type),
        ),
    )
    interaction = decode_interaction(raw)
    assert interaction.url == url
    assert interaction.index == 0
