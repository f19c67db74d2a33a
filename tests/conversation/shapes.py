"""Cassettes for the thread tests, written from a neutral script in each API's own wire shape.

A script is a list of `Call`s: the history the client sends (system prompt apart, then
`(role, text)` turns) and the answer. Each `Shape` turns a call into the request and response
bodies its API would record, so the same story is checked for OpenAI chat, Responses, Anthropic,
Gemini, Bedrock Converse, Ollama and Cohere without writing seven fixtures by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

Turn = tuple[str, str]  # (role, text); role is "user" or "assistant"


@dataclass
class Call:
    system: str | None
    history: list[Turn]
    answer: str | None = "ok"
    status: int = 200
    previous: str | None = None  # Responses: send only new items after this response id
    response_id: str | None = None


@dataclass
class Raw:
    """An exchange that is not an LLM call in a given shape (a search API, embeddings)."""

    url: str
    request: dict[str, Any]
    response: dict[str, Any]
    status: int = 200


class Shape(Protocol):
    name: str
    api: str

    def url(self) -> str: ...

    def request(self, call: Call) -> dict[str, Any]: ...

    def response(self, call: Call) -> dict[str, Any]: ...


class OpenAIChat:
    name, api = "openai_chat", "openai.chat"

    def url(self) -> str:
        return "https://api.openai.com/v1/chat/completions"

    def request(self, call: Call) -> dict[str, Any]:
        msgs = [{"role": "system", "content": call.system}] if call.system else []
        msgs += [{"role": r, "content": t} for r, t in call.history]
        return {"model": "gpt-4o-mini", "messages": msgs, "temperature": 0}

    def response(self, call: Call) -> dict[str, Any]:
        return {
            "id": "chatcmpl-x",
            "object": "chat.completion",
            "model": "gpt-4o-mini",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": call.answer},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }


class Responses:
    name, api = "openai_responses", "openai.responses"

    def url(self) -> str:
        return "https://api.openai.com/v1/responses"

    def request(self, call: Call) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        for role, text in call.history:
            if role == "user":
                items.append({"role": "user", "content": text})
            else:
                items.append(
                    {
                        "type": "message",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": text}],
                    }
                )
        body: dict[str, Any] = {"model": "gpt-4.1", "input": items}
        if call.system:
            body["instructions"] = call.system
        if call.previous:
            body["previous_response_id"] = call.previous
        return body

    def response(self, call: Call) -> dict[str, Any]:
        return {
            "id": call.response_id or "resp_x",
            "object": "response",
            "status": "completed",
            "model": "gpt-4.1",
            "output": [
                {
                    "type": "message",
                    "id": "msg_x",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": call.answer}],
                }
            ],
            "usage": {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
        }


class Anthropic:
    name, api = "anthropic", "anthropic.messages"

    def url(self) -> str:
        return "https://api.anthropic.com/v1/messages"

    def request(self, call: Call) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": "claude-sonnet-4-5",
            "max_tokens": 1024,
            "messages": [
                {"role": r, "content": [{"type": "text", "text": t}]} for r, t in call.history
            ],
        }
        if call.system:
            body["system"] = [{"type": "text", "text": call.system}]
        return body

    def response(self, call: Call) -> dict[str, Any]:
        return {
            "id": "msg_x",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5",
            "content": [{"type": "text", "text": call.answer}],
            "stop_reason": "end_turn",
            "usage": {"input_tokens": 10, "output_tokens": 5},
        }


class Gemini:
    name, api = "gemini", "gemini.generate"

    def url(self) -> str:
        return "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"

    def request(self, call: Call) -> dict[str, Any]:
        body: dict[str, Any] = {
            "contents": [
                {"role": "model" if r == "assistant" else "user", "parts": [{"text": t}]}
                for r, t in call.history
            ]
        }
        if call.system:
            body["systemInstruction"] = {"parts": [{"text": call.system}]}
        return body

    def response(self, call: Call) -> dict[str, Any]:
        return {
            "candidates": [
                {
                    "content": {"role": "model", "parts": [{"text": call.answer}]},
                    "finishReason": "STOP",
                }
            ],
            "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5},
            "modelVersion": "gemini-2.5-flash",
        }


class BedrockConverse:
    name, api = "bedrock_converse", "bedrock.converse"

    def url(self) -> str:
        return (
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1:0/converse"
        )

    def request(self, call: Call) -> dict[str, Any]:
        body: dict[str, Any] = {
            "messages": [{"role": r, "content": [{"text": t}]} for r, t in call.history],
            "inferenceConfig": {"maxTokens": 512},
        }
        if call.system:
            body["system"] = [{"text": call.system}]
        return body

    def response(self, call: Call) -> dict[str, Any]:
        return {
            "output": {"message": {"role": "assistant", "content": [{"text": call.answer}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
            "metrics": {"latencyMs": 100},
        }


class Ollama:
    name, api = "ollama", "ollama.chat"

    def url(self) -> str:
        return "http://localhost:11434/api/chat"

    def request(self, call: Call) -> dict[str, Any]:
        msgs = [{"role": "system", "content": call.system}] if call.system else []
        msgs += [{"role": r, "content": t} for r, t in call.history]
        return {"model": "llama3.2", "messages": msgs, "stream": False}

    def response(self, call: Call) -> dict[str, Any]:
        return {
            "model": "llama3.2",
            "created_at": "2025-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": call.answer},
            "done": True,
            "done_reason": "stop",
            "prompt_eval_count": 10,
            "eval_count": 5,
        }


class Cohere:
    name, api = "cohere", "cohere.chat"

    def url(self) -> str:
        return "https://api.cohere.com/v2/chat"

    def request(self, call: Call) -> dict[str, Any]:
        msgs = [{"role": "system", "content": call.system}] if call.system else []
        msgs += [{"role": r, "content": t} for r, t in call.history]
        return {"model": "command-r-plus", "messages": msgs}

    def response(self, call: Call) -> dict[str, Any]:
        return {
            "id": "c1",
            "message": {"role": "assistant", "content": [{"type": "text", "text": call.answer}]},
            "finish_reason": "COMPLETE",
            "usage": {"tokens": {"input_tokens": 10, "output_tokens": 5}},
        }


SHAPES: list[Shape] = [
    OpenAIChat(),
    Responses(),
    Anthropic(),
    Gemini(),
    BedrockConverse(),
    Ollama(),
    Cohere(),
]


@dataclass
class Script:
    """Calls of one or more shapes, and raw exchanges, in recording order."""

    steps: list[tuple[Shape, Call] | Raw] = field(default_factory=list)

    def call(self, shape: Shape, call: Call) -> Script:
        self.steps.append((shape, call))
        return self

    def raw(self, raw: Raw) -> Script:
        self.steps.append(raw)
        return self

    def yaml(self) -> str:
        interactions = []
        for i, step in enumerate(self.steps):
            if isinstance(step, Raw):
                url, req, resp, status = step.url, step.request, step.response, step.status
            else:
                shape, call = step
                url, req, status = shape.url(), shape.request(call), call.status
                resp = (
                    shape.response(call)
                    if status < 400
                    else {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}}
                )
            interactions.append(_interaction(i, url, req, resp, status))
        return yaml.safe_dump({"version": 2, "interactions": interactions}, sort_keys=False)


def _interaction(
    i: int, url: str, req: dict[str, Any], resp: dict[str, Any], status: int
) -> dict[str, Any]:
    return {
        "id": i,
        "request": {
            "proto": "HTTP/1.1",
            "body": json.dumps(req),
            "headers": {"Content-Type": ["application/json"]},
            "url": url,
            "method": "POST",
        },
        "response": {
            "proto": "HTTP/2.0",
            "body": json.dumps(resp),
            "headers": {"Content-Type": ["application/json"]},
            "status": f"{status} {'OK' if status < 400 else 'Too Many Requests'}",
            "code": status,
            "duration": "0.5s",
        },
    }
