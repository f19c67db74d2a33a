"""Writes the hand-made fixtures of the Gemini, Bedrock Converse, Ollama and Cohere decoders, and
the sample cassettes under cassettes/, as vcrpy YAML.

Run `python tests/apis/native_fixtures.py` after changing a case here, then
`pytest tests/apis/test_golden.py --update-goldens` and read the golden diff. The answers are
written once and then framed per API (non-streamed, SSE, JSON array, NDJSON, AWS event-stream),
so a streamed fixture and its non-streamed twin carry the same answer by construction.

AWS event-stream frames are built here with real CRCs (`binascii.crc32`), which also lets tests
damage one byte on purpose.
"""

from __future__ import annotations

import binascii
import json
import struct
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "apis"
SAMPLES = REPO / "cassettes"

Interaction = dict[str, Any]


def js(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def exchange(
    url: str,
    request: Any,
    body: str | bytes,
    *,
    status: int = 200,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
    method: str = "POST",
) -> Interaction:
    resp_headers = {"Content-Type": [content_type]}
    resp_headers.update({k: [v] for k, v in (headers or {}).items()})
    return {
        "request": {
            "body": js(request) if request is not None else None,
            "headers": {"Content-Type": ["application/json"]},
            "method": method,
            "uri": url,
        },
        "response": {
            "body": {"string": body},
            "headers": resp_headers,
            "status": {"code": status, "message": "OK" if status < 400 else "Error"},
        },
    }


def write(path: Path, *interactions: Interaction) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"interactions": list(interactions), "version": 1}
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100))


# --- AWS event-stream ----------------------------------------------------------------------


def _header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return (
        bytes([len(raw_name)]) + raw_name + b"\x07" + struct.pack(">H", len(raw_value)) + raw_value
    )


def event_frame(event: str, payload: Any, message_type: str = "event") -> bytes:
    """One event-stream message: prelude + its CRC, typed string headers, payload, message CRC."""
    kind = ":exception-type" if message_type == "exception" else ":event-type"
    headers = (
        _header(kind, event)
        + _header(":content-type", "application/json")
        + _header(":message-type", message_type)
    )
    body = js({**payload, "p": "abcdefgh"}).encode()
    total = 12 + len(headers) + len(body) + 4
    prelude = struct.pack(">II", total, len(headers))
    head = prelude + struct.pack(">I", binascii.crc32(prelude))
    message = head + headers + body
    return message + struct.pack(">I", binascii.crc32(message))


def eventstream(*events: tuple[str, Any]) -> bytes:
    return b"".join(event_frame(name, payload) for name, payload in events)


# --- Gemini --------------------------------------------------------------------------------

