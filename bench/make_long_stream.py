"""Write cassettes/long-stream/openai_chat_20000_chunks.yaml: one streamed Chat Completions answer
of exactly 20,000 SSE chunks (reasoning, text, two parallel tool calls, usage, [DONE]).

The player must open and scrub such a stream without stalling; this file is what the browser
test and bench/bench_player.py measure. It is generated, not recorded: the same bytes every run
(no clock, no randomness), so re-running it never shows up as a change.

    python bench/make_long_stream.py [--out PATH] [--chunks N]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "cassettes" / "long-stream" / "openai_chat_20000_chunks.yaml"
STORY = (
    "the tape turns and every token lands in order while the reader watches the answer grow "
    "one fragment at a time from the first word to the final stop"
)
WORDS = STORY.split()


def _chunk(delta: dict[str, object], finish: str | None = None) -> str:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    doc = {
        "id": "chatcmpl-long",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [choice],
    }
    return "data: " + json.dumps(doc, separators=(",", ":")) + "\n\n"


def _call(index: int, call_id: str | None, name: str | None, args: str) -> dict[str, object]:
    fn: dict[str, object] = {"arguments": args}
    call: dict[str, object] = {"index": index, "function": fn}
    if call_id:
        call["id"], call["type"] = call_id, "function"
        fn["name"] = name
    return {"tool_calls": [call]}


def events(total: int) -> list[str]:
    """`total` chunks: 1 role, 10% reasoning, text, two interleaved tool calls, finish, usage,
    [DONE]."""
    out = [_chunk({"role": "assistant", "content": ""})]
    fixed = 6  # the role chunk, two call starts, finish, usage, [DONE]
    reasoning = total // 10
    calls = 200
    text = total - fixed - reasoning - calls
    for i in range(reasoning):
        out.append(_chunk({"reasoning_content": WORDS[i % len(WORDS)] + " "}))
    for i in range(text):
        word = WORDS[i % len(WORDS)]
        out.append(_chunk({"content": (word + ("\n\n" if i % 97 == 96 else " "))}))
    out.append(_chunk(_call(0, "call_weather", "get_weather", "")))
    out.append(_chunk(_call(1, "call_time", "get_time", "")))
    args = [
        json.dumps({"city": "Paris", "unit": "celsius", "note": " ".join(WORDS[:20])}),
        json.dumps({"timezone": "Europe/Paris", "format": "24h", "note": " ".join(WORDS[5:25])}),
    ]
    per_call = calls // 2
    for i in range(calls):  # the two calls' argument fragments interleave
        text_args = args[i % 2]
        k = i // 2
        size = -(-len(text_args) // per_call)
        out.append(_chunk(_call(i % 2, None, None, text_args[k * size : (k + 1) * size])))
    out.append(_chunk({}, "tool_calls"))
    usage = {"prompt_tokens": 42, "completion_tokens": total, "total_tokens": total + 42}
    out.append(
        "data: "
        + json.dumps(
            {
                "id": "chatcmpl-long",
                "object": "chat.completion.chunk",
                "choices": [],
                "usage": usage,
            },
            separators=(",", ":"),
        )
        + "\n\n"
    )
    out.append("data: [DONE]\n\n")
    assert len(out) == total, (len(out), total)
    return out


def cassette(total: int) -> dict[str, object]:
    request = {
        "model": "gpt-4o-mini",
        "stream": True,
        "stream_options": {"include_usage": True},
        "messages": [
            {
                "role": "user",
                "content": "Tell a long story, then check the weather and the time in Paris.",
            }
        ],
    }
    return {
        "version": 2,
        "interactions": [
            {
                "id": 0,
                "request": {
                    "body": json.dumps(request, separators=(",", ":")),
                    "headers": {"Content-Type": ["application/json"]},
                    "url": "https://api.openai.com/v1/chat/completions",
                    "method": "POST",
                },
                "response": {
                    "body": "".join(events(total)),
                    "headers": {"Content-Type": ["text/event-stream"]},
                    "status": "200 OK",
                    "code": 200,
                    "duration": "41.5s",
                },
            }
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--chunks", type=int, default=20_000)
    opts = parser.parse_args()
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(cassette(opts.chunks), sort_keys=False, width=1 << 30, allow_unicode=True)
    opts.out.write_text(text, encoding="utf-8")
    print(f"wrote {opts.out} ({opts.out.stat().st_size / 1e6:.1f} MB, {opts.chunks} chunks)")


if __name__ == "__main__":
    main()
