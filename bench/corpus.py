"""A reproducible synthetic cassette corpus for benchmarks.

`python -m bench.corpus OUT --n 1000 --seed 1` writes N cassettes whose mix resembles the real
corpus we test against: mostly go-vcr v2 and vcrpy YAML, some Ruby VCR and HAR; OpenAI chat
(streamed and not), Anthropic messages (streamed), Gemini and the Responses API; one to six
interactions each, streams of 20 to 400 chunks, and a few large files (long streams, big
prompts). The same seed always writes the same bytes.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
from pathlib import Path
from typing import Any

import yaml

WORDS = (
    "the",
    "model",
    "answered",
    "with",
    "a",
    "short",
    "plan",
    "then",
    "called",
    "a",
    "tool",
    "to",
    "look",
    "up",
    "the",
    "weather",
    "in",
    "florence",
    "rome",
    "oslo",
    "tokyo",
    "and",
    "summarized",
    "results",
    "for",
    "the",
    "user",
    "politely",
    "with",
    "details",
)

FORMATS = (("go-vcr", 0.42), ("vcrpy", 0.40), ("ruby-vcr", 0.10), ("har", 0.08))
APIS = (("openai", 0.45), ("anthropic", 0.25), ("gemini", 0.15), ("responses", 0.15))


def pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    x = rng.random()
    for name, weight in table:
        x -= weight
        if x <= 0:
            return name
    return table[-1][0]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def pieces(rng: random.Random, text: str, n: int) -> list[str]:
    """Split text into n stream deltas, cut anywhere, as real streams do."""
    if n <= 1 or len(text) < n:
        return [text]
    cuts = sorted(rng.sample(range(1, len(text)), n - 1))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def sse(events: list[tuple[str | None, Any]]) -> str:
    out = []
    for name, data in events:
        head = f"event: {name}\n" if name else ""
        payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
        out.append(f"{head}data: {payload}\n\n")
    return "".join(out)


def openai_exchange(rng: random.Random, turn: int, chunks: int) -> dict[str, Any]:
    model = rng.choice(["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini"])
    stream = rng.random() < 0.6
    text = sentence(rng, max(8, chunks))
    messages = [{"role": "system", "content": "You are helpful."}]
    for i in range(turn + 1):
        messages.append({"role": "user", "content": f"Question {i}: {sentence(rng, 12)}"})
    req = {"model": model, "messages": messages, "stream": stream}
    usage = {"prompt_tokens": 40 + 20 * turn, "completion_tokens": chunks, "total_tokens": 0}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    if stream:
        base = {"id": f"chatcmpl-{turn}", "object": "chat.completion.chunk", "model": model}
        events: list[tuple[str | None, Any]] = [
            (None, {**base, "choices": [{"index": 0, "delta": {"content": p}}]})
            for p in pieces(rng, text, chunks)
        ]
        events.append(
            (None, {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        )
        events.append((None, {**base, "choices": [], "usage": usage}))
        events.append((None, "[DONE]"))
        body, ctype = sse(events), "text/event-stream"
    else:
        body = json.dumps(
            {
                "id": f"chatcmpl-{turn}",
                "object": "chat.completion",
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": usage,
            }
        )
        ctype = "application/json"
    return {
        "url": "https://api.openai.com/v1/chat/completions",
        "req": json.dumps(req),
        "body": body,
        "ctype": ctype,
    }


def anthropic_exchange(rng: random.Random, turn: int, chunks: int) -> dict[str, Any]:
    model = rng.choice(["claude-sonnet-4-20250514", "claude-3-5-haiku-20241022"])
    text = sentence(rng, max(8, chunks))
    req = {
        "model": model,
        "max_tokens": 1024,
        "stream": True,
        "messages": [{"role": "user", "content": sentence(rng, 15 + turn)}],
    }
    events: list[tuple[str | None, Any]] = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": f"msg_{turn}",
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "usage": {"input_tokens": 30, "output_tokens": 1},
                },
            },
        ),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
    ]
    for p in pieces(rng, text, chunks):
        events.append(
            (
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": p},
                },
            )
        )
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn"},
                "usage": {"output_tokens": chunks},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return {
        "url": "https://api.anthropic.com/v1/messages",
        "req": json.dumps(req),
        "body": sse(events),
        "ctype": "text/event-stream",
    }


def gemini_exchange(rng: random.Random, turn: int, chunks: int) -> dict[str, Any]:
    model = rng.choice(["gemini-2.0-flash", "gemini-2.5-flash"])
    text = sentence(rng, max(8, chunks))
    req = {"contents": [{"role": "user", "parts": [{"text": sentence(rng, 10 + turn)}]}]}
    body = json.dumps(
        {
            "candidates": [
                {"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}
            ],
            "usageMetadata": {
                "promptTokenCount": 20,
                "candidatesTokenCount": chunks,
                "totalTokenCount": 20 + chunks,
            },
            "modelVersion": model,
        }
    )
    return {
        "url": f"https://generativelanguage.googleapis.com/v1beta/models/{model}:generateContent",
        "req": json.dumps(req),
        "body": body,
        "ctype": "application/json",
    }


def responses_exchange(rng: random.Random, turn: int, chunks: int) -> dict[str, Any]:
    model = "gpt-4.1"
    text = sentence(rng, max(8, chunks))
    req = {"model": model, "input": sentence(rng, 12 + turn), "stream": True}
    events: list[tuple[str | None, Any]] = [
        (
            "response.created",
            {
                "type": "response.created",
                "response": {"id": f"resp_{turn}", "model": model, "output": []},
            },
        ),
        (
            "response.output_item.added",
            {
                "type": "response.output_item.added",
                "output_index": 0,
                "item": {"type": "message", "id": "msg_1", "role": "assistant", "content": []},
            },
        ),
    ]
    for p in pieces(rng, text, chunks):
        events.append(
            (
                "response.output_text.delta",
                {
                    "type": "response.output_text.delta",
                    "output_index": 0,
                    "content_index": 0,
                    "item_id": "msg_1",
                    "delta": p,
                },
            )
        )
    done_item = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }
    events.append(
        (
            "response.output_item.done",
            {"type": "response.output_item.done", "output_index": 0, "item": done_item},
        )
    )
    events.append(
        (
            "response.completed",
            {
                "type": "response.completed",
                "response": {
                    "id": f"resp_{turn}",
                    "model": model,
                    "status": "completed",
                    "output": [done_item],
                    "usage": {
                        "input_tokens": 25,
                        "output_tokens": chunks,
                        "total_tokens": 25 + chunks,
                    },
                },
            },
        )
    )
    return {
        "url": "https://api.openai.com/v1/responses",
        "req": json.dumps(req),
        "body": sse(events),
        "ctype": "text/event-stream",
    }


MAKERS = {
    "openai": openai_exchange,
    "anthropic": anthropic_exchange,
    "gemini": gemini_exchange,
    "responses": responses_exchange,
}


def render(fmt: str, exchanges: list[dict[str, Any]]) -> tuple[str, str]:
    """Return (file suffix, text) of a cassette in the given format."""
    if fmt == "go-vcr":
        doc: Any = {
            "version": 2,
            "interactions": [
                {
                    "id": i,
                    "request": {
                        "body": e["req"],
                        "headers": {"Content-Type": ["application/json"]},
                        "url": e["url"],
                        "method": "POST",
                    },
                    "response": {
                        "body": e["body"],
                        "headers": {"Content-Type": [e["ctype"]]},
                        "status": "200 OK",
                        "code": 200,
                        "duration": "1.2s",
                    },
                }
                for i, e in enumerate(exchanges)
            ],
        }
        return ".yaml", yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False, width=1 << 20)
    if fmt == "vcrpy":
        doc = {
            "interactions": [
                {
                    "request": {
                        "body": e["req"],
                        "headers": {"content-type": ["application/json"]},
                        "method": "POST",
                        "uri": e["url"],
                    },
                    "response": {
                        "body": {"string": e["body"]},
                        "headers": {"Content-Type": [e["ctype"]]},
                        "status": {"code": 200, "message": "OK"},
                    },
                }
                for e in exchanges
            ],
            "version": 1,
        }
        return ".yaml", yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False, width=1 << 20)
    if fmt == "ruby-vcr":
        doc = {
            "http_interactions": [
                {
                    "request": {
                        "method": "post",
                        "uri": e["url"],
                        "body": {"encoding": "UTF-8", "string": e["req"]},
                        "headers": {"Content-Type": ["application/json"]},
                    },
                    "response": {
                        "status": {"code": 200, "message": "OK"},
                        "headers": {"Content-Type": [e["ctype"]]},
                        "body": {"encoding": "UTF-8", "string": e["body"]},
                    },
                    "recorded_at": "Mon, 01 Sep 2025 10:00:00 GMT",
                }
                for e in exchanges
            ],
            "recorded_with": "VCR 6.2.0",
        }
        return ".yml", yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False, width=1 << 20)
    entries = [
        {
            "startedDateTime": "2025-09-01T10:00:00.000Z",
            "time": 1200,
            "request": {
                "method": "POST",
                "url": e["url"],
                "headers": [{"name": "content-type", "value": "application/json"}],
                "postData": {"mimeType": "application/json", "text": e["req"]},
            },
            "response": {
                "status": 200,
                "statusText": "OK",
                "headers": [{"name": "content-type", "value": e["ctype"]}],
                "content": {
                    "mimeType": e["ctype"],
                    "encoding": "base64",
                    "text": base64.b64encode(e["body"].encode()).decode(),
                },
            },
            "timings": {"wait": 1000, "receive": 200},
        }
        for e in exchanges
    ]
    return ".har", json.dumps({"log": {"version": "1.2", "entries": entries}})


def generate(out: Path, n: int, seed: int = 1, huge_every: int = 500) -> list[Path]:
    rng = random.Random(seed)
    written = []
    for i in range(n):
        fmt = pick(rng, FORMATS)
        api = pick(rng, APIS)
        turns = rng.choice([1, 1, 1, 2, 2, 3, 4, 6])
        huge = huge_every and i % huge_every == huge_every - 1
        exchanges = [
            MAKERS[api](rng, t, 4000 if huge else rng.choice([1, 20, 60, 120, 400]))
            for t in range(turns)
        ]
        suffix, text = render(fmt, exchanges)
        path = out / f"suite{i % 37:02}" / f"{api}_{fmt}_{i:06}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = generate(args.out, args.n, args.seed)
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} cassettes, {size / 1e6:.1f} MB, to {args.out}")


if __name__ == "__main__":
    main()