GEMINI = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash"
VERTEX = (
    "https://us-central1-aiplatform.googleapis.com/v1/projects/demo/locations/us-central1"
    "/publishers/google/models/gemini-2.5-pro"
)
WEATHER_DECL = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "parameters": {
        "type": "OBJECT",
        "properties": {"city": {"type": "STRING"}},
        "required": ["city"],
    },
}
GEMINI_TEXT_REQ = {
    "systemInstruction": {"parts": [{"text": "Answer in one short sentence."}]},
    "contents": [
        {
            "role": "user",
            "parts": [
                {"text": "What is in this picture?"},
                {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgoAAAANSUhEUg=="}},
            ],
        }
    ],
}
GEMINI_TEXT_CHUNKS = ["A red bicycle ", "leaning against ", "a brick wall."]
GEMINI_USAGE = {
    "promptTokenCount": 270,
    "candidatesTokenCount": 9,
    "thoughtsTokenCount": 31,
    "cachedContentTokenCount": 200,
    "totalTokenCount": 310,
}


def gemini_chunk(parts: list[Any], usage: dict[str, int], finish: str | None = None) -> Any:
    cand: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish:
        cand["finishReason"] = finish
    return {"candidates": [cand], "usageMetadata": usage, "modelVersion": "gemini-2.5-flash"}


def gemini_stream_chunks() -> list[Any]:
    partial = {"promptTokenCount": 270, "totalTokenCount": 270}
    return [
        gemini_chunk([{"text": GEMINI_TEXT_CHUNKS[0]}], partial),
        gemini_chunk([{"text": GEMINI_TEXT_CHUNKS[1]}], partial),
        gemini_chunk([{"text": GEMINI_TEXT_CHUNKS[2]}], GEMINI_USAGE, "STOP"),
    ]


def sse(events: list[Any], sep: str = "\r\n\r\n") -> str:
    return "".join(f"data: {js(e)}{sep}" for e in events)


def gemini_cases() -> None:
    out = FIXTURES / "gemini"
    whole = gemini_chunk([{"text": "".join(GEMINI_TEXT_CHUNKS)}], GEMINI_USAGE, "STOP")
    write(out / "text.yaml", exchange(f"{GEMINI}:generateContent", GEMINI_TEXT_REQ, js(whole)))
    write(
        out / "streamed_sse.yaml",
        exchange(
            f"{GEMINI}:streamGenerateContent?alt=sse",
            GEMINI_TEXT_REQ,
            sse(gemini_stream_chunks()),
            content_type="text/event-stream",
        ),
    )
    array = "[" + ",\r\n".join(js(c) for c in gemini_stream_chunks()) + "]"
    write(
        out / "streamed_array.yaml",
        exchange(f"{GEMINI}:streamGenerateContent", GEMINI_TEXT_REQ, array),
    )
    ask = {"role": "user", "parts": [{"text": "Weather in Paris?"}]}
    call = {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}
    tools = [{"functionDeclarations": [WEATHER_DECL]}]
    first = {"contents": [ask], "tools": tools}
    answer = {"role": "model", "parts": [{**call, "thoughtSignature": "c2lnbmF0dXJl"}]}
    result = {
        "role": "user",
        "parts": [{"functionResponse": {"name": "get_weather", "response": {"output": "18 C"}}}],
    }
    u1 = {"promptTokenCount": 40, "candidatesTokenCount": 6, "totalTokenCount": 46}
    u2 = {"promptTokenCount": 60, "candidatesTokenCount": 8, "totalTokenCount": 68}
    write(
        out / "tool_call_vertex.yaml",
        exchange(f"{VERTEX}:generateContent", first, js(gemini_chunk(answer["parts"], u1, "STOP"))),
        exchange(
            f"{VERTEX}:generateContent",
            {"contents": [ask, answer, result], "tools": tools},
            js(gemini_chunk([{"text": "It is 18 C in Paris."}], u2, "STOP")),
        ),
    )
    gemini_parallel(out, tools)
    gemini_reasoning(out / "reasoning.yaml", tools)
    gemini_reasoning(SAMPLES / "gemini" / "thinking_tool_call_streamed.yaml", tools)
    error = {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}
    write(
        out / "error.yaml",
        exchange(f"{GEMINI}:generateContent", GEMINI_TEXT_REQ, js(error), status=400),
    )
    blocked = {
        "promptFeedback": {"blockReason": "SAFETY"},
        "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 12},
        "modelVersion": "gemini-2.5-flash",
    }
    write(out / "blocked.yaml", exchange(f"{GEMINI}:generateContent", GEMINI_TEXT_REQ, js(blocked)))
    embed_url = "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001"
    texts = ["alpha", "beta", "gamma"]
    write(
        out / "embed_and_count.yaml",
        exchange(
            f"{embed_url}:batchEmbedContents",
            {"requests": [{"content": {"parts": [{"text": t}]}} for t in texts]},
            js({"embeddings": [{"values": [0.1, 0.2, 0.3, 0.4]} for _ in texts]}),
        ),
        exchange(f"{GEMINI}:countTokens", {"contents": [ask]}, js({"totalTokens": 5})),
    )


def gemini_parallel(out: Path, tools: list[Any]) -> None:
    url = "https://generativelanguage.googleapis.com/v1beta/models/gemini-3-pro-preview"
    ask = {"role": "user", "parts": [{"text": "Weather in Paris and Rome?"}]}
    u = {"promptTokenCount": 50, "candidatesTokenCount": 20, "totalTokenCount": 70}
    chunks = [
        gemini_chunk(
            [
                {
                    "functionCall": {"id": "c1", "name": "get_weather", "args": {"city": "Paris"}},
                    "thoughtSignature": "c2ln",
                }
            ],
            {"promptTokenCount": 50, "totalTokenCount": 50},
        ),
        gemini_chunk(
            [{"functionCall": {"id": "c2", "name": "get_weather", "args": {"city": "Rome"}}}],
            u,
            "STOP",
        ),
    ]
    write(
        out / "parallel_calls.yaml",
        exchange(
            f"{url}:streamGenerateContent?alt=sse",
            {"contents": [ask], "tools": tools},
            sse(chunks),
            content_type="text/event-stream",
        ),
    )


def gemini_reasoning(path: Path, tools: list[Any]) -> None:
    url = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro"
    req = {
        "contents": [{"role": "user", "parts": [{"text": "Should I take an umbrella in Oslo?"}]}],
        "tools": tools,
        "generationConfig": {"thinkingConfig": {"includeThoughts": True}},
    }
    thought1 = "**Checking the forecast**\n\nThe user wants rain odds for Oslo. "
    thought2 = "I should call get_weather first."
    chunks = [
        gemini_chunk(
            [{"text": thought1, "thought": True}],
            {"promptTokenCount": 45, "thoughtsTokenCount": 60, "totalTokenCount": 105},
        ),
        gemini_chunk(
            [{"text": thought2, "thought": True}],
            {"promptTokenCount": 45, "thoughtsTokenCount": 88, "totalTokenCount": 133},
        ),
        gemini_chunk(
            [
                {
                    "functionCall": {"name": "get_weather", "args": {"city": "Oslo"}},
                    "thoughtSignature": "Q2lJQnZqNzIrOXp0",
                }
            ],
            {
                "promptTokenCount": 45,
                "candidatesTokenCount": 15,
                "thoughtsTokenCount": 88,
                "totalTokenCount": 148,
            },
            "STOP",
        ),
    ]
    write(
        path,
        exchange(
            f"{url}:streamGenerateContent?alt=sse",
            req,
            sse(chunks),
            content_type="text/event-stream",
        ),
    )


# --- Bedrock Converse ----------------------------------------------------------------------

BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
NOVA = BEDROCK + "us.amazon.nova-lite-v1%3A0"
CLAUDE = BEDROCK + "us.anthropic.claude-sonnet-4-5-20250929-v1%3A0"
ES = "application/vnd.amazon.eventstream"
BEDROCK_TOOL = {
    "toolSpec": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}},
    }
}
BEDROCK_TEXT_REQ = {
    "system": [{"text": "Be brief."}, {"cachePoint": {"type": "default"}}],
    "messages": [{"role": "user", "content": [{"text": "Name a prime number above 10."}]}],
    "inferenceConfig": {"maxTokens": 100},
}
BEDROCK_TEXT = ["Eleven", " is prime."]
BEDROCK_USAGE = {
    "inputTokens": 12,
    "outputTokens": 5,
    "totalTokens": 417,
    "cacheReadInputTokens": 400,
    "cacheWriteInputTokens": 0,
}


