"""A cassette of very many short calls, for the cassette page's cost beyond its window of calls:
`many_calls(n)` returns the bytes of a go-vcr v2 cassette of `n` Anthropic (not streamed) calls,
in conversations of `--turns` calls each (every request resends its conversation so far), so the
page has many threads and a context change on most calls, like a batch job or an eval run.

    python -m bench.make_many_calls --out PATH [--calls 100000] [--turns 5]

Deterministic: the same arguments write the same bytes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

from bench.make_agent_run import _interaction, _text


def _answer(n: int, text: str) -> str:
    return json.dumps(
        {
            "id": f"msg_{n:06d}",
            "type": "message",
            "role": "assistant",
            "model": "claude-haiku-4-5",
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "usage": {"input_tokens": 50, "output_tokens": 20},
        },
        separators=(",", ":"),
    )


def many_calls(calls: int = 100_000, turns: int = 5) -> bytes:
    interactions: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for n in range(calls):
        if n % turns == 0:
            history = []
        question = f"Question {n}: " + _text(30, n)
        history = [*history, {"role": "user", "content": question}]
        body = {"model": "claude-haiku-4-5", "max_tokens": 256, "messages": history}
        answer = _text(40, n + 7)
        interaction = _interaction(body, _answer(n, answer))
        interaction["response"]["headers"] = {"Content-Type": ["application/json"]}
        interactions.append(interaction)
        history = [*history, {"role": "assistant", "content": answer}]
    doc = {"version": 2, "interactions": interactions}
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(doc, Dumper=dumper, sort_keys=False, width=1 << 30).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--turns", type=int, default=5, help="calls per conversation")
    args = parser.parse_args()
    data = many_calls(args.calls, args.turns)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
