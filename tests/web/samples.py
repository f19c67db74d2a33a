"""Cassettes the web tests (and the screenshot script) write: go-vcr v2 YAML built in code.

Each scenario is small and readable so a test can assert on exactly the text it wrote.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from tests.builders import chat_request, chat_response

OPENAI = "https://api.openai.com/v1/chat/completions"
ANTHROPIC = "https://api.anthropic.com/v1/messages"


def exchange(
    request: dict[str, Any] | str,
    response: dict[str, Any] | str,
    url: str = OPENAI,
    status: int = 200,
    request_headers: dict[str, list[str]] | None = None,
    response_headers: dict[str, list[str]] | None = None,
    duration: str = "1.25s",
) -> dict[str, Any]:
    return {
        "request": {
            "proto": "HTTP/1.1",
            "body": request if isinstance(request, str) else json.dumps(request),
            "headers": {"Content-Type": ["application/json"], **(request_headers or {})},
            "url": url,
            "method": "POST",
        },
        "response": {
            "proto": "HTTP/2.0",
            "body": response if isinstance(response, str) else json.dumps(response),
            "headers": response_headers or {"Content-Type": ["application/json"]},
            "status": f"{status} {'OK' if status < 400 else 'Error'}",
            "code": status,
            "duration": duration,
        },
    }


def govcr(*exchanges: dict[str, Any]) -> str:
    items = [{"id": i, **ex} for i, ex in enumerate(exchanges)]
    doc = {"version": 2, "interactions": items}
    return yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)


def weather_agent() -> str:
    """Two calls of an OpenAI tool-using agent: the call, then the answer using its result."""
    return govcr(*weather_exchanges())


def weather_exchanges() -> list[dict[str, Any]]:
    system = {"role": "system", "content": "You are a terse weather assistant."}
    user = {"role": "user", "content": "What's the weather in Florence?"}
    call = {"id": "call_1", "name": "get_weather", "arguments": {"city": "Florence", "unit": "C"}}
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Current weather for a city",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        }
    ]
    assistant_call = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": json.dumps(call["arguments"])},
            }
        ],
    }
    result = {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21, "sky": "sunny"}'}
    answer = "It is **21 °C** and sunny in Florence.\n\n```python\nprint('bring sunglasses')\n```"
    return [
        exchange(
            chat_request([system, user], tools=tools),
            chat_response(tool_calls=[call], prompt_tokens=120, completion_tokens=18),
            request_headers={"Authorization": ["Bearer sk-proj-abcdefghijklmnopqrstuvwxyz"]},
        ),
        exchange(
            chat_request([system, user, assistant_call, result], tools=tools),
            chat_response(answer, prompt_tokens=160, completion_tokens=25),
        ),
    ]


def titled_weather_agent() -> str:
    """A side call first (a chat-title generator, as coding agents make), then the agent."""
    title = exchange(
        chat_request(
            [
                {"role": "system", "content": "Generate a short title for this conversation."},
                {"role": "user", "content": "What's the weather in Florence?"},
            ]
        ),
        chat_response("Florence weather check", prompt_tokens=30, completion_tokens=4),
        duration="300ms",
    )
    return govcr(title, *weather_exchanges())


def retried_after_rate_limit() -> str:
    """A 429, then the same request again, answered."""
    request = chat_request([{"role": "user", "content": "Write a haiku about rain."}])
    error = {"error": {"message": "Rate limit reached for gpt-4o-mini", "type": "requests"}}
    haiku = "Soft rain on the roof\nthe gutters hum their one note\nevening comes early"
    return govcr(
        exchange(request, error, status=429, duration="80ms"),
        exchange(request, chat_response(haiku)),
    )


def unanswered_call() -> str:
    """A tool call whose result the recording never holds."""
    call = {"id": "call_9", "name": "lookup", "arguments": {"q": "x"}}
    request = chat_request([{"role": "user", "content": "Look it up."}])
    return govcr(exchange(request, chat_response(tool_calls=[call])))


def long_answer(lines: int = 80) -> str:
    """One answer far longer than a screen, with Markdown headings of its own."""
    body = "\n".join(f"- Line {n} of the report." for n in range(lines))
    text = f"# Report\n\n## Findings\n\n{body}\n\nThe last line: needle."
    request = chat_request([{"role": "user", "content": "Write the long report."}])
    return govcr(exchange(request, chat_response(text)))


def anthropic_thinking() -> str:
    request = {
        "model": "claude-sonnet-4-20250514",
        "max_tokens": 2048,
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "messages": [{"role": "user", "content": "Is 1001 prime?"}],
    }
    response = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-20250514",
        "content": [
            {
                "type": "thinking",
                "thinking": "1001 = 7 × 11 × 13, so it is composite.",
                "signature": "sig",
            },
            {"type": "text", "text": "No: 1001 = 7 × 11 × 13."},
        ],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 40, "output_tokens": 60},
    }
    return govcr(exchange(request, response, url=ANTHROPIC))


def story_exchange(chunks: int = 40, prompt: str = "Tell me a story") -> dict[str, Any]:
    """One OpenAI chat stream of `chunks` text deltas, one word each."""
    events = []
    for i in range(chunks):
        delta = {"content": f"word{i} "} if i else {"role": "assistant", "content": "word0 "}
        body = {
            "id": "c1",
            "object": "chat.completion.chunk",
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
        }
        events.append("data: " + json.dumps(body))
    final = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": chunks, "total_tokens": 12 + chunks},
    }
    events += ["data: " + json.dumps(final), "data: [DONE]"]
    request = chat_request([{"role": "user", "content": prompt}], stream=True)
    return exchange(
        request,
        "\n\n".join(events) + "\n\n",
        response_headers={"Content-Type": ["text/event-stream"]},
    )


def streamed_story(chunks: int = 40) -> str:
    """A cassette of one streamed answer (`story_exchange`)."""
    return govcr(story_exchange(chunks))


def rate_limited() -> str:
    error = {"error": {"message": "Rate limit reached", "type": "rate_limit_error"}}
    request = chat_request([{"role": "user", "content": "hello"}])
    return govcr(exchange(request, error, status=429))


# Everything a hostile recording could try: markup in text, names, keys, headers and paths.
XSS = '<script>alert("x")</script>'
HANDLER = '<img src=x onerror="alert(1)">'


def hostile() -> str:
    call = {"id": "call_x", "name": f"tool{XSS}", "arguments": {f"key{HANDLER}": XSS}}
    user = {"role": "user", "content": f"{XSS} {HANDLER} [click](javascript:alert(1))"}
    return govcr(
        exchange(
            chat_request([user]),
            chat_response(tool_calls=[call], model=f"gpt{XSS}"),
            url=f"https://api.openai.com/v1/chat/completions?q={XSS}",
            request_headers={f"X-Evil{HANDLER}": [XSS]},
        ),
        exchange(
            chat_request([user]),
            chat_response(
                f"Answer {XSS} <b onmouseover=alert(2)>bold</b> [x](javascript:alert(3))"
            ),
        ),
    )


def write_tree(root: Path, hostile_name: bool = True) -> dict[str, Path]:
    """A small tree of every scenario; returns display path -> file."""
    files = {
        "agents/weather.yaml": weather_agent(),
        "agents/claude/thinking.yaml": anthropic_thinking(),
        "streams/story.yaml": streamed_story(),
        "errors/rate_limited.yaml": rate_limited(),
        "broken.yaml": "interactions: [\n  - {unclosed",
    }
    if hostile_name:
        files['hostile/<b onmouseover="x">evil</b>.yaml'] = hostile()
    else:
        files["hostile/evil.yaml"] = hostile()
    out = {}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        out[rel] = path
    return out


def write_reading_tree(root: Path) -> None:
    """The cassettes the cassette page's tests read: threads, failures, long and odd messages."""
    files = {
        "agents/weather.yaml": weather_agent(),
        "threads/titled.yaml": titled_weather_agent(),
        "threads/retry.yaml": retried_after_rate_limit(),
        "threads/unanswered.yaml": unanswered_call(),
        "errors/rate_limited.yaml": rate_limited(),
        "long/report.yaml": long_answer(),
        "hostile/evil.yaml": hostile(),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def place(path: Path, text: str, outside: Path) -> None:
    """Write `path` the way an editor or a recorder that saves atomically does: the watcher sees
    one finished file, never the empty file `write_text` opens first (a refresh that read that
    empty file, then a second one for its content, made what the live tests count a matter of timing)."""
    staging = outside / f"staging-{path.name}"  # outside the watched root
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)