def bedrock_text_stream() -> bytes:
    return eventstream(
        ("messageStart", {"role": "assistant"}),
        *[
            ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": t}})
            for t in BEDROCK_TEXT
        ],
        ("contentBlockStop", {"contentBlockIndex": 0}),
        ("messageStop", {"stopReason": "end_turn"}),
        ("metadata", {"usage": BEDROCK_USAGE, "metrics": {"latencyMs": 310}}),
    )


def bedrock_cases() -> None:
    out = FIXTURES / "bedrock_converse"
    whole = {
        "output": {"message": {"role": "assistant", "content": [{"text": "".join(BEDROCK_TEXT)}]}},
        "stopReason": "end_turn",
        "usage": BEDROCK_USAGE,
        "metrics": {"latencyMs": 300},
    }
    write(out / "text.yaml", exchange(f"{NOVA}/converse", BEDROCK_TEXT_REQ, js(whole)))
    write(
        out / "streamed.yaml",
        exchange(
            f"{NOVA}/converse-stream", BEDROCK_TEXT_REQ, bedrock_text_stream(), content_type=ES
        ),
    )
    ask = {"role": "user", "content": [{"text": "Weather in Lima?"}]}
    use = {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {"city": "Lima"}}}
    said = {"role": "assistant", "content": [{"text": "Checking."}, use]}
    result = {
        "role": "user",
        "content": [
            {"toolResult": {"toolUseId": "tooluse_1", "content": [{"json": {"temp_c": 21}}]}}
        ],
    }
    tool_config = {"toolConfig": {"tools": [BEDROCK_TOOL]}}
    u = {"inputTokens": 80, "outputTokens": 20, "totalTokens": 100}
    write(
        out / "tool_call.yaml",
        exchange(
            f"{NOVA}/converse",
            {"messages": [ask], **tool_config},
            js({"output": {"message": said}, "stopReason": "tool_use", "usage": u}),
        ),
        exchange(
            f"{NOVA}/converse",
            {"messages": [ask, said, result], **tool_config},
            js(
                {
                    "output": {
                        "message": {"role": "assistant", "content": [{"text": "21 C in Lima."}]}
                    },
                    "stopReason": "end_turn",
                    "usage": u,
                }
            ),
        ),
    )
    parallel = eventstream(
        ("messageStart", {"role": "assistant"}),
        (
            "contentBlockStart",
            {
                "contentBlockIndex": 0,
                "start": {"toolUse": {"toolUseId": "tooluse_Lima", "name": "get_weather"}},
            },
        ),
        ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": '{"ci'}}}),
        (
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"toolUse": {"input": 'ty": "Lima"}'}}},
        ),
        ("contentBlockStop", {"contentBlockIndex": 0}),
        (
            "contentBlockStart",
            {
                "contentBlockIndex": 1,
                "start": {"toolUse": {"toolUseId": "tooluse_Quito", "name": "get_weather"}},
            },
        ),
        (
            "contentBlockDelta",
            {"contentBlockIndex": 1, "delta": {"toolUse": {"input": '{"city": "Quito"}'}}},
        ),
        ("contentBlockStop", {"contentBlockIndex": 1}),
        ("messageStop", {"stopReason": "tool_use"}),
        ("metadata", {"usage": u}),
    )
    write(
        out / "parallel_calls.yaml",
        exchange(
            f"{CLAUDE}/converse-stream",
            {"messages": [{"role": "user", "content": [{"text": "Lima, Quito?"}]}], **tool_config},
            parallel,
            content_type=ES,
        ),
    )
    write(
        out / "count_tokens.yaml",
        exchange(
            f"{CLAUDE}/count-tokens",
            {"input": {"converse": {"messages": [ask]}}},
            js({"inputTokens": 14}),
        ),
    )
    write(out / "reasoning.yaml", bedrock_reasoning())
    write(SAMPLES / "bedrock" / "converse_stream_reasoning.yaml", bedrock_reasoning())
    bedrock_errors(out)


