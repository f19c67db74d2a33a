"""Page latency with 10,000 cassettes indexed (a benchmark, not a test).

Run: python -m tests.web.bench_pages [N]. Prints p50/p95 per page of the server time the app
reports in its Server-Timing header, after one warm-up request per URL.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from app.web import Settings, create_app
from tests.web.samples import anthropic_thinking, rate_limited, streamed_story, weather_agent

ROUNDS = 60


def write_corpus(root: Path, n: int) -> None:
    kinds = [weather_agent(), anthropic_thinking(), streamed_story(20), rate_limited()]
    for i in range(n):
        text = kinds[i % len(kinds)].replace("Florence", f"Florence{i}")
        folder = root / f"suite{i % 40:02d}" / f"case{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"cassette_{i:05d}.yaml").write_text(text, encoding="utf-8")


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "cassettes"
        t0 = time.perf_counter()
        write_corpus(root, n)
        print(f"wrote {n} cassettes in {time.perf_counter() - t0:.1f}s")
        app = create_app(Settings(roots=[root], index_path=Path(tmp) / "i.sqlite3", watch=False))
        with TestClient(app) as client:
            t0 = time.perf_counter()
            app.state.live.ready.wait(3600)
            print(f"indexed in {time.perf_counter() - t0:.1f}s: {client.get('/healthz').json()}")
            urls = {
                "home": "/",
                "home sorted by cost, page 3": "/?sort=cost&desc=1&offset=100",
                "home filtered": "/?tool=get_weather&folder=suite07",
                "home search": "/?q=Florence123",
                "search": "/search?q=sunglasses",
                "cassette": "/cassettes/suite00/case0/cassette_00000.yaml",
                "interaction": "/cassettes/suite00/case0/cassette_00000.yaml/interactions/1",
                "api list": "/api/cassettes",
            }
            for name, url in urls.items():
                assert client.get(url).status_code == 200, url
                times = []
                for _ in range(ROUNDS):
                    timing = client.get(url).headers["server-timing"]
                    times.append(float(timing.partition("dur=")[2]))
                times.sort()
                p95 = times[int(len(times) * 0.95) - 1]
                print(f"{name:30s} p50 {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
