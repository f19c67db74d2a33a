"""Long agent runs as a benchmark: `python -m bench.long_run` prints a table; not a test or a gate.

A coding agent resends its whole history on every call, so one run of a few hundred turns is a
file of ~100 MB in which most text is repeated. For each API shape (Anthropic Messages and
OpenAI Chat Completions, both streamed, in a go-vcr v2 cassette) it generates `--copies` such
runs (bench/out/, which git ignores) and measures, beside the parse floor of the same file:

- the parse floor: the file parsed once by PyYAML's C loader (best of two), the least any reader
  of it must spend;
- decode: the whole file read the way pages read it (app.loader), and thread detection alone;
- a cold index of the copies (one process), per file, and the size of the decoded forms it keeps
  (app.index.stored), from which the pages below start;
- in a fresh serve process: the first open of the cassette page, a warm open (median of 5), the
  first open of the last interaction's page of another copy, the page's weight, and the
  process's RSS after the cassette pages of all copies were opened;
- `tapedeck show FILE` and `tapedeck export --single-file` as separate processes.

Times are CPU seconds of the process doing the work (less sensitive than wall time on a shared
machine) with wall seconds beside them; ratios are to the parse floor's CPU seconds.

    python -m bench.long_run [--turns 280] [--result-chars 1900] [--api anthropic openai]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bench.make_agent_run import SYSTEM, _interaction, _text, agent_run

OUT = Path(__file__).resolve().parent / "out"
OPENAI_URL = "https://api.openai.com/v1/chat/completions"
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "edit",
            "description": "Edit one line of a file.",
            "parameters": {"type": "object", "properties": {"n": {"type": "integer"}}},
        },
    }
]


def _openai_answer(turn: int, text: str, call: dict[str, Any] | None) -> str:
    """The SSE stream of one Chat Completions answer: text deltas, a tool call, then usage."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {"id": f"chatcmpl-{turn:04d}", "object": "chat.completion.chunk",
                "model": "gpt-4.1-2025-04-14", "choices": [choice]}  # fmt: skip

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": text[k : k + 40]}) for k in range(0, len(text), 40)]
    if call is not None:
        fn = {"name": call["name"], "arguments": json.dumps(call["input"])}
        events.append(chunk({"tool_calls": [{"index": 0, "id": call["id"], "type": "function",
                                             "function": fn}]}))  # fmt: skip
    events.append(chunk({}, "tool_calls" if call is not None else "stop"))
    usage = {"prompt_tokens": 1000 + 400 * turn, "completion_tokens": 60,
             "total_tokens": 1060 + 400 * turn}  # fmt: skip
    events.append({"id": f"chatcmpl-{turn:04d}", "object": "chat.completion.chunk",
                   "model": "gpt-4.1-2025-04-14", "choices": [], "usage": usage})  # fmt: skip
    lines = [f"data: {json.dumps(e, separators=(',', ':'))}\n\n" for e in events]
    return "".join(lines) + "data: [DONE]\n\n"


def openai_run(turns: int = 280, result_chars: int = 1900) -> bytes:
    """The OpenAI Chat Completions twin of `agent_run`: every request resends the history."""
    history: list[dict[str, Any]] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "Make the test suite pass: " + _text(200, 1)},
    ]
    interactions: list[dict[str, Any]] = []
    for turn in range(turns):
        body = {"model": "gpt-4.1", "stream": True, "stream_options": {"include_usage": True},
                "tools": TOOLS, "messages": history}  # fmt: skip
        last = turn == turns - 1
        call = None if last else {"id": f"call_{turn:04d}", "name": "edit", "input": {"n": turn}}
        text = _text(160, turn)
        answer = _openai_answer(turn, text, call)
        interactions.append(_interaction(body, answer, url=OPENAI_URL))
        if call is None:
            break
        fn = {"name": call["name"], "arguments": json.dumps(call["input"])}
        echo = {"role": "assistant", "content": text,
                "tool_calls": [{"id": call["id"], "type": "function", "function": fn}]}  # fmt: skip
        result = {"role": "tool", "tool_call_id": call["id"], "content": _text(result_chars, turn)}
        history = [*history, echo, result]
    doc = {"version": 2, "interactions": interactions}
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(doc, Dumper=dumper, sort_keys=False, width=1 << 30).encode()