def bedrock_reasoning() -> Interaction:
    req = {
        "messages": [{"role": "user", "content": [{"text": "Is 221 prime?"}]}],
        "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}},
    }
    body = eventstream(
        ("messageStart", {"role": "assistant"}),
        (
            "contentBlockDelta",
            {
                "contentBlockIndex": 0,
                "delta": {"reasoningContent": {"text": "221 = 13 x 17, "}},
            },
        ),
        (
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "so not prime."}}},
        ),
        (
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"signature": "RXVnQ2tZSUJ"}}},
        ),
        ("contentBlockStop", {"contentBlockIndex": 0}),
        ("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"text": "No: 221 = 13 × 17."}}),
        ("contentBlockStop", {"contentBlockIndex": 1}),
        ("messageStop", {"stopReason": "end_turn"}),
        (
            "metadata",
            {
                "usage": {
                    "inputTokens": 30,
                    "outputTokens": 42,
                    "totalTokens": 1572,
                    "cacheReadInputTokens": 0,
                    "cacheWriteInputTokens": 1500,
                },
                "metrics": {"latencyMs": 1200},
            },
        ),
    )
    return exchange(f"{CLAUDE}/converse-stream", req, body, content_type=ES)


def bedrock_errors(out: Path) -> None:
    write(
        out / "error.yaml",
        exchange(
            f"{NOVA}/converse",
            BEDROCK_TEXT_REQ,
            js({"message": "The security token included in the request is invalid."}),
            status=403,
            headers={"X-Amzn-Errortype": "UnrecognizedClientException:http://internal.amazon.com/"},
        ),
        exchange(
            f"{NOVA}/converse-stream",
            BEDROCK_TEXT_REQ,
            event_frame("messageStart", {"role": "assistant"})
            + event_frame("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Ele"}})
            + event_frame(
                "throttlingException", {"message": "Too many requests"}, message_type="exception"
            ),
            content_type=ES,
        ),
    )
    good = bedrock_text_stream()
    first_len = struct.unpack(">I", good[:4])[0]
    second_len = struct.unpack(">I", good[first_len : first_len + 4])[0]
    damaged = bytearray(good)
    damaged[first_len + second_len - 6] ^= 0xFF  # one payload byte of the second frame
    write(
        out / "damaged_stream.yaml",
        exchange(f"{NOVA}/converse-stream", BEDROCK_TEXT_REQ, bytes(damaged), content_type=ES),
        exchange(f"{NOVA}/converse-stream", BEDROCK_TEXT_REQ, good[:-10], content_type=ES),
    )


