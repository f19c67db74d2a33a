"""Screenshots of every page in light and dark mode, for the README (docs/screenshots/).

Run: python -m tests.browser.screenshots  (needs /usr/bin/chromium). Uses the sample cassettes
the web tests write, in a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, serve
from tests.web.samples import titled_weather_agent, write_tree

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

PHONE_PAGES = ("home", "cassette", "interaction")
PAGES = {
    "home": "/",
    "cassette": "/cassettes/agents/weather.yaml",
    "interaction": "/cassettes/streams/story.yaml/interactions/0",
    "search": "/search?q=weather",
    "problems": "/problems",
    "thinking": "/cassettes/agents/claude/thinking.yaml",
    "threads": "/cassettes/agents/titled.yaml",
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "cassettes"
        write_tree(root, hostile_name=False)
        # A side call beside the agent: the cassette page's thread lanes and outline.
        (root / "agents" / "titled.yaml").write_text(titled_weather_agent(), encoding="utf-8")
        with serve(root, Path(tmp) / "index.sqlite3") as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for scheme in ("light", "dark"):
                for width, suffix in ((1280, ""), (390, "-phone")):
                    page = browser.new_page(
                        viewport={"width": width, "height": 860}, color_scheme=scheme
                    )
                    for name, url in PAGES.items():
                        if suffix and name not in PHONE_PAGES:
                            continue
                        page.goto(base + url)
                        page.wait_for_load_state("networkidle")
                        page.screenshot(path=str(OUT / f"{name}-{scheme}{suffix}.png"))
                    page.close()
            browser.close()
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
