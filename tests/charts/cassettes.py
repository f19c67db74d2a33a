"""Cassettes with chosen usage figures: go-vcr v2 files of OpenAI chat calls.

Each call is a `Call`; its usage becomes the response's `usage` object exactly as OpenAI (or
OpenRouter, with `cost`) writes it, so a test can state the numbers it expects to see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Call:
    model: str = "gpt-4o-mini"
    prompt: int | None = 100
    completion: int | None = 20
    cached: int | None = None
    reasoning: int | None = None
    cost: float | None = None  # a cost the response reports (OpenRouter style)
    status: int = 200
    duration: str | None = "1.25s"
    host: str = "api.openai.com"


def _usage(c: Call) -> dict[str, Any] | None:
    if c.prompt is None and c.completion is None:
        return None
    usage: dict[str, Any] = {"prompt_tokens": c.prompt, "completion_tokens": c.completion}
    usage["total_tokens"] = (c.prompt or 0) + (c.completion or 0)
    if c.cached is not None:
        usage["prompt_tokens_details"] = {"cached_tokens": c.cached}
    if c.reasoning is not None:
        usage["completion_tokens_details"] = {"reasoning_tokens": c.reasoning}
    if c.cost is not None:
        usage["cost"] = c.cost
    return usage


def _response(c: Call) -> str:
    if c.status >= 400:
        return json.dumps({"error": {"message": "slow down", "type": "rate_limit_exceeded"}})
    doc: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": c.model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}
        ],
    }
    usage = _usage(c)
    if usage is not None:
        doc["usage"] = usage
    return json.dumps(doc)


def govcr_usage(calls: list[Call]) -> str:
    interactions = []
    for i, c in enumerate(calls):
        request = {"model": c.model, "messages": [{"role": "user", "content": f"question {i}"}]}
        response: dict[str, Any] = {
            "body": _response(c),
            "headers": {"Content-Type": ["application/json"]},
            "status": f"{c.status} X",
            "code": c.status,
        }
        if c.duration is not None:
            response["duration"] = c.duration
        interactions.append(
            {
                "id": i,
                "request": {
                    "body": json.dumps(request),
                    "headers": {"Content-Type": ["application/json"]},
                    "url": f"https://{c.host}/v1/chat/completions",
                    "method": "POST",
                },
                "response": response,
            }
        )
    return yaml.safe_dump({"version": 2, "interactions": interactions}, sort_keys=False)


def write(root: Path, name: str, calls: list[Call]) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(govcr_usage(calls), encoding="utf-8")
    return path