# --- Ollama --------------------------------------------------------------------------------

OLLAMA = "http://localhost:11434/api"
NDJSON = "application/x-ndjson"


def ndjson(lines: list[Any]) -> str:
    return "".join(js(line) + "\n" for line in lines)


def ollama_line(model: str, message: dict[str, Any] | None = None, **extra: Any) -> Any:
    line: dict[str, Any] = {"model": model, "created_at": "2025-08-20T13:47:56.68Z"}
    if message is not None:
        line["message"] = {"role": "assistant", "content": "", **message}
    return {**line, "done": False, **extra}


def ollama_done(model: str, reason: str = "stop", chat: bool = True, **counts: int) -> Any:
    line = ollama_line(model, {} if chat else None, done=True, done_reason=reason)
    line.update(total_duration=812000000, load_duration=5000000, eval_duration=600000000, **counts)
    if not chat:
        line["response"] = ""
    return line


def ollama_cases() -> None:
    out = FIXTURES / "ollama"
    model = "llama3.2"
    messages = [
        {"role": "system", "content": "Reply in French."},
        {"role": "user", "content": "Say hello."},
    ]
    text = ["Bon", "jour", " !"]
    counts = {"prompt_eval_count": 26, "eval_count": 4}
    whole = {
        **ollama_done(model, **counts),
        "message": {"role": "assistant", "content": "".join(text)},
    }
    write(
        out / "chat_text.yaml",
        exchange(
            f"{OLLAMA}/chat", {"model": model, "messages": messages, "stream": False}, js(whole)
        ),
    )
    write(
        out / "chat_streamed.yaml",
        exchange(
            f"{OLLAMA}/chat",
            {"model": model, "messages": messages},
            ndjson(
                [ollama_line(model, {"content": t}) for t in text] + [ollama_done(model, **counts)]
            ),
            content_type=NDJSON,
        ),
    )
    tools = [{"type": "function", "function": WEATHER_DECL | {"parameters": {"type": "object"}}}]
    ask = {"role": "user", "content": "Weather in Oslo and Bergen?"}
    calls = [
        {"function": {"name": "get_weather", "arguments": {"city": "Oslo"}}},
        {"function": {"name": "get_weather", "arguments": {"city": "Bergen"}}},
    ]
    said = {"role": "assistant", "content": "", "tool_calls": calls}
    results = [
        {"role": "tool", "tool_name": "get_weather", "content": "4 C, rain"},
        {"role": "tool", "tool_name": "get_weather", "content": "6 C, cloudy"},
    ]
    write(
        out / "chat_tool_calls.yaml",
        exchange(
            f"{OLLAMA}/chat",
            {"model": "qwen3", "messages": [ask], "tools": tools, "stream": False},
            js({**ollama_done("qwen3", prompt_eval_count=140, eval_count=40), "message": said}),
        ),
        exchange(
            f"{OLLAMA}/chat",
            {"model": "qwen3", "messages": [ask, said, *results], "tools": tools, "stream": False},
            js(
                {
                    **ollama_done("qwen3", prompt_eval_count=190, eval_count=12),
                    "message": {"role": "assistant", "content": "Oslo 4 C, Bergen 6 C."},
                }
            ),
        ),
    )
    reasoning = exchange(
        f"{OLLAMA}/chat",
        {"model": "qwen3", "messages": [{"role": "user", "content": "2+2?"}], "think": True},
        ndjson(
            [
                ollama_line("qwen3", {"thinking": "Two plus two "}),
                ollama_line("qwen3", {"thinking": "is four."}),
                ollama_line("qwen3", {"content": "4"}),
                ollama_done("qwen3", prompt_eval_count=12, eval_count=9),
            ]
        ),
        content_type=NDJSON,
    )
    write(out / "chat_reasoning.yaml", reasoning)
    write(SAMPLES / "ollama" / "chat_streamed_thinking.yaml", reasoning)
    ollama_more(out, model)


