"""The Chat Completions decoder on exchanges built here, one behaviour per test."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.apis import decode_interaction
from app.formats.base import RawInteraction, RawRequest, RawResponse
from app.model import Interaction, ReasoningPart, TextPart, ToolCallPart

OPENAI = "https://api.openai.com/v1/chat/completions"


def exchange(
    request: Any,
    response: bytes | str | dict[str, Any] | None,
    *,
    url: str = OPENAI,
    status: int = 200,
    stream: bool = False,
) -> Interaction:
    body = json.dumps(response) if isinstance(response, dict) else response
    content_type = "text/event-stream" if stream else "application/json"
    raw = RawInteraction(
        index=0,
        request=RawRequest("POST", url, (), json.dumps(request).encode()),
        response=RawResponse(
            status,
            (("Content-Type", content_type),),
            body.encode() if isinstance(body, str) else body,
        ),
    )
    return decode_interaction(raw)


def sse(*chunks: Any, done: bool = True) -> str:
    events = [f"data: {c if isinstance(c, str) else json.dumps(c)}\n\n" for c in chunks]
    return "".join(events) + ("data: [DONE]\n\n" if done else "")


def delta(d: dict[str, Any], finish: str | None = None, **top: Any) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion.chunk",
        "model": "m",
        "choices": [{"index": 0, "delta": d, "finish_reason": finish}],
        **top,
    }


def completion(message: dict[str, Any], finish: str = "stop", **top: Any) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion",
        "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        **top,
    }


ASK = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
USAGE = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}


# ---- streamed and non-streamed agree ---------------------------------------------------------

CASES: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {
    "text": (
        {"role": "assistant", "content": "Hello there"},
        [{"role": "assistant", "content": ""}, {"content": "Hel"}, {"content": "lo there"}],
    ),
    "parallel tool calls": (
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "a", "type": "function", "function": {"name": "f", "arguments": '{"x":1}'}},
                {"id": "b", "type": "function", "function": {"name": "g", "arguments": '{"y":2}'}},
            ],
        },
        [
            {"tool_calls": [{"index": 0, "id": "a", "function": {"name": "f", "arguments": ""}}]},
            {
                "tool_calls": [
                    {"index": 1, "id": "b", "function": {"name": "g", "arguments": '{"y'}}
                ]
            },
            {"tool_calls": [{"index": 0, "function": {"arguments": '{"x":'}}]},
            {"tool_calls": [{"index": 1, "function": {"arguments": '":2}'}}]},
            {"tool_calls": [{"index": 0, "function": {"arguments": "1}"}}]},
        ],
    ),
    "openrouter reasoning details": (
        {
            "role": "assistant",
            "content": "No.",
            "reasoning": "13 x 17",
            "reasoning_details": [
                {"type": "reasoning.text", "text": "13 x 17", "signature": "sig", "index": 0}
            ],
        },
        [
            {
                "reasoning": "13 x",
                "reasoning_details": [{"type": "reasoning.text", "text": "13 x", "index": 0}],
            },
            {
                "reasoning": " 17",
                "reasoning_details": [{"type": "reasoning.text", "text": " 17", "index": 0}],
            },
            {"reasoning_details": [{"type": "reasoning.text", "signature": "sig", "index": 0}]},
            {"content": "No."},
        ],
    ),
    "deepseek reasoning_content": (
        {"role": "assistant", "content": "289", "reasoning_content": "17*17"},
        [{"reasoning_content": "17"}, {"reasoning_content": "*17"}, {"content": "289"}],
    ),
    "mistral thinking chunks": (
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": [{"type": "text", "text": "Let me see"}]},
                {"type": "text", "text": "Yes"},
            ],
        },
        [
            {"content": [{"type": "thinking", "thinking": [{"type": "text", "text": "Let"}]}]},
            {"content": [{"type": "thinking", "thinking": [{"type": "text", "text": " me see"}]}]},
            {"content": "Yes"},
        ],
    ),
    "refusal": (
        {"role": "assistant", "content": None, "refusal": "I can't."},
        [{"refusal": "I can"}, {"refusal": "'t."}],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_streamed_and_plain_decode_to_the_same_message(case: str) -> None:
    message, deltas = CASES[case]
    finish = "tool_calls" if "tool_calls" in message else "stop"
    plain = exchange(ASK, completion(message, finish, usage=USAGE))
    chunks = [delta(d) for d in deltas]
    chunks += [delta({}, finish), {"id": "c1", "choices": [], "usage": USAGE}]
    streamed = exchange({**ASK, "stream": True}, sse(*chunks), stream=True)
    assert plain.response is not None
    assert plain.response.parts  # the case decodes to something
    assert streamed.response == plain.response
    assert (streamed.finish_reason, streamed.usage) == (plain.finish_reason, plain.usage)
    assert streamed.streaming
    assert not plain.streaming
    assert streamed.warnings == plain.warnings == ()


# ---- request side ----------------------------------------------------------------------------


def test_request_messages_roles_media_and_tool_results_named_after_their_call() -> None:
    request = {
        "model": "m",
        "messages": [
            {"role": "system", "content": "sys"},
            {"role": "developer", "content": [{"type": "text", "text": "dev"}]},
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                    {"type": "image_url", "image_url": "https://x.test/a.png"},  # Mistral
                    {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}},
                    {"type": "file", "file": {"file_data": "data:application/pdf;base64,AA"}},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c9", "type": "function", "function": {"name": "add", "arguments": "{"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c9", "content": [{"type": "text", "text": "5"}]},
            {"role": "function", "name": "legacy", "content": "old"},
        ],
        "tools": [
            {
                "type": "function",
                "function": {"name": "add", "description": "sum", "parameters": {}},
            }
        ],
    }
    it = exchange(request, completion({"role": "assistant", "content": "ok"}))
    roles = [m.role for m in it.messages]
    assert roles == ["system", "developer", "user", "assistant", "tool", "tool"]
    media = [
        (p.type, getattr(p, "media_type", None), getattr(p, "url", 0)) for p in it.messages[2].parts
    ]
    assert media == [
        ("image", "image/png", None),
        ("image", None, "https://x.test/a.png"),
        ("audio", "audio/wav", None),
        ("file", "application/pdf", None),
    ]
    call = it.messages[3].parts[0]
    assert isinstance(call, ToolCallPart)
    assert call.arguments == "{"
    assert call.arguments_error
    result = it.messages[4].parts[0]
    assert (result.tool_call_id, result.name, result.content) == ("c9", "add", "5")  # type: ignore[union-attr]
    assert it.messages[5].parts[0].name == "legacy"  # type: ignore[union-attr]
    assert [(t.name, t.description) for t in it.tools] == [("add", "sum")]


def test_unknown_content_is_kept_not_dropped() -> None:
    request = {"model": "m", "messages": [{"role": "user", "content": [{"type": "hologram"}]}]}
    it = exchange(request, completion({"role": "assistant", "content": "ok"}))
    assert it.messages[0].parts[0].type == "unknown"


# ---- streams ---------------------------------------------------------------------------------


def test_repeated_id_continues_a_call_and_a_new_id_at_the_same_index_starts_one() -> None:
    body = sse(
        delta(
            {"tool_calls": [{"index": 0, "id": "a", "function": {"name": "f", "arguments": "{"}}]}
        ),
        delta({"tool_calls": [{"index": 0, "id": "a", "function": {"arguments": "}"}}]}),
        delta(
            {"tool_calls": [{"index": 0, "id": "b", "function": {"name": "g", "arguments": "{}"}}]}
        ),
        delta({}, "tool_calls"),
    )
    it = exchange({**ASK, "stream": True}, body, stream=True)
    assert it.response is not None
    calls = [(p.id, p.name, p.arguments) for p in it.response.parts if isinstance(p, ToolCallPart)]
    assert calls == [("a", "f", {}), ("b", "g", {})]


def test_chunk_kinds_follow_what_each_event_carried() -> None:
    body = sse(
        delta({"role": "assistant", "content": ""}),
        delta({"reasoning_content": "hm"}),
        delta({"content": "Hi"}),
        delta(
            {"tool_calls": [{"index": 0, "id": "a", "function": {"name": "f", "arguments": "{}"}}]}
        ),
        delta({}, "stop"),
        {"id": "c1", "choices": [], "usage": USAGE},
    )
    it = exchange({**ASK, "stream": True}, body, stream=True)
    kinds = [c.kind for c in it.chunks]
    assert kinds == ["other", "reasoning", "text", "tool_call", "finish", "usage", "other"]
    assert [c.seq for c in it.chunks] == list(range(7))
    assert it.chunks[-1].data == "[DONE]"


def test_mid_stream_error_keeps_the_partial_answer() -> None:
    body = sse(
        delta({"content": "Once upon"}),
        {"error": {"message": "overloaded", "type": "server_error"}},
        done=False,
    )
    it = exchange({**ASK, "stream": True}, body, stream=True)
    assert it.error is not None
    assert it.error.message == "overloaded"
    assert it.response is not None
    assert it.response.text == "Once upon"
    assert it.chunks[-1].kind == "error"


def test_groq_whole_calls_and_x_groq_usage() -> None:
    call = {
        "index": 0,
        "id": "g1",
        "type": "function",
        "function": {"name": "f", "arguments": '{"a":1}'},
    }
    body = sse(
        delta({"role": "assistant", "tool_calls": [call]}),
        delta({}, "tool_calls", x_groq={"id": "r", "usage": {**USAGE, "queue_time": 0.1}}),
    )
    it = exchange(
        {**ASK, "stream": True},
        body,
        url="https://api.groq.com/openai/v1/chat/completions",
        stream=True,
    )
    assert it.provider == "groq"
    assert it.response is not None
    assert it.response.parts == (ToolCallPart("g1", "f", {"a": 1}),)
    assert it.usage is not None
    assert (it.usage.input_tokens, it.usage.output_tokens) == (10, 5)


def test_azure_prompt_filter_chunk_and_content_filter_finish() -> None:
    verdict = {"violence": {"filtered": True, "severity": "high"}}
    first = {
        "choices": [],
        "id": "",
        "model": "",
        "created": 0,
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}],
    }
    last = delta({}, "content_filter")
    last["choices"][0]["content_filter_results"] = verdict
    url = "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21"
    it = exchange(
        {"messages": ASK["messages"], "stream": True},
        sse(first, delta({"content": "The"}), last),
        url=url,
        stream=True,
    )
    assert (it.provider, it.model) == ("azure", "m")
    assert (it.finish_reason, it.finish_reason_raw) == ("content_filter", "content_filter")
    assert [w.message for w in it.warnings] == ["content filter flagged: violence"]


# ---- usage and cost --------------------------------------------------------------------------


def test_xai_completion_tokens_leave_reasoning_out_and_are_added_back() -> None:
    use = {
        "prompt_tokens": 165,
        "completion_tokens": 2,
        "total_tokens": 296,
        "completion_tokens_details": {"reasoning_tokens": 129},
    }
    it = exchange(
        ASK,
        completion({"role": "assistant", "content": "hi"}, usage=use),
        url="https://api.x.ai/v1/chat/completions",
    )
    assert it.usage is not None
    assert (it.usage.input_tokens, it.usage.output_tokens, it.usage.total_tokens) == (165, 131, 296)


def test_openai_completion_tokens_already_include_reasoning() -> None:
    use = {
        "prompt_tokens": 190,
        "completion_tokens": 379,
        "total_tokens": 569,
        "completion_tokens_details": {"reasoning_tokens": 320},
    }
    it = exchange(ASK, completion({"role": "assistant", "content": "hi"}, usage=use))
    assert it.usage is not None
    assert (it.usage.output_tokens, it.usage.reasoning_tokens) == (
        379,
        320,
    )


@pytest.mark.parametrize(
    ("cost", "expected"), [(0.0012, 0.0012), ({"usd": 0.5, "hypercredits": 9}, 0.5), ("0.25", 0.25)]
)
def test_reported_cost(cost: Any, expected: float) -> None:
    it = exchange(
        ASK, completion({"role": "assistant", "content": "hi"}, usage={**USAGE, "cost": cost})
    )
    assert it.usage is not None
    assert (it.usage.cost_usd, it.usage.cost_source) == (expected, "reported")


def test_usage_absent_is_null_not_zero() -> None:
    it = exchange(ASK, completion({"role": "assistant", "content": "hi"}))
    assert it.usage is None


# ---- errors and bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind", "message"),
    [
        (
            {
                "error": {
                    "message": "bad key",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            },
            "invalid_request_error",
            "bad key",
        ),
        ({"error": {"message": "no credits", "code": 402}}, "402", "no credits"),
        ({"detail": "Invalid API Key"}, "http_401", "Invalid API Key"),
        (
            {"object": "error", "message": "model not found", "type": "NotFoundError"},
            "NotFoundError",
            "model not found",
        ),
    ],
)
def test_http_error_bodies(body: dict[str, Any], kind: str, message: str) -> None:
    it = exchange(ASK, body, status=401)
    assert it.error is not None
    assert (it.error.type, it.error.message) == (kind, message)
    assert it.response is None


def test_truncated_stream_with_a_broken_chunk_decodes_what_it_can() -> None:
    body = sse(
        delta({"content": "Rain"}),
        '{"choices":[{"delta":{"content":" on',
        delta({"content": " roofs"}),
        done=False,
    )
    it = exchange({**ASK, "stream": True}, body, stream=True)
    assert it.response is not None
    assert it.response.text == "Rain roofs"
    notes = " ".join(w.message for w in it.warnings)
    assert "event 1 is not a JSON object" in notes
    assert "cut short" in notes


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_stream_bytes_never_raise(body: bytes) -> None:
    it = exchange({**ASK, "stream": True}, b"data: " + body, stream=True)
    assert it.api == "openai.chat"
    assert not [w for w in it.warnings if "decoder failed" in w.message]


# ---- detection and providers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "response", "provider", "upstream"),
    [
        ("<OLLAMA_API_BASE>/chat/completions", completion({"content": "x"}), "ollama", None),
        (
            "http://localhost:11434/v1/chat/completions",
            completion({"content": "x"}, system_fingerprint="fp_ollama"),
            "ollama",
            None,
        ),
        (
            OPENAI,
            completion({"content": "x"}, id="gen-17-abc", provider="Novita"),
            "openrouter",
            "Novita",
        ),
        (
            "https://router.huggingface.co/together/v1/chat/completions",
            completion({"content": "x"}),
            "huggingface",
            "together",
        ),
        (
            "https://ai-gateway.vercel.sh/v1/chat/completions",
            completion(
                {
                    "content": "x",
                    "provider_metadata": {"gateway": {"routing": {"finalProvider": "anthropic"}}},
                }
            ),
            "vercel",
            "anthropic",
        ),
    ],
)
def test_provider_from_host_and_body(
    url: str, response: dict[str, Any], provider: str, upstream: str | None
) -> None:
    it = exchange(ASK, response, url=url)
    assert (it.api, it.provider, it.upstream_provider) == ("openai.chat", provider, upstream)


def test_detects_chat_bodies_on_a_custom_proxy_path() -> None:
    it = exchange(ASK, completion({"content": "x"}), url="https://proxy.internal/llm")
    assert it.api == "openai.chat"
    assert it.response is not None
    assert it.response.parts == (TextPart("x"),)


def test_reasoning_encrypted_detail_is_a_redacted_reasoning_part() -> None:
    details = [{"type": "reasoning.encrypted", "data": "opaque", "format": "google-gemini-v1"}]
    it = exchange(ASK, completion({"content": "x", "reasoning_details": details}))
    assert it.response is not None
    assert it.response.parts == (ReasoningPart("", redacted=True), TextPart("x"))


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [("function_call", "tool_call"), ("length", "length"), ("weird", "other")],
)
def test_finish_reason_normalized_with_raw_kept(raw: str, normalized: str) -> None:
    it = exchange(ASK, completion({"content": "x"}, raw))
    assert (it.finish_reason, it.finish_reason_raw) == (normalized, raw)