GENERATORS: dict[str, Callable[[int, int], bytes]] = {"anthropic": agent_run, "openai": openai_run}


def runs(api: str, turns: int, chars: int, copies: int) -> Path:
    folder = OUT / f"long-{api}-{turns}-{chars}"
    names = [folder / f"run-{k + 1}.yaml" for k in range(copies)]
    if not all(p.exists() for p in names):
        folder.mkdir(parents=True, exist_ok=True)
        data = GENERATORS[api](turns, chars)
        for p in names:
            p.write_bytes(data)
    return folder


def clock(fn: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds of this process, wall seconds) of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def rss_mb(field: str = "VmRSS") -> float:
    """This process's RSS now, or its peak (`VmHWM`). Not `ru_maxrss`: Linux carries that over
    fork and exec, so a child started by this bench would report the bench's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(path: Path) -> tuple[float, float]:
    data = path.read_bytes()
    return min(clock(lambda: yaml.load(data, Loader=yaml.CSafeLoader)) for _ in range(2))


def decode(path: Path) -> dict[str, Any]:
    from app.conversation import detect_threads
    from app.loader import load_cassette

    warm = OUT / "long-warm-up.yaml"  # imports and first-call costs are not the file's
    warm.write_bytes(agent_run(3, 10))
    load_cassette(warm, warm.name)
    box: list[Any] = []
    load = clock(lambda: box.append(load_cassette(path, path.name)))
    cas = box[0]
    threads = clock(lambda: detect_threads(box[0].interactions))
    out = {"interactions": len(cas.interactions), "threads": len(cas.threads)}
    box.clear()
    del cas
    gc.collect()
    return {**out, "decode": load, "thread detection": threads}


def index(folder: Path, db: Path) -> tuple[float, float]:
    import app.index
    from app.index import Index

    # In this process, so that its CPU time is the work's (serve reads files this large in a
    # worker process, whose CPU time this process would not see).
    app.index.ISOLATE_BYTES = 1 << 62

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    idx = Index(db, [folder], workers=1)
    try:
        return clock(idx.refresh)
    finally:
        idx.close()


def stored_forms(db: Path) -> tuple[int, int]:
    """How many decoded forms the index keeps (app.index.stored), and their bytes on disk
    (the light cassette and the request bodies as edits of each other)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        sql = "SELECT COUNT(*), COALESCE(SUM(LENGTH(data) + LENGTH(requests)), 0) FROM forms"
        n, size = conn.execute(sql).fetchone()
    return int(n), int(size)


def serve_part(folder: Path, db: Path) -> dict[str, Any]:
    """Run in a fresh process (`_serve`), so its RSS is the server's and nothing else's."""
    from fastapi.testclient import TestClient

    from app.web import Settings, create_app

    names = sorted(p.name for p in folder.glob("run-*.yaml"))
    app = create_app(Settings(roots=[folder], index_path=db, watch=False))
    out: dict[str, Any] = {}
    with TestClient(app) as client:
        assert app.state.live.ready.wait(600), "index did not become ready"
        n = app.state.live.index.summary(names[0]).interactions

        def get(url: str) -> int:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return len(response.content)

        get("/")  # templates compiled, routes warm: the first page is not the file's cost
        out["rss before MB"] = rss_mb()
        out["cassette page, first open"] = clock(lambda: get(f"/cassettes/{names[0]}"))
        warm = [clock(lambda: get(f"/cassettes/{names[0]}")) for _ in range(5)]
        medians = (statistics.median(w) for w in zip(*warm, strict=True))
        out["cassette page, warm open"] = tuple(medians)
        out["cassette page KB"] = get(f"/cassettes/{names[0]}") / 1024
        last = f"/cassettes/{names[1 % len(names)]}/interactions/{n - 1}"
        out["last interaction page, first open"] = clock(lambda: get(last))
        out["last interaction page KB"] = get(last) / 1024
        for name in names:
            get(f"/cassettes/{name}")
        gc.collect()
        out[f"rss after {len(names)} cassette pages MB"] = rss_mb()
    out["peak rss MB"] = rss_mb("VmHWM")
    return out


