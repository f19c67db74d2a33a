"""How fast the stream player opens and scrubs the 20,000-chunk sample, in headless Chromium.

Prints: the server's first answer for the page (decode + deltas, cold) and a warm one; time to
interactive (navigation until the player has rendered its first frame, with the share spent
on the host page's HTML and on the player itself); scrub times to the end,
the middle and back to the start; the longest main-thread task seen while scrubbing and then
playing (what a reader would feel as a stall); and how long the whole stream takes to play at
16x (its 41.5 s duration spread over the chunks, so about 2.6 s is the pace it should keep).

    python bench/bench_player.py            (needs /usr/bin/chromium)
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

SAMPLE = REPO / "cassettes" / "long-stream" / "openai_chat_20000_chunks.yaml"
PAGE = "/cassettes/long.yaml/interactions/0"

OBSERVE_LONG_TASKS = """() => {
  window.__longest = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
  }).observe({ type: "longtask" });
}"""
MARKS = """() => [performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
  performance.getEntriesByName('player-start')[0].startTime,
  performance.getEntriesByName('player-first-frame')[0].startTime]"""
SCRUB = """(pos) => { const s = document.querySelector('[data-scrubber]');
  s.value = String(pos); s.dispatchEvent(new Event('input', {bubbles: true})); }"""


def scrub(page: Any, pos: int) -> float:
    started = time.perf_counter()
    page.evaluate(SCRUB, pos)
    page.wait_for_selector(f'#player[data-rendered="{pos}"]', timeout=30_000)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    if not CHROMIUM.exists():
        sys.exit("no Chromium at /usr/bin/chromium")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        shutil.copy(SAMPLE, root / "long.yaml")
        with serve(root, Path(tmp) / "index.sqlite3") as base:
            started = time.perf_counter()
            cold = httpx.get(base + PAGE, timeout=120)
            cold_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            httpx.get(base + PAGE, timeout=120)
            warm_ms = (time.perf_counter() - started) * 1000
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                tti, own, dcl = [], [], []
                for _ in range(3):
                    started = time.perf_counter()
                    page.goto(base + PAGE)
                    page.wait_for_selector('#player[data-rendered="0"]', timeout=30_000)
                    tti.append((time.perf_counter() - started) * 1000)
                    marks = page.evaluate(MARKS)
                    dcl.append(marks[0])
                    own.append(marks[2] - marks[1])
                page.evaluate(OBSERVE_LONG_TASKS)
                total = int(page.get_attribute("[data-scrubber]", "max"))
                to_end = scrub(page, total)
                to_middle = scrub(page, total // 2)
                to_start = scrub(page, 0)
                longest = page.evaluate("window.__longest")
                dom = page.evaluate("document.querySelectorAll('#player *').length")
                page.select_option("[data-speed]", "16")
                started = time.perf_counter()
                page.click('[data-act="play"]')
                page.wait_for_selector(f'#player[data-rendered="{total}"]', timeout=120_000)
                played_s = time.perf_counter() - started
                longest_play = page.evaluate("window.__longest")
                browser.close()
    print(f"sample: {SAMPLE.name}, {total:,} chunks, {SAMPLE.stat().st_size / 1e6:.1f} MB")
    print(f"page, server cold (decode + deltas): {cold_ms:8.0f} ms ({len(cold.text) / 1e3:.0f} kB)")
    print(f"page, server warm:                   {warm_ms:8.0f} ms")
    print(f"time to interactive (median of 3):   {statistics.median(tti):8.0f} ms")
    print(f"  of which the page's HTML, to DCL:  {statistics.median(dcl):8.0f} ms")
    print(f"  player script start -> 1st frame:  {statistics.median(own):8.0f} ms")
    print(f"scrub to the end:                    {to_end:8.0f} ms")
    print(f"scrub to the middle:                 {to_middle:8.0f} ms")
    print(f"scrub back to the start:             {to_start:8.0f} ms")
    print(f"longest main-thread task (scrubs):   {longest:8.0f} ms")
    print(f"player DOM elements:                 {dom:8d}")
    print(f"play all at 16x (41.5 s recorded):    {played_s * 1000:8.0f} ms")
    print(f"  = chunks per second:               {total / played_s:8.0f}")
    print(f"longest main-thread task (all):      {longest_play:8.0f} ms")


if __name__ == "__main__":
    main()
