"""Gemini / Vertex generateContent: what a user reads for each shape of recording."""

from __future__ import annotations

import json

from app.model import MediaPart, ReasoningPart, TextPart, ToolCallPart, ToolResultPart
from tests.apis.native_fixtures import (
    GEMINI,
    GEMINI_TEXT_REQ,
    VERTEX,
    decode_one,
    load_fixture,
    sse,
)


def test_streamed_sse_json_array_and_plain_answers_read_the_same() -> None:
    (plain,) = load_fixture("gemini", "text.yaml")
    (streamed,) = load_fixture("gemini", "streamed_sse.yaml")
    (array,) = load_fixture("gemini", "streamed_array.yaml")
    assert plain.response.text == "A red bicycle leaning against a brick wall."
    for other in (streamed, array):
        assert other.streaming
        assert not plain.streaming
        assert other.response == plain.response
        assert other.usage == plain.usage
        assert (other.finish_reason, other.finish_reason_raw) == ("stop", "STOP")
        assert [c.kind for c in other.chunks] == ["text", "text", "text"]


def test_usage_adds_thoughts_to_output_and_keeps_cache_inside_input() -> None:
    (it,) = load_fixture("gemini", "text.yaml")
    assert it.usage.input_tokens == 270
    assert it.usage.cached_input_tokens == 200
    assert it.usage.output_tokens == 9 + 31
    assert it.usage.reasoning_tokens == 31
    assert it.usage.total_tokens == 310


def test_request_shows_system_text_and_image_apart_from_its_url() -> None:
    (it,) = load_fixture("gemini", "text.yaml")
    system, user = it.messages
    assert system.role == "system"
    assert system.text == "Answer in one short sentence."
    assert user.parts == (
        TextPart("What is in this picture?"),
        MediaPart("image", "image/png", None, "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==", 16),
    )
    assert "iVBOR" not in user.text  # inline bytes are the extra `data_url`, never text


def test_streamed_thoughts_become_one_reasoning_part_and_signature_stays_hidden() -> None:
    (it,) = load_fixture("gemini", "reasoning.yaml")
    reasoning, call = it.response.parts
    assert isinstance(reasoning, ReasoningPart)
    assert reasoning.text.endswith(
        "The user wants rain odds for Oslo. I should call get_weather first."
    )
    assert call == ToolCallPart(id=None, name="get_weather", arguments={"city": "Oslo"})
    assert "Q2lJQnZqNzIrOXp0" not in str(it.response) + str(it.messages)
    assert [c.kind for c in it.chunks] == ["reasoning", "reasoning", "tool_call"]
    # usage is cumulative in the stream: the last chunk's figures, not a sum
    assert (it.usage.input_tokens, it.usage.output_tokens, it.usage.reasoning_tokens) == (
        45,
        103,
        88,
    )
    assert it.finish_reason == "tool_call"
    assert it.finish_reason_raw == "STOP"


def test_parallel_calls_from_two_chunks_keep_their_ids() -> None:
    (it,) = load_fixture("gemini", "parallel_calls.yaml")
    assert [(p.id, p.arguments) for p in it.response.parts if isinstance(p, ToolCallPart)] == [
        ("c1", {"city": "Paris"}),
        ("c2", {"city": "Rome"}),
    ]
    assert it.model == "gemini-3-pro-preview"


def test_vertex_tool_round_trip_pairs_result_with_call() -> None:
    first, second = load_fixture("gemini", "tool_call_vertex.yaml")
    assert first.provider == "vertex"
    assert first.model == "gemini-2.5-pro"
    _ask, call, result = second.messages
    assert call.role == "assistant"
    assert isinstance(call.parts[0], ToolCallPart)
    assert result.role == "tool"
    assert result.parts == (ToolResultPart(None, "get_weather", "18 C"),)
    assert second.response.text == "It is 18 C in Paris."


def test_function_response_without_id_takes_the_id_of_its_call() -> None:
    req = {
        "contents": [
            {"role": "user", "parts": [{"text": "hi"}]},
            {"role": "model", "parts": [{"functionCall": {"id": "k9", "name": "f", "args": {}}}]},
            {"role": "user", "parts": [{"function_response": {"name": "f", "response": {"a": 1}}}]},
        ]
    }
    it = decode_one(f"{GEMINI}:generateContent", req, "{}")
    assert it.messages[-1].parts == (ToolResultPart("k9", "f", '{"a":1}'),)


def test_http_error_and_blocked_prompt_explain_the_missing_answer() -> None:
    (error,) = load_fixture("gemini", "error.yaml")
    assert error.response is None
    assert (error.error.type, error.error.message) == ("INVALID_ARGUMENT", "API key not valid.")
    (blocked,) = load_fixture("gemini", "blocked.yaml")
    assert blocked.response is None
    assert (blocked.finish_reason, blocked.finish_reason_raw) == ("content_filter", "SAFETY")
    assert blocked.error.message == "prompt blocked: SAFETY"


def test_embeddings_and_token_counts_are_labelled_not_conversations() -> None:
    embed, count = load_fixture("gemini", "embed_and_count.yaml")
    assert (embed.api, embed.summary) == ("unknown", "embed: 3 inputs -> 3 vectors x 4 dims")
    assert embed.model == "gemini-embedding-001"
    assert embed.provider == "google"
    assert (count.api, count.summary) == ("unknown", "count tokens: 5 tokens")
    assert embed.response is None
    assert not embed.messages


def test_damaged_stream_keeps_what_was_read_and_says_why() -> None:
    good = {"candidates": [{"content": {"parts": [{"text": "Hello"}]}}]}
    body = sse([good]) + "data: {not json\r\n\r\n"
    it = decode_one(
        f"{GEMINI}:streamGenerateContent?alt=sse",
        GEMINI_TEXT_REQ,
        body,
        content_type="text/event-stream",
    )
    assert it.response.text == "Hello"
    assert [c.kind for c in it.chunks] == ["text", "other"]
    assert any("not valid JSON" in w.message for w in it.warnings)
    cut = decode_one(
        f"{GEMINI}:streamGenerateContent", GEMINI_TEXT_REQ, "[" + json.dumps(good) + ",{"
    )
    assert cut.response.text == "Hello"
    assert any("cut or damaged" in w.message for w in cut.warnings)


def test_mid_stream_error_and_enum_numbers() -> None:
    chunks = [
        {"candidates": [{"content": {"parts": [{"text": "Par"}]}}]},
        {"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}},
    ]
    it = decode_one(f"{VERTEX}:streamGenerateContent?alt=sse", {"contents": []}, sse(chunks))
    assert it.response.text == "Par"
    assert (it.error.type, it.error.message) == ("UNAVAILABLE", "overloaded")
    assert [c.kind for c in it.chunks] == ["text", "error"]
    numbered = {"candidates": [{"content": {"parts": [{"text": "ok"}]}, "finishReason": 2}]}
    it = decode_one(f"{GEMINI}:generateContent", {"contents": []}, json.dumps(numbered))
    assert (it.finish_reason, it.finish_reason_raw) == ("length", "2")
