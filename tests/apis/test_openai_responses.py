"""OpenAI Responses decoding: items, built-in tools, reasoning, streams and their failures.

Fixtures are written by `tests/fixtures/apis/openai_responses/make_fixtures.py`; damaged
inputs are built here so the damage is visible in the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.apis import decode_interaction
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
from tests.fixtures.apis.anthropic.make_fixtures import sse
from tests.fixtures.apis.openai_responses.make_fixtures import HAIKU, stream_events

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apis" / "openai_responses"
URL = "https://api.openai.com/v1/responses"


def decode_file(name: str) -> list[Interaction]:
    return decode_fixture(FIXTURES, name)


def decode_raw(
    body: bytes,
    request: dict[str, object] | None,
    content_type: str = "text/event-stream",
    partial: bool = False,
) -> Interaction:
    return decode_body(body, request, URL, content_type, partial=partial)


def test_instructions_and_string_input() -> None:
    (it,) = decode_file("text")
    assert (it.api, it.provider, it.model) == ("openai.responses", "openai", HAIKU["model"])
    assert [(m.role, m.text) for m in it.messages] == [
        ("system", "Answer in one short sentence."),
        ("user", "Name the three primary colours."),
    ]
    assert it.response is not None
    assert it.response.text == "Red, yellow and blue."
    assert (it.finish_reason, it.finish_reason_raw) == ("stop", "completed")
    assert it.usage is not None
    assert (it.usage.input_tokens, it.usage.output_tokens, it.usage.total_tokens) == (24, 9, 33)


@pytest.mark.parametrize(
    ("plain", "streamed"),
    [
        ("text", "text_streaming"),
        ("parallel_tool_calls", "parallel_tool_calls_streaming"),
        ("reasoning", "reasoning_streaming"),
        ("builtin_tools_azure", "builtin_tools_streaming"),
    ],
)
def test_streamed_and_plain_recordings_decode_to_the_same_answer(plain: str, streamed: str) -> None:
    a, b = decode_file(plain), decode_file(streamed)
    assert [x.response for x in a] == [x.response for x in b]
    assert [x.usage for x in a] == [x.usage for x in b]
    assert [x.finish_reason for x in a] == [x.finish_reason for x in b]
    assert all(x.streaming for x in b)
    assert not any(x.streaming for x in a)
    assert all(x.chunks for x in b)
    assert not any(x.warnings for x in b)


def test_stream_accumulated_from_deltas_when_the_final_event_is_missing() -> None:
    events = stream_events(HAIKU)[:-1]  # cut before response.completed
    it = decode_raw(sse(events).encode(), {"model": "m", "input": "hi", "stream": True})
    assert it.response is not None
    assert it.response.text == "Red, yellow and blue."
    assert it.finish_reason is None
    assert any("response.completed" in w.message for w in it.warnings)


def test_parallel_calls_hidden_reasoning_and_outputs_matched_by_call_id() -> None:
    first, second = decode_file("parallel_tool_calls_streaming")
    assert first.response is not None
    assert first.response.parts == (
        ReasoningPart("", redacted=True),
        ToolCallPart("call_Oslo", "get_weather", {"city": "Oslo"}),
        ToolCallPart("call_Lima", "get_time", {"city": "Lima"}),
    )
    assert (first.finish_reason, first.finish_reason_raw) == ("tool_call", "completed")
    assert first.usage is not None
    assert first.usage.reasoning_tokens == 128
    assert [m.role for m in second.messages] == ["user", "assistant", "tool"]
    assert second.messages[1] == first.response
    assert second.messages[2].parts == (
        ToolResultPart("call_Oslo", "get_weather", "4°C, light snow"),
        ToolResultPart("call_Lima", "get_time", "09:12"),
    )
    assert second.usage is not None
    assert second.usage.cached_input_tokens == 256
    kinds = [c.kind for c in first.chunks]
    assert "tool_call" in kinds
    assert kinds[-1] == "finish"


def test_reasoning_summary_paragraphs() -> None:
    (it,) = decode_file("reasoning_streaming")
    assert it.response is not None
    reasoning, answer = it.response.parts
    assert reasoning == ReasoningPart(
        "**Checking small factors**\n\n221 is odd.\n\n**Found one**\n\n13 × 17 = 221."
    )
    assert answer == TextPart("No, 221 = 13 × 17.")
    assert sum(c.kind == "reasoning" for c in it.chunks) >= 4


def test_builtin_tools_show_their_inputs_results_and_sources() -> None:
    (it,) = decode_file("builtin_tools_azure")
    assert it.provider == "azure"
    assert it.response is not None
    parts = it.response.parts
    search, code, code_out, mcp, mcp_out, answer, sources = parts
    assert search == ToolCallPart(
        "ws_01",
        "web_search",
        {"action": {"type": "search", "query": "Oslo opera house opening date"}},
    )
    assert isinstance(code, ToolCallPart)
    assert code.name == "code_interpreter"
    assert "print(" in code.arguments["code"]
    assert code_out == ToolResultPart("ci_01", "code_interpreter", "6108")
    assert mcp == ToolCallPart("mcp_01", "search_docs", {"q": "opera"})
    assert mcp_out == ToolResultPart("mcp_01", "search_docs", "No internal notes on the opera.")
    assert answer == TextPart("It opened on 12 April 2008, 6108 days before 2025.")
    assert isinstance(sources, CitationPart)  # a source of its own, not text the model wrote
    assert (sources.url, sources.title) == ("https://example.org/oslo-opera", "Oslo Opera House")
    assert it.finish_reason == "stop"  # tools the provider ran do not wait for the client
    assert [t.name for t in it.tools] == ["web_search", "code_interpreter", "docs"]


def test_http_error_status() -> None:
    (it,) = decode_file("error_status")
    assert it.status == 401
    assert it.response is None
    assert it.error is not None
    assert it.error.type == "invalid_request_error"
    assert it.error.message.startswith("Incorrect API key")


def test_error_event_mid_stream_keeps_the_partial_answer() -> None:
    (it,) = decode_file("midstream_error")
    assert it.error is not None
    assert (it.error.type, it.error.message) == ("server_error", "The server had an error.")
    assert it.response is not None
    assert it.response.text == "Red, yellow an"
    assert it.finish_reason == "error"
    assert it.chunks[-1].kind == "error"


def test_failed_response() -> None:
    (it,) = decode_file("failed_streaming")
    assert it.error is not None
    assert it.error.type == "server_error"
    assert (it.finish_reason, it.finish_reason_raw) == ("error", "failed")
    assert it.response is None


def test_incomplete_response_on_xai() -> None:
    (it,) = decode_file("incomplete_xai")
    assert it.provider == "xai"
    assert (it.finish_reason, it.finish_reason_raw) == ("length", "max_output_tokens")
    assert it.response is not None
    assert it.response.text == "The primary colours are"


def test_bad_json_and_unknown_events_are_warnings() -> None:
    events = stream_events(HAIKU)
    body = sse(events[:4]) + "event: response.output_text.delta\ndata: {oops\n\n" + sse(events[4:])
    body += 'event: response.future_thing\ndata: {"type": "response.future_thing"}\n\n'
    it = decode_raw(body.encode(), {"model": "m", "input": "hi", "stream": True})
    assert it.response is not None
    assert it.response.text == "Red, yellow and blue."
    assert [w.message for w in it.warnings] == ["stream event 4 is not valid JSON; skipped"]


def test_input_items_media_and_custom_tool_calls() -> None:
    request = {
        "model": "m",
        "input": [
            {"type": "message", "role": "developer", "content": "Be brief."},
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "What is this?"},
                    {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo"},
                    {"type": "input_file", "file_url": "https://x.org/a.pdf"},
                ],
            },
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [{"type": "summary_text", "text": "Looks like a chart."}],
            },
            {"type": "custom_tool_call", "call_id": "c1", "name": "run_sql", "input": "SELECT 1"},
            {"type": "custom_tool_call_output", "call_id": "c1", "output": "1"},
        ],
    }
    it = decode_raw(json.dumps(HAIKU).encode(), request, content_type="application/json")
    assert [m.role for m in it.messages] == ["developer", "user", "assistant", "tool"]
    assert it.messages[1].parts == (
        TextPart("What is this?"),
        MediaPart("image", "image/png", None, None, 8),  # sized; cut base64 is not kept
        MediaPart("file", None, "https://x.org/a.pdf"),
    )
    assert it.messages[2].parts == (
        ReasoningPart("Looks like a chart."),
        ToolCallPart("c1", "run_sql", {"input": "SELECT 1"}),
    )
    assert it.messages[3].parts == (ToolResultPart("c1", "run_sql", "1"),)
    assert not any(isinstance(p, UnknownPart) for m in it.messages for p in m.parts)


def test_response_only_snapshots() -> None:
    plain = decode_raw(json.dumps(HAIKU).encode(), None, "application/json", partial=True)
    streamed = decode_raw(sse(stream_events(HAIKU)).encode(), None, partial=True)
    for it in (plain, streamed):
        assert it.api == "openai.responses"
        assert it.response is not None
        assert it.response.text == "Red, yellow and blue."


def test_embeddings_input_is_not_mistaken_for_responses() -> None:
    raw = RawInteraction(
        0,
        RawRequest(
            "POST",
            "https://api.openai.com/v1/embeddings",
            (),
            json.dumps({"model": "e", "input": "hi"}).encode(),
        ),
        RawResponse(200, (), b'{"object": "list", "data": []}'),
    )
    assert decode_interaction(raw).api != "openai.responses"


def test_screenshots_returned_by_a_tool_are_not_repeated_as_base64() -> None:
    request = {
        "model": "m",
        "input": [
            {"type": "computer_call", "call_id": "cu1", "action": {"type": "screenshot"}},
            {
                "type": "computer_call_output",
                "call_id": "cu1",
                "output": {"type": "computer_screenshot", "image_url": "data:image/png;base64,AA"},
            },
        ],
    }
    it = decode_raw(json.dumps(HAIKU).encode(), request, content_type="application/json")
    call, result = it.messages[0].parts[0], it.messages[1].parts[0]
    assert call == ToolCallPart("cu1", "computer", {"action": {"type": "screenshot"}})
    assert result == ToolResultPart("cu1", "computer", "[computer_screenshot]")
