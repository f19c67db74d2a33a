"""Small builders for cassette files written by tests: a go-vcr v2 file of OpenAI chat calls.

Tests write their own inputs so that what they assert on is visible in the test itself.
"""

from __future__ import annotations

import json
from typing import Any

import yaml


def chat_request(messages: list[dict[str, Any]], model: str = "gpt-4o-mini", **extra: Any) -> str:
    return json.dumps({"model": model, "messages": messages, **extra})


def chat_response(
    text: str | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
    model: str = "gpt-4o-mini",
    prompt_tokens: int = 10,
    completion_tokens: int = 5,
) -> str:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_calls:
        message["tool_calls"] = [
            {
                "id": c["id"],
                "type": "function",
                "function": {"name": c["name"], "arguments": json.dumps(c["arguments"])},
            }
            for c in tool_calls
        ]
    return json.dumps(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1700000000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if tool_calls else "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


def govcr(
    exchanges: list[tuple[str, str]],
    url: str = "https://api.openai.com/v1/chat/completions",
    status: int = 200,
    headers: dict[str, list[str]] | None = None,
) -> str:
    """A go-vcr v2 cassette holding (request body, response body) pairs, as YAML text."""
    interactions = []
    for i, (req, resp) in enumerate(exchanges):
        interactions.append(
            {
                "id": i,
                "request": {
                    "proto": "HTTP/1.1",
                    "body": req,
                    "headers": {"Content-Type": ["application/json"], **(headers or {})},
                    "url": url,
                    "method": "POST",
                },
                "response": {
                    "proto": "HTTP/2.0",
                    "body": resp,
                    "headers": {"Content-Type": ["application/json"]},
                    "status": f"{status} OK",
                    "code": status,
                    "duration": "1.25s",
                },
            }
        )
    return yaml.safe_dump({"version": 2, "interactions": interactions}, sort_keys=False)


def simple_chat(question: str, answer: str, model: str = "gpt-4o-mini") -> str:
    return govcr(
        [
            (
                chat_request([{"role": "user", "content": question}], model),
                chat_response(answer, model=model),
            )
        ]
    )
