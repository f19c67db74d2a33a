"""Legacy completions, embeddings, model lists and images: labelled and summarized."""

from __future__ import annotations

import base64
import json
import struct
from typing import Any

import pytest

from app.apis import decode_interaction
from app.formats.base import RawInteraction, RawRequest, RawResponse
from app.model import Interaction, TextPart

API = "https://api.openai.com/v1"


def exchange(
    path: str,
    request: Any,
    response: Any,
    *,
    method: str = "POST",
    status: int = 200,
    stream: bool = False,
) -> Interaction:
    body = response if isinstance(response, str) else json.dumps(response)
    raw = RawInteraction(
        index=0,
        request=RawRequest(
            method, API + path, (), None if request is None else json.dumps(request).encode()
        ),
        response=RawResponse(
            status,
            (("Content-Type", "text/event-stream" if stream else "application/json"),),
            body.encode(),
        ),
    )
    return decode_interaction(raw)


def vectors(count: int, dims: int, *, b64: bool) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        floats = [0.5] * dims
        value: Any = base64.b64encode(struct.pack(f"<{dims}f", *floats)).decode() if b64 else floats
        out.append({"object": "embedding", "index": i, "embedding": value})
    return out


@pytest.mark.parametrize("b64", [True, False])
def test_embeddings_are_summarized_not_shown_as_a_conversation(b64: bool) -> None:
    request = {"model": "text-embedding-3-small", "input": ["a", "b", "c"]}
    response = {
        "object": "list",
        "data": vectors(3, 1536, b64=b64),
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 3, "total_tokens": 3},
    }
    it = exchange("/embeddings", request, response)
    assert it.api == "openai.embeddings"
    assert it.summary == "3 inputs -> 3 vectors x 1536 dims"
    assert it.messages == ()
    assert it.response is None
    assert it.usage is not None
    assert (it.usage.input_tokens, it.usage.output_tokens) == (3, None)


def test_embedding_of_one_token_array_counts_one_input() -> None:
    response = {"object": "list", "data": vectors(1, 4, b64=False), "model": "m"}
    it = exchange("/embeddings", {"model": "m", "input": [101, 102, 103]}, response)
    assert it.summary == "1 input -> 1 vector x 4 dims"


def test_embedding_error() -> None:
    body = {"error": {"message": "bad model", "type": "invalid_request_error"}}
    it = exchange("/embeddings", {"model": "m", "input": "x"}, body, status=400)
    assert it.summary == "1 input -> error"
    assert it.error is not None
    assert it.error.message == "bad model"


def test_ollama_native_embeddings_are_not_claimed() -> None:
    it = exchange("/api/embeddings", {"model": "m", "prompt": "x"}, {"embedding": [0.1]})
    assert it.api != "openai.embeddings"


def test_completion_prompt_and_text() -> None:
    response = {
        "object": "text_completion",
        "model": "gpt-3.5-turbo-instruct",
        "choices": [{"text": " blue", "index": 0, "finish_reason": "length"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }
    it = exchange(
        "/completions", {"model": "gpt-3.5-turbo-instruct", "prompt": ["The sky is"]}, response
    )
    assert it.api == "openai.completions"
    assert [m.parts for m in it.messages] == [(TextPart("The sky is"),)]
    assert it.response is not None
    assert it.response.text == " blue"
    assert (it.finish_reason, it.finish_reason_raw) == ("length", "length")


def test_streamed_completion_matches_the_plain_one() -> None:
    pieces = [" bl", "ue", ""]
    chunks = [
        {
            "object": "text_completion",
            "model": "m",
            "choices": [{"text": p, "index": 0, "finish_reason": "stop" if not p else None}],
        }
        for p in pieces
    ]
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    streamed = exchange(
        "/completions", {"model": "m", "prompt": "x", "stream": True}, body, stream=True
    )
    plain = exchange(
        "/completions",
        {"model": "m", "prompt": "x"},
        {"model": "m", "choices": [{"text": " blue", "index": 0, "finish_reason": "stop"}]},
    )
    assert streamed.response == plain.response
    assert streamed.finish_reason == plain.finish_reason == "stop"
    assert [c.kind for c in streamed.chunks] == ["text", "text", "finish", "other"]


def test_model_list() -> None:
    models = {
        "object": "list",
        "data": [{"id": "a", "object": "model"}, {"id": "b", "object": "model"}],
    }
    it = exchange("/models", None, models, method="GET")
    assert (it.api, it.summary) == ("unknown", "model list: 2 models")


def test_image_generation() -> None:
    request = {"model": "dall-e-2", "prompt": "An otter cooking pasta"}
    it = exchange("/images/generations", request, {"data": [{"url": "https://img.test/1.png"}]})
    assert it.api == "unknown"
    assert it.summary == "image generations for 'An otter cooking pasta' -> 1 image (url)"
    assert it.messages == ()
