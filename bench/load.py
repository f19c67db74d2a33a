"""Requests per second with concurrent clients against a real `tapedeck serve` process.

`python -m bench.load --n 10000 --workers 1 2` builds the index for the synthetic corpus once
(bench.run's corpus), then for each worker count starts one `serve --workers W` on a loopback
port over that index file, lets 32 client threads warm it up for a few seconds, and runs them
for a fixed time against a mix of pages (home, search, a cassette, an interaction, usage, a
JSON listing; with `--mix distinct`, a page not asked before on every request). It prints
requests/s, latency p50/p95 and the error count, and the load average of the machine while it
ran (the figures mean little on a busy machine). Traffic goes to 127.0.0.1 only and stops by
itself.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.run import OUT, corpus, percentiles

# p95 ms of each page, one entry per run, printed after the table.
BY_PAGE: dict[str, list[str]] = {}


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by process `pid` and its children (Linux /proc; 0 elsewhere)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total + sum(tree_cpu(int(k)) for k in kids)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, deadline: float) -> None:
    while time.time() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=2).json().get("cassettes"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"server at {url} did not become ready")


PAGES = (
    "/",
    "/search?q=weather",
    "a cassette",
    "an interaction",
    "/usage",
    "/api/cassettes?provider=openai",
)
WORDS = ("weather", "paris", "tool", "story", "error", "summary", "code", "list", "plan", "data")
SORTS = ("path", "interactions", "tokens", "cost", "mtime")


def mix_of(url: str, distinct: bool) -> tuple[tuple[str, ...], Iterator[tuple[str, str]]]:
    """The pages the clients ask for, in turn. `distinct`: each request asks for a page not
    asked before (another offset, word, filter or cassette), so no answer kept by the server
    can serve it and every page is built (and every cassette decoded) anew."""
    rows = httpx.get(url + "/api/cassettes?limit=1000").json()["cassettes"]
    paths = [r["path"] for r in rows]
    folders = sorted({p.rsplit("/", 1)[0] for p in paths if "/" in p}) or [""]
    if not distinct:
        first = paths[0]
        one = (f"/cassettes/{first}", f"/cassettes/{first}/interactions/0")
        fixed = (*PAGES[:2], *one, *PAGES[4:])
        return PAGES, itertools.cycle(zip(PAGES, fixed, strict=True))

    def urls() -> Iterator[tuple[str, str]]:
        for k in itertools.count():
            at = (k % 200) * 50
            word = WORDS[k // 200 % len(WORDS)]
            yield "/", f"/?offset={at}&sort={SORTS[k // 200 % len(SORTS)]}&desc={k // 1000 % 2}"
            yield "/search?q=weather", f"/search?q={word}&offset={(k % 40) * 50}"
            yield "a cassette", f"/cassettes/{paths[k % len(paths)]}"
            yield "an interaction", f"/cassettes/{paths[(k + 500) % len(paths)]}/interactions/0"
            flags = ("", "&has_error=true", "&has_error=false")[k // len(folders) % 3]
            yield "/usage", f"/usage?folder={folders[k % len(folders)]}{flags}&x={k}"
            yield "/api/cassettes?provider=openai", f"/api/cassettes?provider=openai&offset={at}"

    return PAGES, urls()


def hammer(
    url: str, targets: Iterator[tuple[str, str]], clients: int, duration: float
) -> tuple[list[tuple[str, float]], int]:
    """`clients` threads, each on its own keep-alive connection, ask for the next of `targets`
    (name, path) until `duration` seconds are over: (name, ms) of every answer, and how many
    failed (5xx or no answer)."""
    lock = threading.Lock()
    samples: list[tuple[str, float]] = []
    errors = 0
    stop = time.time() + duration

    def client() -> None:
        nonlocal errors
        with httpx.Client(timeout=30) as http:
            while time.time() < stop:
                with lock:
                    name, target = next(targets)
                start = time.perf_counter()
                try:
                    bad = http.get(url + target).status_code >= 500
                except httpx.HTTPError:
                    bad = True
                with lock:
                    samples.append((name, (time.perf_counter() - start) * 1000))
                    errors += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, errors


def run(
    folder: Path,
    db: Path,
    workers: int,
    clients: int,
    seconds: float,
    warmup: float,
    distinct: bool = False,
) -> dict[str, float]:
    port = free_port()
    cmd = [sys.executable, "-m", "app", "serve", str(folder), "--index", str(db), "--no-watch"]
    cmd += ["--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, time.time() + 300)
        pages, targets = mix_of(url, distinct)

        def load(duration: float) -> tuple[list[tuple[str, float]], int]:
            return hammer(url, targets, clients, duration)

        load(warmup)  # every worker's first look at each page (price table, memo) not timed
        before = os.getloadavg()[0]
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu = tree_cpu(proc.pid)
        samples, errors = load(seconds)
        server_cpu = tree_cpu(proc.pid) - server_cpu
        after = resource.getrusage(resource.RUSAGE_SELF)
        p50, p95 = percentiles([ms for _, ms in samples])
        for name in pages:
            mine = [ms for p, ms in samples if p == name]
            BY_PAGE.setdefault(name, []).append(f"{percentiles(mine)[1]:.0f}" if mine else "–")
        client_cpu = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
        return {
            "server CPU ms/request": 1000 * server_cpu / max(1, len(samples)),
            "server CPU %": 100 * server_cpu / seconds,
            "client CPU %": 100 * client_cpu / seconds,
            "requests/s": len(samples) / seconds,
            "p50 ms": p50,
            "p95 ms": p95,
            "5xx": errors,
            "load": (before + os.getloadavg()[0]) / 2,
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description="Concurrent-client load on loopback.")
    parser.add_argument("--n", type=int, default=1000, help="corpus size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="serve --workers")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=5, help="seconds of load not timed")
    parser.add_argument(
        "--mix",
        choices=("repeat", "distinct", "both"),
        default="repeat",
        help="repeat: the same six pages over and over; distinct: a page not asked before "
        "on every request (nothing the server kept can answer it)",
    )
    args = parser.parse_args()
    folder = corpus(args.n, args.seed)
    db = OUT / f"load-index-{args.n}-{args.seed}.sqlite3"
    from app.index import Index

    Index(db, [folder]).refresh()
    print(
        f"{args.clients} clients, {args.seconds:.0f} s each, {os.cpu_count()} cores\n\n"
        "| mix | workers | requests/s | p50 ms | p95 ms | 5xx | load avg | server CPU % "
        "| server CPU ms/request | client CPU % |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    mixes = ["repeat", "distinct"] if args.mix == "both" else [args.mix]
    runs = [(mix, w) for mix in mixes for w in args.workers]
    for mix, workers in runs:
        r = run(folder, db, workers, args.clients, args.seconds, args.warmup, mix == "distinct")
        print(
            f"| {mix} | {workers} | {r['requests/s']:.0f} | {r['p50 ms']:.0f} | {r['p95 ms']:.0f}"
            f" | {r['5xx']:.0f} | {r['load']:.1f} | {r['server CPU %']:.0f}"
            f" | {r['server CPU ms/request']:.1f} | {r['client CPU %']:.0f} |",
            flush=True,
        )
    print("\n| page | " + " | ".join(f"p95 ms, {m} {w}" for m, w in runs) + " |")
    print("| --- |" + " --- |" * len(runs))
    for page, figures in BY_PAGE.items():
        print(f"| {page} | " + " | ".join(figures) + " |")


if __name__ == "__main__":
    main()
