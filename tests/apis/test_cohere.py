"""Cohere v2 chat: what a user reads for each shape of recording."""

from __future__ import annotations

from app.model import ReasoningPart, TextPart, ToolCallPart, ToolResultPart
from tests.apis.native_fixtures import COHERE, decode_one, load_fixture


def test_streamed_and_plain_answers_read_the_same() -> None:
    (plain,) = load_fixture("cohere", "text.yaml")
    (streamed,) = load_fixture("cohere", "streamed.yaml")
    assert plain.response.parts == (TextPart("Lima is the capital."),)
    assert streamed.response == plain.response
    assert streamed.usage == plain.usage
    assert (streamed.finish_reason, streamed.finish_reason_raw) == ("stop", "COMPLETE")
    assert [c.event for c in streamed.chunks][-2:] == ["message-end", None]  # then [DONE]
    assert [c.kind for c in streamed.chunks].count("text") == 2


def test_usage_prefers_model_tokens_over_billed_units() -> None:
    (it,) = load_fixture("cohere", "text.yaml")
    assert (it.usage.input_tokens, it.usage.output_tokens) == (520, 6)
    assert it.usage.raw["billed_units"] == {"input_tokens": 8, "output_tokens": 4}


def test_streamed_tool_plan_and_parallel_calls() -> None:
    first, second = load_fixture("cohere", "tool_calls.yaml")
    assert first.response.parts == (
        TextPart("I will look up both cities."),
        ToolCallPart("call_lima", "get_weather", {"city": "Lima"}),
        ToolCallPart("call_cusco", "get_weather", {"city": "Cusco"}),
    )
    assert (first.finish_reason, first.finish_reason_raw) == ("tool_call", "TOOL_CALL")
    # the request replays the same assistant turn, then the results named after their calls
    assert second.messages[1].parts == first.response.parts
    results = [p for m in second.messages if m.role == "tool" for p in m.parts]
    assert results == [
        ToolResultPart("call_lima", "get_weather", "19 C"),
        ToolResultPart("call_cusco", "get_weather", '{"temp": "9 C"}'),
    ]


def test_thinking_block_becomes_reasoning() -> None:
    (it,) = load_fixture("cohere", "reasoning.yaml")
    assert it.response.parts == (ReasoningPart("17 is prime."), TextPart("Yes."))


def test_http_error_and_embeddings() -> None:
    error, embed = load_fixture("cohere", "error.yaml")
    assert error.response is None
    assert (error.error.type, error.error.message) == ("http_401", "invalid api token")
    assert (embed.api, embed.summary) == ("unknown", "embed: 2 inputs -> 2 vectors x 2 dims")


def test_unknown_event_is_a_warning_not_a_failure() -> None:
    body = (
        'event: content-delta\ndata: {"type":"content-delta","index":0,'
        '"delta":{"message":{"content":{"text":"Hi"}}}}\n\n'
        'event: surprise\ndata: {"type":"surprise"}\n\n'
    )
    it = decode_one(
        f"{COHERE}/chat",
        {"model": "m", "messages": [], "stream": True},
        body,
        content_type="text/event-stream",
    )
    assert it.response.text == "Hi"
    assert any("surprise" in w.message for w in it.warnings)
    assert it.finish_reason is None