# Run through a wrapper that reports its own peak RSS: RUSAGE_CHILDREN's is the largest of every
# child so far (the serve process among them).
_WRAP = (
    "import atexit, os, runpy, sys; sys.argv = ['app', *sys.argv[1:]]; "
    "atexit.register(lambda: open(os.environ['LONG_RUN_RSS'], 'w').write(next("
    "l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))); "
    "runpy.run_module('app', run_name='__main__')"
)


def child(args: list[str]) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, peak RSS MB) of one `python -m app ...` process."""
    with tempfile.NamedTemporaryFile() as rss:
        env = {**os.environ, "LONG_RUN_RSS": rss.name}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        cmd = [sys.executable, "-c", _WRAP, *args]
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False, env=env)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak = int(Path(rss.name).read_text() or 0) / 1024
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, wall, peak


def bench(api: str, turns: int, chars: int, copies: int) -> list[tuple[str, str, str, str]]:
    folder = runs(api, turns, chars, copies)
    first = folder / "run-1.yaml"
    db = OUT / f"long-{api}-{turns}-{chars}.sqlite3"
    floor_cpu, floor_wall = floor(first)
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: tuple[float, ...], per: int = 1) -> None:
        cpu, wall = value[0] / per, value[1] / per
        rows.append((name, f"{cpu:.3f}", f"{wall:.3f}", f"{cpu / floor_cpu:.2f}×"))

    mb = first.stat().st_size / 1e6
    rows.append(("parse floor (YAML, C loader)", f"{floor_cpu:.3f}", f"{floor_wall:.3f}", "1.00×"))
    figures = decode(first)
    row("decode (app.loader)", figures["decode"])
    row("thread detection", figures["thread detection"])
    row(f"cold index, per file ({copies} files, 1 process)", index(folder, db), copies)
    forms, form_bytes = stored_forms(db)
    rows.append(
        (
            f"stored decoded forms ({forms}), KB per file",
            f"{form_bytes / 1024 / max(forms, 1):,.0f}",
            "",
            "",
        )
    )
    rows.append(("index file KB", f"{db.stat().st_size / 1024:,.0f}", "", ""))
    script = f"from bench.long_run import serve_part; import json, pathlib; print(json.dumps(serve_part(pathlib.Path({str(folder)!r}), pathlib.Path({str(db)!r}))))"  # noqa: E501
    served = json.loads(subprocess.check_output([sys.executable, "-c", script]))
    # The same in a serve that builds its index itself (a fresh file), pages opened once it is.
    fresh = db.with_name(db.stem + "-fresh.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{fresh}{suffix}").unlink(missing_ok=True)
    script = script.replace(repr(str(db)), repr(str(fresh)))
    itself = json.loads(subprocess.check_output([sys.executable, "-c", script]))
    for key in ("rss before MB", f"rss after {copies} cassette pages MB", "peak rss MB"):
        served[f"serve that indexed them itself: {key}"] = itself[key]
    for key, value in served.items():
        if isinstance(value, list):
            row(key, tuple(value))
        else:
            rows.append((key, f"{value:,.0f}", "", ""))
    show = child(["show", str(first)])
    row("show FILE (process)", show)
    rows.append(("show, peak RSS MB", f"{show[2]:,.0f}", "", ""))
    with tempfile.TemporaryDirectory() as out:
        exported = child(["export", "--out", out, "--single-file", str(first), str(folder)])
        size = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    row("export --single-file (process)", exported)
    rows.append(("export --single-file KB", f"{size / 1024:,.0f}", "", ""))
    print(f"\n## {api}: {turns} turns, {chars} chars per tool result, {mb:.1f} MB, "
          f"{figures['interactions']} interactions, {figures['threads']} threads\n")  # fmt: skip
    print("| measure | CPU s | wall s | CPU / floor |\n| --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=280)
    parser.add_argument("--result-chars", type=int, default=1900, help="KB per turn, in chars")
    parser.add_argument("--api", nargs="+", default=list(GENERATORS), choices=list(GENERATORS))
    parser.add_argument("--copies", type=int, default=3, help="files served at once")
    args = parser.parse_args()
    with open("/proc/loadavg") as f:
        print(f"load average: {f.read().split()[:3]}")
    for api in args.api:
        bench(api, args.turns, args.result_chars, args.copies)


if __name__ == "__main__":
    main()
