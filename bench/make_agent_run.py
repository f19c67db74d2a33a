"""A long Anthropic agent run for measuring thread detection: `agent_run(turns)` returns the bytes
of a go-vcr v2 cassette in which every request resends the whole history so far (system prompt,
every tool call and every tool result) and every answer is streamed (SSE), like a coding agent.

With the defaults (280 turns, 1,900-character tool results) the file is about 90 MB: a
quadratic amount of text in which threads must still be found in time linear in the messages.
Every ninth turn a title-style side call with its own system prompt (a thread of its own) is
recorded in between, and one turn twice (a 429, then the retry): the run takes all three paths.

    python -m bench.make_agent_run [--out PATH] [--turns N] [--result-chars N] [--time]

`--time` loads the file the way the app does and prints how long reading + decoding took and how
long thread detection alone took. Deterministic: the same arguments write the same bytes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import yaml

URL = "https://api.anthropic.com/v1/messages"
SYSTEM = "You are a careful coding agent. Use the tools to read and edit files. " * 20
SIDE_SYSTEM = "Generate a short title for the conversation below. Reply with the title only."
STORY = "the agent reads a file then edits one line and runs the tests again until green"
WORDS = STORY.split(" ")


def _text(n: int, seed: int) -> str:
    out: list[str] = []
    size = 0
    i = seed
    while size < n:
        word = WORDS[i % len(WORDS)]
        out.append(word)
        size += len(word) + 1
        i += 7
    return " ".join(out)[:n]


def _sse(events: list[dict[str, Any]]) -> str:
    return "".join(
        f"event: {e['type']}\ndata: {json.dumps(e, separators=(',', ':'))}\n\n" for e in events
    )


def _streamed_answer(turn: int, text: str, call: dict[str, Any] | None) -> str:
    """The SSE stream of one answer: a text block in a few deltas, then a tool_use block."""
    usage = {"input_tokens": 1000 + 400 * turn, "output_tokens": 0}
    events: list[dict[str, Any]] = [
        {
            "type": "message_start",
            "message": {
                "id": f"msg_{turn:04d}",
                "type": "message",
                "role": "assistant",
                "model": "claude-sonnet-4-5-20250929",
                "content": [],
                "usage": usage,
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ]
    for k in range(0, len(text), 40):
        delta = {"type": "text_delta", "text": text[k : k + 40]}
        events.append({"type": "content_block_delta", "index": 0, "delta": delta})
    events.append({"type": "content_block_stop", "index": 0})
    if call is not None:
        block = {"type": "tool_use", "id": call["id"], "name": call["name"], "input": {}}
        events.append({"type": "content_block_start", "index": 1, "content_block": block})
        delta = {"type": "input_json_delta", "partial_json": json.dumps(call["input"])}
        events.append({"type": "content_block_delta", "index": 1, "delta": delta})
        events.append({"type": "content_block_stop", "index": 1})
    stop = "tool_use" if call is not None else "end_turn"
    events.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": stop},
            "usage": {"output_tokens": 60},
        }
    )
    events.append({"type": "message_stop"})
    return _sse(events)


def _interaction(
    body: dict[str, Any], answer: str, status: int = 200, url: str = URL
) -> dict[str, Any]:
    stream = status < 400
    return {
        "request": {
            "proto": "HTTP/1.1",
            "body": json.dumps(body, separators=(",", ":")),
            "headers": {"Content-Type": ["application/json"]},
            "url": url,
            "method": "POST",
        },
        "response": {
            "proto": "HTTP/2.0",
            "body": answer,
            "headers": {"Content-Type": ["text/event-stream" if stream else "application/json"]},
            "status": "200 OK" if stream else f"{status} Too Many Requests",
            "code": status,
            "duration": "2.5s",
        },
    }


def agent_run(turns: int = 280, result_chars: int = 1900) -> bytes:
    """The cassette's bytes: `turns` agent requests (each with the whole history) plus side calls
    and one retried request."""
    task = "Make the test suite pass: " + _text(200, 1)
    history: list[dict[str, Any]] = [{"role": "user", "content": [{"type": "text", "text": task}]}]
    interactions: list[dict[str, Any]] = []
    for turn in range(turns):
        body = {
            "model": "claude-sonnet-4-5-20250929",
            "max_tokens": 8192,
            "stream": True,
            "system": [{"type": "text", "text": SYSTEM}],
            "messages": history,
        }
        last = turn == turns - 1
        call = None if last else {"id": f"toolu_{turn:04d}", "name": "edit", "input": {"n": turn}}
        text = _text(160, turn)
        if turn == turns // 2:
            error = json.dumps({"type": "error", "error": {"type": "rate_limit_error"}})
            interactions.append(_interaction(body, error, 429))
        interactions.append(_interaction(body, _streamed_answer(turn, text, call)))
        if turn % 9 == 4:
            side = {
                "model": "claude-haiku-4-5",
                "max_tokens": 40,
                "stream": True,
                "system": [{"type": "text", "text": SIDE_SYSTEM}],
                "messages": [
                    {"role": "user", "content": [{"type": "text", "text": f"{task} {turn}"}]}
                ],
            }
            interactions.append(_interaction(side, _streamed_answer(turn, "Fixing tests", None)))
        if call is None:
            break
        echo = [{"type": "text", "text": text}, {"type": "tool_use", **call}]
        result = {
            "type": "tool_result",
            "tool_use_id": call["id"],
            "content": _text(result_chars, turn * 3),
        }
        history = [
            *history,
            {"role": "assistant", "content": echo},
            {"role": "user", "content": [result]},
        ]
    doc = {"version": 2, "interactions": interactions}
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(doc, Dumper=dumper, sort_keys=False, width=1 << 30).encode()


def time_load(data: bytes) -> dict[str, float]:
    """CPU seconds for the whole load and for thread detection alone (on decoded input)."""
    from app.conversation import detect_threads
    from app.loader import load_bytes

    start = time.process_time()
    cassette = load_bytes(data, "agent-run.yaml")
    whole = time.process_time() - start
    start = time.process_time()
    threaded = detect_threads(cassette.interactions)
    threads = time.process_time() - start
    return {
        "bytes": len(data),
        "interactions": len(cassette.interactions),
        "messages": sum(len(i.messages) for i in cassette.interactions),
        "threads": len(threaded.threads),
        "load_s": round(whole, 2),
        "threads_s": round(threads, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the cassette here")
    parser.add_argument("--turns", type=int, default=280)
    parser.add_argument("--result-chars", type=int, default=1900)
    parser.add_argument("--time", action="store_true", help="time the load and thread detection")
    args = parser.parse_args()
    data = agent_run(args.turns, args.result_chars)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(data)
        print(f"wrote {args.out} ({len(data):,} bytes)")
    if args.time:
        print(json.dumps(time_load(data)))


if __name__ == "__main__":
    main()
