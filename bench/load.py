"""Requests per second with concurrent clients against real `tapedeck serve` processes.

`python -m bench.load --n 1000 --servers 1 2` builds the index for the synthetic corpus once
(bench.run's corpus), starts the given number of `serve` processes on loopback ports sharing
that one index file, and runs 32 client threads for a fixed time against a mix of pages
(home, search, a cassette, an interaction, usage), spread over the servers. It prints
requests/s, latency p50/p95 and the error count. Traffic goes to 127.0.0.1 only and stops
by itself.
"""

from __future__ import annotations

import argparse
import itertools
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


def run(folder: Path, db: Path, servers: int, clients: int, seconds: float) -> dict[str, float]:
    procs = []
    urls = []
    try:
        for _ in range(servers):
            port = free_port()
            cmd = [sys.executable, "-m", "app", "serve", str(folder), "--index", str(db)]
            cmd += ["--no-watch", "--port", str(port)]
            procs.append(
                subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            wait_ready(url, time.time() + 300)
        first = httpx.get(urls[0] + "/api/cassettes?limit=1").json()["cassettes"][0]["path"]
        paths = [
            "/",
            "/search?q=weather",
            f"/cassettes/{first}",
            f"/cassettes/{first}/interactions/0",
            "/usage",
            "/api/cassettes?provider=openai",
        ]
        targets = itertools.cycle([u + p for p in paths for u in urls])
        lock = threading.Lock()
        samples: list[float] = []
        errors = 0
        stop = time.time() + seconds

        def client() -> None:
            nonlocal errors
            with httpx.Client(timeout=30) as http:
                while time.time() < stop:
                    with lock:
                        url = next(targets)
                    start = time.perf_counter()
                    try:
                        bad = http.get(url).status_code >= 500
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
        p50, p95 = percentiles(samples)
        return {"requests/s": len(samples) / seconds, "p50 ms": p50, "p95 ms": p95, "5xx": errors}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description="Concurrent-client load on loopback.")
    parser.add_argument("--n", type=int, default=1000, help="corpus size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--servers", type=int, nargs="+", default=[1])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    folder = corpus(args.n, args.seed)
    db = OUT / f"load-index-{args.n}-{args.seed}.sqlite3"
    from app.index import Index

    Index(db, [folder]).refresh()
    print("| servers | requests/s | p50 ms | p95 ms | 5xx |\n| --- | --- | --- | --- | --- |")
    for servers in args.servers:
        r = run(folder, db, servers, args.clients, args.seconds)
        print(
            f"| {servers} | {r['requests/s']:.0f} | {r['p50 ms']:.0f} | {r['p95 ms']:.0f}"
            f" | {r['5xx']:.0f} |"
        )


if __name__ == "__main__":
    main()