def ollama_more(out: Path, model: str) -> None:
    gen_req = {
        "model": model,
        "system": "Be terse.",
        "prompt": "Describe this image.",
        "images": ["iVBORw0KGgoAAAANSUhEUg=="],
    }
    write(
        out / "generate.yaml",
        exchange(
            f"{OLLAMA}/generate",
            gen_req,
            ndjson(
                [ollama_line(model, None, response=t) for t in ("A cat", " asleep.")]
                + [ollama_done(model, "length", chat=False, prompt_eval_count=30)]
            ),
            content_type=NDJSON,
        ),
        exchange(
            f"{OLLAMA}/generate",
            {"model": model, "prompt": "Hi", "stream": False},
            js({**ollama_done(model, chat=False, eval_count=2), "response": "Hello."}),
        ),
    )
    write(
        out / "error.yaml",
        exchange(
            f"{OLLAMA}/chat",
            {"model": "nope", "messages": [{"role": "user", "content": "hi"}]},
            js({"error": "model 'nope' not found"}),
            status=404,
        ),
        exchange(
            f"{OLLAMA}/chat",
            {"model": model, "messages": [{"role": "user", "content": "hi"}]},
            ndjson([ollama_line(model, {"content": "Hel"}), {"error": "model runner crashed"}])
            + "{not json\n",
            content_type=NDJSON,
        ),
    )
    write(
        out / "other.yaml",
        exchange(
            f"{OLLAMA}/embed",
            {"model": "nomic-embed-text", "input": ["a", "b"]},
            js({"model": "nomic-embed-text", "embeddings": [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]]}),
        ),
        exchange(
            f"{OLLAMA}/tags",
            None,
            js({"models": [{"name": "llama3.2:latest"}, {"name": "qwen3:latest"}]}),
            method="GET",
        ),
    )


# --- Cohere --------------------------------------------------------------------------------

