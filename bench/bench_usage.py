"""Server time of the usage page: `python -m bench.bench_usage --n 10000` prints a table.

Builds (once) the synthetic corpus of bench.corpus and its index under bench/out/, then times
the usage page, its JSON twin, filtered variants, a CSV download and a cassette page with its
charts, in-process through the ASGI app (TestClient), p50/p95 over repeated requests. The
issue's target: /usage under 100 ms at p95 over 10,000 cassettes, answered from the index.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from bench.run import OUT, corpus, percentiles


def index_for(folder: Path, n: int, seed: int) -> Path:
    """An index of the corpus, refreshed before timing (a no-op when nothing changed)."""
    from app.index import Index

    db = OUT / f"usage-index-{n}-{seed}.sqlite3"
    idx = Index(db, [folder])
    start = time.perf_counter()
    result = idx.refresh()
    if result.read:
        took = time.perf_counter() - start
        print(
            f"indexed {result.cassettes} cassettes, {result.interactions} interactions,"
            f" {took:.1f} s"
        )
    idx.close()
    return db


# The usage view is memoized per index generation. COLD times building it (memo emptied before
# each request); CHANGED times the first request after a file changed, as a watching server
# answers it: the file is re-indexed and the views in use are rebuilt in the background first.
COLD = "usage, built (memo emptied)"
CHANGED = "usage, first view after a change"


def forget(live: Any) -> None:
    with live._memo_lock:
        live._memo.clear()


def change_one_file(live: Any, file: Path) -> None:
    """What the watcher thread does when `file` changes: refresh, then warm the memo."""
    os.utime(file)
    live.index.refresh()
    live._warm_memo()


def bench(folder: Path, db: Path, repeat: int) -> list[tuple[str, float, float, int]]:
    from fastapi.testclient import TestClient

    from app.index import Filters, Index
    from app.web import Settings, create_app

    idx = Index(db, [folder])
    rows, _ = idx.list_cassettes(Filters(), sort="interactions", desc=True, limit=1)
    busiest = rows[0].path
    folder_name = rows[0].folder
    idx.close()
    pages: dict[str, str | tuple[str, dict[str, str]]] = {
        "usage": "/usage",
        COLD: "/usage",
        CHANGED: "/usage",
        "usage (JSON)": ("/usage", {"accept": "application/json"}),
        "usage ?provider=openai": "/usage?provider=openai",
        f"usage ?folder={folder_name}": f"/usage?folder={folder_name}",
        "usage ?q=weather": "/usage?q=weather",
        "usage.csv ?table=cassette": "/usage.csv?table=cassette",
        "cassette page (charts)": f"/cassettes/{busiest}",
    }
    app = create_app(Settings(roots=[folder], index_path=db, watch=False))
    out = []
    with TestClient(app) as client:
        assert app.state.live.ready.wait(600), "index did not become ready"
        for name, spec in pages.items():
            url, headers = spec if isinstance(spec, tuple) else (spec, {})
            first = client.get(url, headers=headers)  # warm caches, as a second look would
            assert first.status_code == 200, (url, first.status_code)
            samples = []
            for _ in range(repeat):
                if name == COLD:
                    forget(app.state.live)
                elif name == CHANGED:
                    change_one_file(app.state.live, folder / busiest)
                start = time.perf_counter()
                client.get(url, headers=headers)
                samples.append((time.perf_counter() - start) * 1000)
            p50, p95 = percentiles(samples)
            out.append((name, p50, p95, len(first.content)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="cassettes in the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    folder = corpus(args.n, args.seed)
    db = index_for(folder, args.n, args.seed)
    rows = bench(folder, db, args.repeat)
    print(f"\nserver time over {args.n:,} cassettes, {args.repeat} requests each (in-process)")
    print(f"{'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>9}")
    for name, p50, p95, size in rows:
        print(f"{name:<34} {p50:8.1f} {p95:8.1f} {size:9,}")


if __name__ == "__main__":
    main()
