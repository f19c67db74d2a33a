"""Requests per second with concurrent clients against a real `tapedeck serve` process.

`python -m bench.load --n 10000 --workers 1 2` builds the index for the synthetic corpus once
(bench.run's corpus), then for each worker count starts one `serve --workers W` on a loopback
port over that index file, lets 32 client threads warm it up for a few seconds, and runs them
for a fixed time against a mix of pages (home, search, a cassette, an interaction, usage, a
JSON listing). It prints requests/s, latency p50/p95 and the error count, and the load average
of the machine while it ran (the figures mean little on a busy machine). Traffic goes to
127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from bench.run import OUT, corpus, percentiles


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


def run(
    folder: Path, db: Path, workers: int, clients: int, seconds: float, warmup: float
) -> dict[str, float]:
    port = free_port()
    cmd = [sys.executable, "-m", "app", "serve", str(folder), "--index", str(db), "--no-watch"]
    cmd += ["--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, time.time() + 300)
        first = httpx.get(url + "/api/cassettes?limit=1").json()["cassettes"][0]["path"]
        paths = [
            "/",
            "/search?q=weather",
            f"/cassettes/{first}",
            f"/cassettes/{first}/interactions/0",
            "/usage",
            "/api/cassettes?provider=openai",
        ]
        targets = itertools.cycle([url + p for p in paths])
        lock = threading.Lock()

        def load(duration: float) -> tuple[list[float], int]:
            samples: list[float] = []
            errors = 0
            stop = time.time() + duration

            def client() -> None:
                nonlocal errors
                with httpx.Client(timeout=30) as http:
                    while time.time() < stop:
                        with lock:
                            target = next(targets)
                        start = time.perf_counter()
                        try:
                            bad = http.get(target).status_code >= 500
                        except httpx.HTTPError:
                            bad = True
                        with lock:
                            samples.append((time.perf_counter() - start) * 1000)
                            errors += bad

            threads = [threading.Thread(target=client) for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return samples, errors

        load(warmup)  # every worker's first look at each page (price table, memo) not timed
        before = os.getloadavg()[0]
        samples, errors = load(seconds)
        p50, p95 = percentiles(samples)
        return {
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
    args = parser.parse_args()
    folder = corpus(args.n, args.seed)
    db = OUT / f"load-index-{args.n}-{args.seed}.sqlite3"
    from app.index import Index

    Index(db, [folder]).refresh()
    print(
        f"{args.clients} clients, {args.seconds:.0f} s each, {os.cpu_count()} cores\n\n"
        "| workers | requests/s | p50 ms | p95 ms | 5xx | load avg |\n"
        "| --- | --- | --- | --- | --- | --- |"
    )
    for workers in args.workers:
        r = run(folder, db, workers, args.clients, args.seconds, args.warmup)
        print(
            f"| {workers} | {r['requests/s']:.0f} | {r['p50 ms']:.0f} | {r['p95 ms']:.0f}"
            f" | {r['5xx']:.0f} | {r['load']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