COHERE = "https://api.cohere.com/v2"


def cohere_events(events: list[tuple[str, Any]]) -> str:
    body = [f"event: {name}\ndata: {js({'type': name, **data})}\n\n" for name, data in events]
    return "".join(body) + "data: [DONE]\n\n"


def cohere_cases() -> None:
    out = FIXTURES / "cohere"
    req = {
        "model": "command-a-03-2025",
        "messages": [
            {"role": "system", "content": "Be concise."},
            {"role": "user", "content": [{"type": "text", "text": "Capital of Peru?"}]},
        ],
    }
    usage = {
        "billed_units": {"input_tokens": 8, "output_tokens": 4},
        "tokens": {"input_tokens": 520, "output_tokens": 6},
        "cached_tokens": 0,
    }
    text = ["Lima", " is the capital."]
    whole = {
        "id": "c-1",
        "message": {"role": "assistant", "content": [{"type": "text", "text": "".join(text)}]},
        "finish_reason": "COMPLETE",
        "usage": usage,
    }
    write(out / "text.yaml", exchange(f"{COHERE}/chat", req, js(whole)))
    stream = cohere_events(
        [
            ("message-start", {"id": "c-1", "delta": {"message": {"role": "assistant"}}}),
            (
                "content-start",
                {"index": 0, "delta": {"message": {"content": {"type": "text", "text": ""}}}},
            ),
            *[
                ("content-delta", {"index": 0, "delta": {"message": {"content": {"text": t}}}})
                for t in text
            ],
            ("content-end", {"index": 0}),
            ("message-end", {"delta": {"finish_reason": "COMPLETE", "usage": usage}}),
        ]
    )
    write(
        out / "streamed.yaml",
        exchange(
            f"{COHERE}/chat", {**req, "stream": True}, stream, content_type="text/event-stream"
        ),
    )
    tool_case = cohere_tools()
    write(out / "tool_calls.yaml", *tool_case)
    write(SAMPLES / "cohere" / "chat_tool_calls.yaml", *tool_case)
    cohere_more(out)


def cohere_tools() -> list[Interaction]:
    tools = [{"type": "function", "function": WEATHER_DECL | {"parameters": {"type": "object"}}}]
    ask = {"role": "user", "content": "Weather in Lima and Cusco?"}
    args = ['{"city":', ' "Lima"}']
    events: list[tuple[str, Any]] = [
        ("message-start", {"id": "c-2", "delta": {"message": {"role": "assistant"}}}),
        ("tool-plan-delta", {"delta": {"message": {"tool_plan": "I will look up "}}}),
        ("tool-plan-delta", {"delta": {"message": {"tool_plan": "both cities."}}}),
    ]
    for index, (call_id, pieces) in enumerate(
        (("call_lima", args), ("call_cusco", ['{"city": "Cusco"}']))
    ):
        start = {"id": call_id, "type": "function", "function": {"name": "get_weather"}}
        start["function"]["arguments"] = ""
        events.append(
            ("tool-call-start", {"index": index, "delta": {"message": {"tool_calls": start}}})
        )
        for piece in pieces:
            delta = {"tool_calls": {"function": {"arguments": piece}}}
            events.append(("tool-call-delta", {"index": index, "delta": {"message": delta}}))
        events.append(("tool-call-end", {"index": index}))
    usage = {"billed_units": {"input_tokens": 30, "output_tokens": 25}}
    events.append(("message-end", {"delta": {"finish_reason": "TOOL_CALL", "usage": usage}}))
    said = {
        "role": "assistant",
        "tool_plan": "I will look up both cities.",
        "tool_calls": [
            {
                "id": "call_lima",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Lima"}'},
            },
            {
                "id": "call_cusco",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Cusco"}'},
            },
        ],
    }
    results = [
        {"role": "tool", "tool_call_id": "call_lima", "content": "19 C"},
        {
            "role": "tool",
            "tool_call_id": "call_cusco",
            "content": [{"type": "document", "document": {"data": '{"temp": "9 C"}'}}],
        },
    ]
    final = {
        "id": "c-3",
        "message": {
            "role": "assistant",
            "content": [{"type": "text", "text": "Lima 19 C, Cusco 9 C."}],
        },
        "finish_reason": "COMPLETE",
        "usage": {"billed_units": {"input_tokens": 70, "output_tokens": 12}},
    }
    model = "command-a-03-2025"
    return [
        exchange(
            f"{COHERE}/chat",
            {"model": model, "messages": [ask], "tools": tools, "stream": True},
            cohere_events(events),
            content_type="text/event-stream",
        ),
        exchange(
            f"{COHERE}/chat",
            {"model": model, "messages": [ask, said, *results], "tools": tools},
            js(final),
        ),
    ]


