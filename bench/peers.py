"""Tapedeck's home and search pages beside Datasette serving the same index file, in one run.

`python -m bench.peers --n 10000` builds (or reuses) bench.load's index of the synthetic corpus,
copies it with SQLite's backup API into a file of its own (no WAL) and serves that copy with
`datasette serve -i` (immutable: read-only, counts cached), while `tapedeck serve` serves the
original. Then, for each pair of pages below, the same 32 client threads (bench.load.hammer)
ask one server, then the other, for the same time, and the table gives requests/s, p50/p95
and the server's CPU per request, with the ratios. Datasette is optional (`pip install -e
'.[bench]'`); without it the bench says so and stops. Traffic goes to 127.0.0.1 only.

The pairs (what a reader opens first, and what they type into the search box):
- home: Tapedeck's `/` (50 cassettes with their usage, facets, folders) against Datasette's
  table page of `cassettes` (`?_size=50`, every column, its own facet suggestions);
- home JSON: `/api/cassettes` against `cassettes.json?_size=50`;
- search: Tapedeck's `/search?q=W` (50 hits with snippets, a count up to 10,000, facets)
  against Datasette's full-text search of the same FTS5 table (`fts?_search=W&_size=50`) and
  against its SQL page running the query Tapedeck's page runs (the match joined to its message
  and cassette, with a snippet).
With `--mix distinct` every request asks for another offset or word, so neither server can
answer from what it kept; `repeat` asks for the same URL again and again.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench.load import free_port, hammer, tree_cpu, wait_ready
from bench.run import OUT, corpus, percentiles

WORDS = ("weather", "paris", "tool", "story", "error", "summary", "code", "list", "plan", "data")
DB = "tapedeck"  # Datasette names a database after its file
SEARCH_SQL = (
    "select c.path, d.interaction, d.message, d.role,"
    " snippet(fts, 0, '[', ']', '…', 16) as snippet"
    " from fts join docs d on d.rowid = fts.rowid join cassettes c on c.id = d.cassette_id"
    " where fts match :q limit 50 offset :o"
)

# Datasette as installed, then without the facet suggestions its table pages compute.
DATASETTES = ([], ["--setting", "suggest_facets", "off"])
DATASETTE_NAMES = ("Datasette", "Datasette, suggest_facets off")

# name -> (Tapedeck's URL, Datasette's URL), each given the request's number k
# (the word and offset stay fixed under --mix repeat).
Url = Callable[[str, int], str]
PAIRS: dict[str, tuple[Url, Url]] = {
    "home": (
        lambda w, k: f"/?offset={k * 50}" if k else "/",
        lambda w, k: f"/{DB}/cassettes?_size=50" + (f"&_next={k * 50}" if k else ""),
    ),
    "home JSON": (
        lambda w, k: f"/api/cassettes?offset={k * 50}",
        lambda w, k: f"/{DB}/cassettes.json?_size=50" + (f"&_next={k * 50}" if k else ""),
    ),
    "search (FTS table page)": (
        lambda w, k: f"/search?q={w}&offset={k * 50}",
        lambda w, k: f"/{DB}/fts?_search={w}&_size=50" + (f"&_next={k * 50}" if k else ""),
    ),
    "search (SQL page, same query)": (
        lambda w, k: f"/search?q={w}&offset={k * 50}",
        lambda w, k: f"/{DB}?" + urlencode({"sql": SEARCH_SQL, "q": w, "o": k * 50}),
    ),
}


def copy_index(db: Path, to: Path) -> None:
    """A consistent copy of a WAL-mode file, as one file Datasette may open immutable."""
    to.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    dst = sqlite3.connect(to)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        src.close()
        dst.close()


def targets(name: str, side: int, distinct: bool) -> Iterator[tuple[str, str]]:
    url = PAIRS[name][side]
    for k in itertools.count():
        if distinct:
            path = url(WORDS[k % len(WORDS)], k // len(WORDS) % 40)
            if side == 0:
                # Tapedeck keeps whole answers per URL; a parameter it ignores makes each URL
                # new to it (Datasette keeps no pages, so 400 word and offset pairs are enough).
                path += ("&" if "?" in path else "?") + f"n={k}"
            yield name, path
        else:
            yield name, url(WORDS[0], 0)


def measure(
    base: str, pid: int, name: str, side: int, args: argparse.Namespace
) -> dict[str, float]:
    distinct = args.mix == "distinct"
    hammer(base, targets(name, side, distinct), args.clients, args.warmup)
    load_before = os.getloadavg()[0]
    cpu = tree_cpu(pid)
    samples, errors = hammer(base, targets(name, side, distinct), args.clients, args.seconds)
    cpu = tree_cpu(pid) - cpu
    p50, p95 = percentiles([ms for _, ms in samples])
    return {
        "rps": len(samples) / args.seconds,
        "p50": p50,
        "p95": p95,
        "errors": errors,
        "cpu": 1000 * cpu / max(1, len(samples)),
        "load": (load_before + os.getloadavg()[0]) / 2,
    }


def start(cmd: list[str], url: str, ready: Callable[[str, float], None]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready(url, time.time() + 300)
    except BaseException:
        proc.terminate()
        raise
    return proc


def datasette_ready(url: str, deadline: float) -> None:
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/-/versions.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"datasette at {url} did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description="Tapedeck beside Datasette, one index file.")
    parser.add_argument("--n", type=int, default=10000, help="corpus size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="tapedeck serve --workers")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load not timed")
    parser.add_argument("--mix", choices=("repeat", "distinct"), default="repeat")
    args = parser.parse_args()
    if importlib.util.find_spec("datasette") is None or shutil.which("datasette") is None:
        print("datasette is not installed (pip install -e '.[bench]'): nothing to compare with")
        return

    from app.index import Index

    folder = corpus(args.n, args.seed)
    db = OUT / f"load-index-{args.n}-{args.seed}.sqlite3"
    Index(db, [folder]).refresh()
    copy = OUT / "peers" / f"{DB}.db"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy_index(db, copy)

    version = subprocess.run(
        ["datasette", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    ours = [sys.executable, "-m", "app", "serve", str(folder), "--index", str(db), "--no-watch"]
    ours += ["--workers", str(args.workers)]
    commands = [(ours, wait_ready)] + [
        (["datasette", "serve", "-i", str(copy), *settings], datasette_ready)
        for settings in DATASETTES
    ]
    servers: list[tuple[str, subprocess.Popen[bytes]]] = []
    results: dict[str, list[dict[str, float]]] = {name: [] for name in PAIRS}
    try:
        for cmd, ready in commands:  # all listening at once, idle but for the one measured
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            servers.append((url, start([*cmd, "--port", str(port)], url, ready)))
        for name in PAIRS:
            for side, (url, proc) in enumerate(servers):
                results[name].append(measure(url, proc.pid, name, min(side, 1), args))
    finally:
        for _, proc in servers:
            proc.terminate()
            proc.wait(timeout=30)

    print(
        f"{args.clients} clients, {args.seconds:.0f} s per page and server, mix {args.mix}, "
        f"tapedeck serve --workers {args.workers}, {version} (one process, immutable), "
        f"{os.cpu_count()} cores\n"
    )
    print(
        "| page | server | req/s | p50 / p95 ms | CPU ms/request | 5xx | load avg "
        "| req/s, Tapedeck ÷ it | p95, it ÷ Tapedeck | CPU/request, it ÷ Tapedeck |"
    )
    print("| --- " * 10 + "|")
    names = ["Tapedeck", *(DATASETTE_NAMES[i] for i in range(len(DATASETTES)))]
    for page, figures in results.items():
        t = figures[0]
        for server, r in zip(names, figures, strict=True):
            ratios = "| | | |"
            if r is not t:
                ratios = (
                    f"| {t['rps'] / max(r['rps'], 1e-9):.1f}x"
                    f" | {r['p95'] / max(t['p95'], 1e-9):.1f}x"
                    f" | {r['cpu'] / max(t['cpu'], 1e-9):.1f}x |"
                )
            print(
                f"| {page} | {server} | {r['rps']:.0f} | {r['p50']:.0f} / {r['p95']:.0f} "
                f"| {r['cpu']:.1f} | {r['errors']:.0f} | {r['load']:.1f} {ratios}",
                flush=True,
            )


if __name__ == "__main__":
    main()
