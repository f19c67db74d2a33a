"""Anthropic Messages decoding: direct, Vertex, Bedrock invoke, snapshots, damaged streams.

Fixtures are written by `tests/fixtures/apis/anthropic/make_fixtures.py`; the damaged inputs
are built here so the damage is visible in the test.
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

import pytest

from app.apis.anthropic import BEDROCK_INVOKE
from app.apis.base import make_exchange
from app.formats.base import RawInteraction, RawRequest, RawResponse
from app.model import (
    CitationPart,
    Interaction,
    MediaPart,
    ReasoningPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
    UnknownPart,
)
from tests.apis.decoding import decode_body, decode_fixture
from tests.fixtures.apis.anthropic.make_fixtures import (
    COLOURS,
    bedrock_stream,
    eventstream_frame,
    sse,
    stream_events,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apis" / "anthropic"
URL = "https://api.anthropic.com/v1/messages"


def decode_file(name: str) -> list[Interaction]:
    return decode_fixture(FIXTURES, name)


def decode_raw(
    body: bytes,
    request: dict[str, object] | None = None,
    url: str = URL,
    content_type: str = "text/event-stream",
    status: int = 200,
    partial: bool = False,
) -> Interaction:
    return decode_body(body, request, url, content_type, status, partial)


def test_plain_text_answer_with_system_prompt_and_inclusive_usage() -> None:
    (it,) = decode_file("text")
    assert (it.api, it.provider, it.model) == ("anthropic.messages", "anthropic", COLOURS["model"])
    assert [m.role for m in it.messages] == ["system", "user"]
    assert it.messages[0].text == "You answer in one short sentence."
    assert it.response is not None
    assert it.response.text == "The primary colours are red, yellow and blue."
    assert (it.finish_reason, it.finish_reason_raw) == ("stop", "end_turn")
    assert it.usage is not None
    # Anthropic's input_tokens leaves the 1500 cache reads out; the contract counts them in.
    assert (it.usage.input_tokens, it.usage.cached_input_tokens) == (1521, 1500)
    assert (it.usage.output_tokens, it.usage.total_tokens) == (12, 1533)
    assert it.usage.raw["input_tokens"] == 21


@pytest.mark.parametrize(
    ("plain", "streamed"),
    [
        ("text", "text_streaming"),
        ("parallel_tool_calls", "parallel_tool_calls_streaming"),
        ("web_search", "web_search_streaming"),
        ("bedrock_invoke", "bedrock_invoke_streaming"),
    ],
)
def test_streamed_and_plain_recordings_decode_to_the_same_answer(plain: str, streamed: str) -> None:
    a, b = decode_file(plain), decode_file(streamed)
    assert [x.response for x in a] == [x.response for x in b]
    assert [x.usage for x in a] == [x.usage for x in b]
    assert [(x.finish_reason, x.finish_reason_raw) for x in a] == [
        (x.finish_reason, x.finish_reason_raw) for x in b
    ]
    assert all(x.streaming for x in b)
    assert not any(x.streaming for x in a)
    assert all(x.chunks for x in b)
    assert not any(x.warnings for x in b)


def test_parallel_tool_calls_and_their_results() -> None:
    first, second = decode_file("parallel_tool_calls_streaming")
    assert first.response is not None
    calls = [p for p in first.response.parts if isinstance(p, ToolCallPart)]
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("toolu_01Oslo", "get_weather", {"city": "Oslo"}),
        ("toolu_02Lima", "get_time", {"city": "Lima"}),
    ]
    assert (first.finish_reason, first.finish_reason_raw) == ("tool_call", "tool_use")
    assert [t.name for t in first.tools] == ["get_weather", "get_time"]
    assert first.tools[0].parameters["required"] == ["city"]
    # The turn that answers: history echoes the call, results come back as a tool message.
    assert [m.role for m in second.messages] == ["user", "assistant", "tool"]
    assert second.messages[1] == first.response
    results = second.messages[2].parts
    assert results == (
        ToolResultPart("toolu_01Oslo", "get_weather", "4°C, light snow", False),
        ToolResultPart("toolu_02Lima", "get_time", "time service unavailable", True),
    )
    kinds = {c.kind for c in first.chunks}
    assert {"text", "tool_call", "finish"} <= kinds


def test_thinking_signature_and_redacted_thinking() -> None:
    (it,) = decode_file("thinking_streaming")
    assert it.response is not None
    assert it.response.parts == (
        ReasoningPart("221 = 13 × 17, so it has factors other than 1 and itself."),
        ReasoningPart("", redacted=True),
        TextPart("No: 221 is 13 × 17."),
    )
    reasoning_chunks = [c for c in it.chunks if c.kind == "reasoning"]
    assert any("signature_delta" in c.data for c in reasoning_chunks)


def test_server_tool_and_citations_keep_the_text_and_list_sources() -> None:
    (it,) = decode_file("web_search_streaming")
    assert it.response is not None
    call, result, answer, sources = it.response.parts
    assert call == ToolCallPart(
        "srvtoolu_01Opera", "web_search", {"query": "Oslo opera house opening date"}
    )
    assert isinstance(result, ToolResultPart)
    assert result.name == "web_search"
    assert "https://example.org/oslo-opera" in result.content
    assert answer == TextPart("It opened on 12 April 2008.")
    assert isinstance(sources, CitationPart)  # a source of its own, not text the model wrote
    assert (sources.url, sources.title) == ("https://example.org/oslo-opera", "Oslo Opera House")
    assert it.tools[0].name == "web_search"
    assert it.tools[0].description == "built-in tool web_search_20250305"


def test_http_error_status() -> None:
    (it,) = decode_file("error_status")
    assert it.status == 401
    assert it.response is None
    assert it.error is not None
    assert (it.error.type, it.error.message) == ("authentication_error", "invalid x-api-key")


def test_error_event_mid_stream_keeps_the_partial_answer() -> None:
    (it,) = decode_file("midstream_error")
    assert it.error is not None
    assert it.error.type == "overloaded_error"
    assert it.response is not None
    assert it.response.text == "The primary colours are red, y"
    assert it.finish_reason == "error"
    assert it.chunks[-1].kind == "error"


def test_vertex_stream_raw_predict() -> None:
    (it,) = decode_file("vertex_streaming")
    assert (it.api, it.provider) == ("anthropic.messages", "vertex")
    assert it.response is not None
    assert it.response.text.startswith("The primary colours")


def test_vertex_model_comes_from_the_url_when_the_body_has_none() -> None:
    url = (
        "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/"
        "publishers/anthropic/models/claude-3-7-sonnet@20250219:rawPredict"
    )
    answer = {k: v for k, v in COLOURS.items() if k != "model"}
    it = decode_raw(
        json.dumps(answer).encode(),
        {"anthropic_version": "vertex-2023-10-16", "messages": []},
        url=url,
        content_type="application/json",
    )
    assert (it.provider, it.model) == ("vertex", "claude-3-7-sonnet@20250219")


def test_bedrock_invoke_stream_from_event_stream_frames() -> None:
    (it,) = decode_file("bedrock_invoke_streaming")
    assert (it.api, it.provider) == ("bedrock.invoke", "bedrock")
    assert it.chunks[0].event == "message_start"  # the frame's Anthropic event, decoded
    assert json.loads(it.chunks[0].data)["type"] == "message_start"
    assert [p.type for p in it.response.parts] == ["text", "tool_call", "tool_call"]  # type: ignore[union-attr]


def test_bedrock_exception_frame_is_an_error() -> None:
    events = stream_events(COLOURS)[:4]
    body = bedrock_stream(events) + eventstream_frame(
        json.dumps({"message": "Too many requests"}).encode(),
        {":message-type": "exception", ":exception-type": "throttlingException"},
    )
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku/invoke-with-response-stream"
    it = decode_raw(
        body,
        {"anthropic_version": "bedrock-2023-05-31", "messages": []},
        url=url,
        content_type="application/vnd.amazon.eventstream",
    )
    assert it.api == "bedrock.invoke"
    assert it.error is not None
    assert (it.error.type, it.error.message) == ("throttlingException", "Too many requests")
    assert it.response is not None
    assert it.response.text == "The primary colours are red, y"


def test_bedrock_damaged_frame_is_a_warning_not_a_failure() -> None:
    body = bytearray(bedrock_stream(stream_events(COLOURS)))
    body[-10] ^= 0xFF  # corrupt the last frame's payload: its message CRC no longer matches
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku/invoke-with-response-stream"
    it = decode_raw(
        bytes(body),
        {"anthropic_version": "bedrock-2023-05-31", "messages": []},
        url=url,
        content_type="application/vnd.amazon.eventstream",
    )
    assert it.response is not None
    assert it.response.text == COLOURS["content"][0]["text"]
    assert any("CRC" in w.message for w in it.warnings)


def test_truncated_stream_with_bad_json_and_unknown_events() -> None:
    events = stream_events(COLOURS)[:4]
    body = sse(events) + "event: content_block_delta\ndata: {not json\n\n"
    body += 'event: future_event\ndata: {"type": "future_event"}\n\n'
    it = decode_raw(body.encode(), {"model": "m", "messages": [], "stream": True})
    assert it.response is not None
    assert it.response.text == "The primary colours are red, y"
    assert it.finish_reason is None
    messages = [w.message for w in it.warnings]
    assert any("not valid JSON" in m for m in messages)
    assert any("future_event" in m for m in messages)
    assert any("message_stop" in m for m in messages)


def test_tool_input_cut_mid_json_is_kept_with_the_reason() -> None:
    events = [
        {
            "type": "message_start",
            "message": {
                "id": "m",
                "type": "message",
                "role": "assistant",
                "content": [],
                "usage": {"input_tokens": 3},
            },
        },
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "tool_use", "id": "t1", "name": "f", "input": {}},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": '{"city": "Os'},
        },
    ]
    it = decode_raw(sse(events).encode(), {"model": "m", "messages": [], "stream": True})
    (call,) = it.response.parts  # type: ignore[union-attr]
    assert isinstance(call, ToolCallPart)
    assert call.arguments == '{"city": "Os'
    assert call.arguments_error is not None


def test_response_only_snapshots() -> None:
    plain = decode_raw(json.dumps(COLOURS).encode(), content_type="application/json", partial=True)
    streamed = decode_raw(sse(stream_events(COLOURS)).encode(), partial=True)
    for it in (plain, streamed):
        assert it.api == "anthropic.messages"
        assert it.messages == ()
        assert it.response is not None
        assert it.response.text == "The primary colours are red, yellow and blue."


def test_request_blocks_images_documents_and_mixed_tool_turns() -> None:
    request = {
        "model": "m",
        "system": [{"type": "text", "text": "Be brief."}],
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "image",
                        "source": {
                            "type": "base64",
                            "media_type": "image/png",
                            "data": "iVBORw0KGgo",
                        },
                    },
                    {"type": "document", "source": {"type": "url", "url": "https://x.org/a.pdf"}},
                    {"type": "text", "text": "Describe."},
                ],
            },
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "t1", "name": "look", "input": {}}],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "t1",
                        "content": [
                            {"type": "text", "text": "a cat"},
                            {
                                "type": "image",
                                "source": {
                                    "type": "base64",
                                    "media_type": "image/jpeg",
                                    "data": "/9j/",
                                },
                            },
                        ],
                    },
                    {"type": "text", "text": "And now?"},
                ],
            },
        ],
    }
    it = decode_raw(json.dumps(COLOURS).encode(), request, content_type="application/json")
    assert [m.role for m in it.messages] == ["system", "user", "assistant", "tool", "user"]
    assert it.messages[1].parts[:2] == (
        MediaPart("image", "image/png", None, None, 8),  # sized; cut base64 is not kept
        MediaPart("file", None, "https://x.org/a.pdf"),
    )
    assert it.messages[3].parts == (
        ToolResultPart("t1", "look", "a cat\n[image]"),
        MediaPart("image", "image/jpeg", None, "data:image/jpeg;base64,/9j/", 3),
    )
    assert it.messages[4].text == "And now?"
    assert not any(isinstance(p, UnknownPart) for m in it.messages for p in m.parts)


def test_detection_leaves_other_apis_alone() -> None:
    assistants = decode_raw(
        b"{}",
        {"role": "user", "content": "hi"},
        url="https://api.openai.com/v1/threads/th_1/messages",
        content_type="application/json",
    )
    assert assistants.api != "anthropic.messages"
    titan = RawInteraction(
        0,
        RawRequest(
            "POST",
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-text-express-v1/invoke",
            (),
            b'{"inputText": "hi"}',
        ),
        RawResponse(200, (), b"{}"),
    )
    assert not BEDROCK_INVOKE.detect(make_exchange(titan))  # a native Titan body, not Claude


def test_count_tokens_is_labelled_not_answered() -> None:
    it = decode_raw(
        b'{"input_tokens": 42}',
        {"model": "m", "messages": [{"role": "user", "content": "hi"}]},
        url=URL + "/count_tokens",
        content_type="application/json",
    )
    assert it.api == "anthropic.messages"
    assert it.response is None
    assert it.summary == "token count: 42 input tokens"


def test_bedrock_chunk_payload_is_base64_of_the_event() -> None:
    """Guard the fixture builder itself: a frame's `bytes` must hold the event's JSON."""
    frame = bedrock_stream([{"type": "ping"}])
    (headers_len,) = struct.unpack(">I", frame[4:8])
    payload = frame[12 + headers_len : -4]
    inner = json.loads(payload)["bytes"]
    assert json.loads(base64.b64decode(inner)) == {"type": "ping"}
