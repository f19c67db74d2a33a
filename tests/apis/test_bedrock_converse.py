"""Bedrock Converse and ConverseStream: what a user reads for each shape of recording."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.apis import DECODERS
from app.apis.base import make_exchange
from app.formats.base import RawInteraction, RawRequest, RawResponse
from app.model import ReasoningPart, TextPart, ToolCallPart, ToolResultPart
from tests.apis.native_fixtures import (
    BEDROCK_TEXT_REQ,
    ES,
    NOVA,
    decode_one,
    event_frame,
    eventstream,
    load_fixture,
)


def test_streamed_and_plain_answers_read_the_same() -> None:
    (plain,) = load_fixture("bedrock_converse", "text.yaml")
    (streamed,) = load_fixture("bedrock_converse", "streamed.yaml")
    assert plain.response.parts == (TextPart("Eleven is prime."),)
    assert streamed.response == plain.response
    assert streamed.usage == plain.usage
    assert (streamed.finish_reason, streamed.finish_reason_raw) == ("stop", "end_turn")
    assert streamed.streaming
    assert [c.event for c in streamed.chunks] == [
        "messageStart",
        "contentBlockDelta",
        "contentBlockDelta",
        "contentBlockStop",
        "messageStop",
        "metadata",
    ]
    assert [c.kind for c in streamed.chunks] == [
        "other",
        "text",
        "text",
        "other",
        "finish",
        "usage",
    ]


def test_model_id_is_url_decoded_and_system_skips_cache_points() -> None:
    (it,) = load_fixture("bedrock_converse", "text.yaml")
    assert it.model == "us.amazon.nova-lite-v1:0"
    assert it.provider == "bedrock"
    assert it.api == "bedrock.converse"
    assert it.messages[0].parts == (TextPart("Be brief."),)


def test_cache_reads_and_writes_are_added_to_input() -> None:
    (it,) = load_fixture("bedrock_converse", "text.yaml")
    assert (it.usage.input_tokens, it.usage.cached_input_tokens) == (12 + 400, 400)
    assert it.usage.total_tokens == 417
    (thinking,) = load_fixture("bedrock_converse", "reasoning.yaml")
    assert (thinking.usage.input_tokens, thinking.usage.cache_write_tokens) == (30 + 1500, 1500)


def test_tool_use_round_trip_names_the_result() -> None:
    first, second = load_fixture("bedrock_converse", "tool_call.yaml")
    assert first.finish_reason == "tool_call"
    assert first.response.parts[1] == ToolCallPart("tooluse_1", "get_weather", {"city": "Lima"})
    assert [t.name for t in first.tools] == ["get_weather"]
    assert first.tools[0].parameters["properties"] == {"city": {"type": "string"}}
    result = second.messages[-1]
    assert result.role == "tool"
    assert result.parts == (ToolResultPart("tooluse_1", "get_weather", '{"temp_c":21}'),)


def test_streamed_parallel_calls_join_their_input_fragments() -> None:
    (it,) = load_fixture("bedrock_converse", "parallel_calls.yaml")
    assert it.response.parts == (
        ToolCallPart("tooluse_Lima", "get_weather", {"city": "Lima"}),
        ToolCallPart("tooluse_Quito", "get_weather", {"city": "Quito"}),
    )
    assert it.finish_reason == "tool_call"


def test_reasoning_text_is_shown_and_its_signature_is_not() -> None:
    (it,) = load_fixture("bedrock_converse", "reasoning.yaml")
    assert it.response.parts == (
        ReasoningPart("221 = 13 x 17, so not prime."),
        TextPart("No: 221 = 13 × 17."),
    )
    assert "RXVnQ2tZSUJ" not in str(it.response)


def test_http_error_takes_its_type_from_the_header() -> None:
    http, stream = load_fixture("bedrock_converse", "error.yaml")
    assert http.response is None
    assert http.error.type == "UnrecognizedClientException"
    assert http.error.message == "The security token included in the request is invalid."
    assert (stream.error.type, stream.error.message) == ("throttlingException", "Too many requests")
    assert stream.response.text == "Ele"
    assert stream.chunks[-1].kind == "error"


def test_crc_mismatch_and_truncation_keep_what_was_read() -> None:
    damaged, cut = load_fixture("bedrock_converse", "damaged_stream.yaml")
    assert any("CRC mismatch" in w.message for w in damaged.warnings)
    assert damaged.response.text == " is prime."  # the damaged first delta is dropped, not guessed
    assert any("longer than the body" in w.message for w in cut.warnings)
    assert cut.response.text == "Eleven is prime."
    assert cut.usage is None  # the metadata frame was the one cut off


def test_unknown_events_and_bad_tool_input_are_shown_not_raised() -> None:
    body = eventstream(
        ("messageStart", {"role": "assistant"}),
        (
            "contentBlockStart",
            {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "t", "name": "f"}}},
        ),
        ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": '{"a": '}}}),
        ("surpriseEvent", {"x": 1}),
    ) + event_frame("messageStop", {"stopReason": "brand_new_reason"})
    it = decode_one(f"{NOVA}/converse-stream", BEDROCK_TEXT_REQ, body, content_type=ES)
    (call,) = it.response.parts
    assert isinstance(call, ToolCallPart)
    assert call.arguments == '{"a": '
    assert call.arguments_error
    assert any("surpriseEvent" in w.message for w in it.warnings)
    assert (it.finish_reason, it.finish_reason_raw) == ("other", "brand_new_reason")


_STREAM_URLS = (
    f"{NOVA}/converse-stream",
    "https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent?alt=sse",
    "https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent",
    "http://localhost:11434/api/chat",
    "http://localhost:11434/api/generate",
    "https://api.cohere.com/v2/chat",
)


_BODIES = st.one_of(
    st.binary(max_size=400).map(lambda b: eventstream(("messageStart", {})) + b),
    st.text(max_size=400).map(str.encode),
)


@settings(max_examples=80, deadline=None)
@given(url=st.sampled_from(_STREAM_URLS), body=_BODIES)
def test_any_streamed_body_decodes_without_raising(url: str, body: bytes) -> None:
    """The decoders themselves, not only the registry's safety net, survive arbitrary bytes."""
    request = b'{"stream": true, "messages": [{"role": "user"}]}'
    raw = RawInteraction(
        0,
        RawRequest("POST", url, (), request),
        RawResponse(200, (("Content-Type", ES),), body),
    )
    ex = make_exchange(raw)
    decoder = next(d for d in DECODERS if d.detect(ex))
    decoded = decoder.decode(ex)
    assert decoded.api == decoder.name
