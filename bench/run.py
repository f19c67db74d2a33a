"""Benchmarks: `python -m bench.run --n 1000` prints a table; nothing here is a test or a gate.

What it measures, on a synthetic corpus from bench.corpus (generated once per size and seed
under bench/out/, which git ignores):
- the parse floor: every file parsed once by the fastest parser available (PyYAML's C loader,
  orjson), in one process — the least any indexer must spend — and again split over as many
  processes as the index has workers;
- a cold index (fresh SQLite file) with `tapedeck index`'s code path, and its ratio to the floor
  (wall clocks; against the floor in one process, as the targets are stated, and in as many
  processes as index workers) and, with `--workers 1`, CPU seconds against the floor's;
- a warm refresh with nothing changed, and a refresh after 1% of the files changed;
- server time (in-process, p50/p95 over repeated requests) of the home, search, cassette,
  interaction and usage pages and their JSON twins;
- peak memory (max RSS) of the process doing all of it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections.abc import Callable
from multiprocessing import get_context
from pathlib import Path

import orjson
import yaml

from bench.corpus import generate

OUT = Path(__file__).resolve().parent / "out"


def corpus(n: int, seed: int) -> Path:
    folder = OUT / f"corpus-{n}-{seed}"
    marker = folder / ".complete"
    if not marker.exists():
        generate(folder, n, seed)
        marker.write_text("ok")
    return folder


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def _parse_all(files: list[Path]) -> float:
    """Parse every file once; the CPU seconds it took."""
    start = time.process_time()
    for p in files:
        data = p.read_bytes()
        if data[:1] in (b"{", b"["):
            orjson.loads(data)
        else:
            yaml.load(data, Loader=yaml.CSafeLoader)
    return time.process_time() - start


def parse_floor(files: list[Path], processes: int = 1) -> tuple[float, float]:
    """Wall and CPU seconds (best of two passes, so the floor, like the index after it, reads
    from the page cache) to parse every file in `processes` processes, each a share of the
    files: with as many processes as the index has workers, wall clocks compare like with like."""
    best = (float("inf"), float("inf"))
    for _ in range(2):
        start = time.perf_counter()
        if processes == 1:
            cpu = _parse_all(files)
        else:
            with get_context("fork").Pool(processes) as pool:
                cpu = sum(pool.map(_parse_all, [files[i::processes] for i in range(processes)]))
        best = min(best, (time.perf_counter() - start, cpu))
    return best


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def bench_index(folder: Path, db: Path, workers: int = 2) -> dict[str, float]:
    from app.index import Index

    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    files = files_of(folder)
    size_mb = sum(p.stat().st_size for p in files) / 1e6
    floor, floor_cpu = parse_floor(files)
    floor_n = parse_floor(files, workers)[0]
    idx = Index(db, [folder], workers=workers)
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    cold = timed(idx.refresh)
    after = resource.getrusage(resource.RUSAGE_SELF)
    parent_cpu = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
    warm = timed(idx.refresh)
    changed = files[:: max(1, len(files) // max(1, len(files) // 100))][: max(1, len(files) // 100)]
    for p in changed:
        os.utime(p, ns=(time.time_ns(), time.time_ns()))
    one_pct = timed(idx.refresh)
    idx.close()
    return {
        "files": len(files),
        "MB": size_mb,
        "parse floor s": floor,
        "cold index s": cold,
        "cold / floor": cold / floor,
        "cold index, CPU of this process s": parent_cpu,
        # Like with like: the floor in as many processes as the index has workers (wall), and
        # with `--workers 1`, where all the indexing is this process's CPU, CPU against CPU.
        **(
            {
                f"parse floor, {workers} processes s": floor_n,
                f"cold / floor in {workers} processes": cold / floor_n,
            }
            if workers > 1
            else {"cold / floor, CPU": parent_cpu / floor_cpu}
        ),
        "parse floor CPU s": floor_cpu,
        "files/s": len(files) / cold,
        "MB/s": size_mb / cold,
        "warm refresh s": warm,
        "1% changed s": one_pct,
    }


def bench_pages(folder: Path, db: Path, repeat: int) -> dict[str, tuple[float, float]]:
    from fastapi.testclient import TestClient

    from app.index import Filters, Index
    from app.web import Settings, create_app

    idx = Index(db, [folder])
    rows, _ = idx.list_cassettes(Filters(), sort="tokens", desc=True, limit=1)
    biggest = rows[0].path
    idx.close()
    app = create_app(Settings(roots=[folder], index_path=db, watch=False))
    out: dict[str, tuple[float, float]] = {}
    with TestClient(app) as client:
        # Time the steady state: wait for the start-up refresh, price-table import and memo
        # warm-up to finish, or the first page measured shares the CPU with them.
        assert app.state.live.ready.wait(600), "index did not become ready"
        pages = {
            "home": "/",
            "home json": "/api/cassettes",
            "search": "/search?q=weather",
            "search json": "/api/search?q=weather",
            "cassette": f"/cassettes/{biggest}",
            "interaction": f"/cassettes/{biggest}/interactions/0",
            "usage": "/usage",
            "usage json": "/api/usage?group_by=model",
        }
        for name, url in pages.items():
            client.get(url)  # warm the cache, as a reader's second look would
            samples = []
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - start) * 1000)
                if response.status_code >= 400:
                    samples = [float("nan")]
                    break
            out[name] = percentiles(samples)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Tapedeck benchmarks (figures, not gates).")
    parser.add_argument("--n", type=int, nargs="+", default=[1000], help="corpus sizes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=40, help="requests per page")
    parser.add_argument("--no-pages", action="store_true", help="index figures only")
    parser.add_argument(
        "--workers", type=int, default=2, help="index worker processes (1: all in this process)"
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    for n in args.n:
        folder = corpus(n, args.seed)
        db = OUT / f"index-{n}-{args.seed}.sqlite3"
        figures = bench_index(folder, db, args.workers)
        print(f"\n## {n} cassettes ({figures['MB']:.1f} MB)\n")
        print("| measure | value |\n| --- | --- |")
        for key, value in figures.items():
            print(f"| {key} | {value:,.3f} |")
        if not args.no_pages:
            print("\n| page | p50 ms | p95 ms |\n| --- | --- | --- |")
            for name, (p50, p95) in bench_pages(folder, db, args.repeat).items():
                print(f"| {name} | {p50:.1f} | {p95:.1f} |")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"\npeak RSS: this process {rss:.0f} MB, largest worker {kids:.0f} MB")


if __name__ == "__main__":
    main()
