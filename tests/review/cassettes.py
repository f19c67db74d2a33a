"""Writes small go-vcr v2 cassettes of OpenAI chat exchanges for the review tests.

`seed` drives every value a re-recording changes (ids, `created`, tool-call ids, durations,
request ids, rate-limit headers, fingerprints), so two cassettes built from the same exchanges
with different seeds differ only in volatile fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass
class Turn:
    messages: list[dict[str, Any]]
    reply: str | None = None
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    model: str = "gpt-4o-mini"
    usage: tuple[int, int] = (20, 10)
    status: int = 200
    request_headers: dict[str, str] = field(default_factory=dict)
    url: str = "https://api.openai.com/v1/chat/completions"
    extra_body: dict[str, Any] = field(default_factory=dict)


def tool_call_message(calls: list[tuple[str, dict[str, Any]]], seed: int) -> dict[str, Any]:
    """The assistant message a client sends back after the model asked for tool calls."""
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": f"call_{seed}_{i}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
            for i, (name, args) in enumerate(calls)
        ],
    }


def _response(turn: Turn, seed: int, index: int) -> dict[str, Any]:
    if turn.status >= 400:
        return {"error": {"message": "Rate limit reached", "type": "rate_limit_exceeded"}}
    message: dict[str, Any] = {"role": "assistant", "content": turn.reply}
    finish = "stop"
    if turn.tool_calls:
        message.update(tool_call_message(turn.tool_calls, seed))
        finish = "tool_calls"
    prompt, completion = turn.usage
    return {
        "id": f"chatcmpl-{seed:04d}{index:04d}abcdef",
        "object": "chat.completion",
        "created": 1_700_000_000 + seed * 1000 + index,
        "model": turn.model,
        "system_fingerprint": f"fp_{seed:08x}",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


def chat_cassette(turns: list[Turn], seed: int = 1) -> str:
    interactions = []
    for i, turn in enumerate(turns):
        body = {"model": turn.model, "messages": turn.messages, **turn.extra_body}
        headers = {"Content-Type": ["application/json"], "Authorization": ["Bearer REDACTED"]}
        headers.update({k: [v] for k, v in turn.request_headers.items()})
        interactions.append(
            {
                "id": i,
                "request": {
                    "proto": "HTTP/1.1",
                    "body": json.dumps(body),
                    "headers": headers,
                    "url": turn.url,
                    "method": "POST",
                },
                "response": {
                    "proto": "HTTP/2.0",
                    "body": json.dumps(_response(turn, seed, i)),
                    "headers": {
                        "Content-Type": ["application/json"],
                        "X-Request-Id": [f"req_{seed:06d}{i:04d}"],
                        "Date": [f"Mon, 0{seed % 9 + 1} Jan 2024 10:00:0{i % 10} GMT"],
                        "Openai-Processing-Ms": [str(300 + seed * 7 + i)],
                        "X-Ratelimit-Remaining-Tokens": [str(149_000 - seed * 13 - i)],
                    },
                    "status": f"{turn.status} OK",
                    "code": turn.status,
                    "duration": f"{1 + seed * 0.137 + i:.6f}s",
                },
            }
        )
    return yaml.safe_dump({"version": 2, "interactions": interactions}, sort_keys=False)


@dataclass
class Exchange:
    """One recorded HTTP exchange with bodies given as they are on the wire."""

    url: str
    request: str | bytes = ""
    response: str | bytes = ""
    method: str = "POST"
    status: int = 200
    request_type: str = "application/json"
    response_type: str = "application/json"


def vcrpy_cassette(exchanges: list[Exchange]) -> str:
    """A vcrpy cassette; bytes bodies are stored as `!!binary`, as vcrpy does."""
    interactions = []
    for ex in exchanges:
        interactions.append(
            {
                "request": {
                    "method": ex.method,
                    "uri": ex.url,
                    "body": ex.request or None,
                    "headers": {"Content-Type": [ex.request_type]},
                },
                "response": {
                    "status": {"code": ex.status, "message": "OK"},
                    "headers": {"Content-Type": [ex.response_type]},
                    "body": {"string": ex.response},
                },
            }
        )
    return yaml.dump({"interactions": interactions, "version": 1}, sort_keys=False)


def multipart_body(boundary: str, fields: dict[str, str], files: dict[str, bytes]) -> bytes:
    """A multipart/form-data body: text fields, then files (audio/mpeg) under their names."""
    out = b""
    for name, value in fields.items():
        head = f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
        out += f"--{boundary}\r\n{head}".encode() + value.encode() + b"\r\n"
    for name, data in files.items():
        head = (
            f'Content-Disposition: form-data; name="{name}"; filename="{name}.mp3"\r\n'
            "Content-Type: audio/mpeg\r\n\r\n"
        )
        out += f"--{boundary}\r\n{head}".encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()
