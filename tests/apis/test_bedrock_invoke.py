"""Bedrock InvokeModel with the native bodies of non-Anthropic families (Nova, Llama, Titan,
embedding models): each becomes a readable exchange labelled `bedrock.invoke`."""

from __future__ import annotations

import base64
import json
from typing import Any

from app.apis import decode_interaction
from app.formats.base import RawInteraction, RawRequest, RawResponse
from app.model import Interaction, TextPart
from tests.fixtures.apis.anthropic.make_fixtures import eventstream_frame

BASE = "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
EVENT = {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}


def chunks(*events: dict[str, Any]) -> bytes:
    return b"".join(
        eventstream_frame(
            json.dumps({"bytes": base64.b64encode(json.dumps(e).encode()).decode()}).encode(),
            EVENT,
        )
        for e in events
    )


def decode(model_path: str, request: dict[str, Any], body: bytes, stream: bool) -> Interaction:
    ctype = "application/vnd.amazon.eventstream" if stream else "application/json"
    raw = RawInteraction(
        0,
        RawRequest("POST", BASE + model_path, (), json.dumps(request).encode()),
        RawResponse(200, (("Content-Type", ctype),), body),
    )
    return decode_interaction(raw)


def test_nova_stream_reads_like_converse() -> None:
    body = chunks(
        {"messageStart": {"role": "assistant"}},
        {"contentBlockDelta": {"delta": {"text": "Hello "}, "contentBlockIndex": 0}},
        {"contentBlockDelta": {"delta": {"text": "there."}, "contentBlockIndex": 0}},
        {"messageStop": {"stopReason": "end_turn"}},
        {"metadata": {"usage": {"inputTokens": 7, "outputTokens": 3}}},
    )
    request = {
        "system": [{"text": "Be kind."}],
        "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
    }
    it = decode("amazon.nova-lite-v1%3A0/invoke-with-response-stream", request, body, True)
    assert (it.api, it.provider, it.model) == ("bedrock.invoke", "bedrock", "amazon.nova-lite-v1:0")
    assert [(m.role, m.text) for m in it.messages] == [("system", "Be kind."), ("user", "Hi")]
    assert it.response is not None
    assert it.response.text == "Hello there."
    assert (it.finish_reason, it.finish_reason_raw) == ("stop", "end_turn")
    assert it.usage is not None
    assert (it.usage.input_tokens, it.usage.output_tokens) == (7, 3)
    assert [c.event for c in it.chunks][:2] == ["messageStart", "contentBlockDelta"]


def test_llama_stream_joins_generations_and_reads_the_metrics() -> None:
    body = chunks(
        {"generation": "Lorem", "prompt_token_count": 9, "stop_reason": None},
        {
            "generation": " ipsum.",
            "stop_reason": "length",
            "amazon-bedrock-invocationMetrics": {"inputTokenCount": 9, "outputTokenCount": 2},
        },
    )
    it = decode(
        "meta.llama3-8b-instruct-v1%3A0/invoke-with-response-stream",
        {"prompt": "Say lorem"},
        body,
        True,
    )
    assert it.messages[0].parts == (TextPart("Say lorem"),)
    assert it.response is not None
    assert it.response.text == "Lorem ipsum."
    assert (it.finish_reason, it.finish_reason_raw) == ("length", "length")
    assert it.usage is not None
    assert (it.usage.input_tokens, it.usage.output_tokens) == (9, 2)


def test_embedding_call_is_summarised_not_answered() -> None:
    body = json.dumps({"embedding": [0.1, 0.2, 0.3], "inputTextTokenCount": 4}).encode()
    it = decode("amazon.titan-embed-text-v2%3A0/invoke", {"inputText": "hello"}, body, False)
    assert it.api == "bedrock.invoke"
    assert it.response is None
    assert it.summary == "embed: 1 input -> 1 vector x 3 dims"
    assert it.usage is not None
    assert it.usage.input_tokens == 4


def test_exception_frame_is_an_error() -> None:
    body = chunks({"generation": "Half", "stop_reason": None}) + eventstream_frame(
        json.dumps({"message": "Model timed out"}).encode(),
        {":message-type": "exception", ":exception-type": "modelTimeoutException"},
    )
    it = decode(
        "meta.llama3-8b-instruct-v1%3A0/invoke-with-response-stream", {"prompt": "Go"}, body, True
    )
    assert it.error is not None
    assert (it.error.type, it.error.message) == ("modelTimeoutException", "Model timed out")
    assert it.response is not None
    assert it.response.text == "Half"


def test_mistral_chat_stream_joins_message_pieces() -> None:
    """Mistral's chat models stream `choices[].message` pieces (not `delta`) with
    `stop_reason`: before, the answer came out empty without a word."""
    piece = {"role": "assistant", "content": "Bonjour"}
    body = chunks(
        {"choices": [{"index": 0, "message": piece, "stop_reason": None}]},
        {
            "choices": [
                {"index": 0, "message": {**piece, "content": " !"}, "stop_reason": "length"}
            ],
            "amazon-bedrock-invocationMetrics": {"inputTokenCount": 6, "outputTokenCount": 3},
        },
    )
    request = {"messages": [{"role": "user", "content": "Say hello in French"}]}
    it = decode(
        "mistral.mistral-large-2407-v1%3A0/invoke-with-response-stream", request, body, True
    )
    assert it.response is not None
    assert it.response.text == "Bonjour !"
    assert (it.finish_reason, it.finish_reason_raw) == ("length", "length")
    assert [c.kind for c in it.chunks] == ["text", "finish"]


def test_jamba_stream_counts_come_in_a_chunk_of_their_own() -> None:
    body = chunks(
        {"choices": [{"index": 0, "delta": {"content": "Hej."}, "finish_reason": "stop"}]},
        {"amazon-bedrock-invocationMetrics": {"inputTokenCount": 5, "outputTokenCount": 2}},
    )
    request = {"messages": [{"role": "user", "content": "Greet me in Danish"}]}
    it = decode("ai21.jamba-1-5-large-v1%3A0/invoke-with-response-stream", request, body, True)
    assert it.response is not None
    assert it.response.text == "Hej."
    assert [c.kind for c in it.chunks] == ["finish", "usage"]
    assert it.usage is not None
    assert (it.usage.input_tokens, it.usage.output_tokens) == (5, 2)