def cohere_more(out: Path) -> None:
    model = "command-a-reasoning-08-2025"
    events = [
        ("message-start", {"id": "c-4", "delta": {"message": {"role": "assistant"}}}),
        (
            "content-start",
            {"index": 0, "delta": {"message": {"content": {"type": "thinking", "thinking": ""}}}},
        ),
        ("content-delta", {"index": 0, "delta": {"message": {"content": {"thinking": "17 is "}}}}),
        ("content-delta", {"index": 0, "delta": {"message": {"content": {"thinking": "prime."}}}}),
        ("content-end", {"index": 0}),
        (
            "content-start",
            {"index": 1, "delta": {"message": {"content": {"type": "text", "text": ""}}}},
        ),
        ("content-delta", {"index": 1, "delta": {"message": {"content": {"text": "Yes."}}}}),
        ("content-end", {"index": 1}),
        (
            "message-end",
            {
                "delta": {
                    "finish_reason": "COMPLETE",
                    "usage": {"tokens": {"input_tokens": 10, "output_tokens": 9}},
                }
            },
        ),
    ]
    write(
        out / "reasoning.yaml",
        exchange(
            f"{COHERE}/chat",
            {
                "model": model,
                "messages": [{"role": "user", "content": "Is 17 prime?"}],
                "thinking": {"type": "enabled"},
                "stream": True,
            },
            cohere_events(events),
            content_type="text/event-stream",
        ),
    )
    write(
        out / "error.yaml",
        exchange(
            f"{COHERE}/chat",
            {"model": "command-a-03-2025", "messages": [{"role": "user", "content": "hi"}]},
            js({"id": "e-1", "message": "invalid api token"}),
            status=401,
        ),
        exchange(
            f"{COHERE}/embed",
            {"model": "embed-v4.0", "texts": ["a", "b"], "embedding_types": ["float"]},
            js({"id": "e-2", "embeddings": {"float": [[0.1, 0.2], [0.2, 0.1]]}}),
        ),
    )


def main() -> None:
    gemini_cases()
    bedrock_cases()
    ollama_cases()
    cohere_cases()


if __name__ == "__main__":
    main()


# --- helpers for the decoder tests ---------------------------------------------------------


def load_fixture(api: str, name: str) -> tuple[Any, ...]:
    """The decoded interactions of one fixture, read exactly as the app reads it."""
    from app.loader import load_bytes

    path = FIXTURES / api / name
    return load_bytes(path.read_bytes(), f"{api}/{name}").interactions


def decode_one(
    url: str,
    request: Any,
    body: str | bytes,
    *,
    status: int = 200,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Any:
    """Decode one exchange built in the test itself, through the decoder registry."""
    from app.apis import decode_interaction
    from app.formats.base import RawInteraction, RawRequest, RawResponse

    resp_headers = (("Content-Type", content_type), *(headers or {}).items())
    req_body = js(request).encode() if request is not None else None
    resp_body = body.encode() if isinstance(body, str) else body
    raw = RawInteraction(
        index=0,
        request=RawRequest("POST", url, (), req_body),
        response=RawResponse(status, resp_headers, resp_body),
    )
    return decode_interaction(raw)
