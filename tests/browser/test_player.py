"""The stream player in headless Chromium: play, step, links, keyboard, a 20,000-chunk stream.

The browser's own applier (static/player.js) must end each stream on exactly the decoded
answer, as the Python applier does in tests/playback.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import playback
from app.loader import load_bytes
from app.model import to_json
from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, serve

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CASSETTES = REPO / "cassettes"
# (sample, interaction): a streamed interaction of each API that has a sample.
STREAMS = [
    ("gateways/groq_streamed.yaml", 0),
    ("gateways/openrouter_reasoning.yaml", 0),
    ("anthropic/agent_loop_thinking_tools.yaml", 0),
    ("gemini/thinking_tool_call_streamed.yaml", 0),
    ("bedrock/converse_stream_reasoning.yaml", 0),
    ("ollama/chat_streamed_thinking.yaml", 0),
    ("cohere/chat_tool_calls.yaml", 0),
    ("openai-responses/agent_reasoning_tools.yaml", 0),
]
LONG = "long-stream/openai_chat_20000_chunks.yaml"
MIDSTREAM_ERROR = REPO / "tests" / "fixtures" / "apis" / "anthropic" / "midstream_error.yaml"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    tmp = tmp_path_factory.mktemp("player")
    root = tmp / "cassettes"
    for rel in [s for s, _ in STREAMS] + [LONG]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CASSETTES / rel, root / rel)
    shutil.copy(MIDSTREAM_ERROR, root / "midstream_error.yaml")
    with serve(root, tmp / "index.sqlite3") as url:
        yield url


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    pg.close()
    assert not errors, errors


def open_player(page: Any, base_url: str, rel: str, index: int, anchor: str = "") -> None:
    page.goto(f"{base_url}/cassettes/{rel}/interactions/{index}{anchor}")
    page.wait_for_selector("#player[data-ready=true][data-rendered]", timeout=30_000)


def rendered(page: Any) -> int:
    return int(page.get_attribute("#player", "data-rendered"))


def wait_rendered(page: Any, pos: int, timeout: float = 30_000) -> None:
    page.wait_for_selector(f'#player[data-rendered="{pos}"]', timeout=timeout)


def browser_parts(page: Any) -> Any:
    return json.loads(
        page.evaluate("JSON.stringify(tapedeckPlayer.messageParts(tapedeckPlayer.player.state))")
    )


def decoded(rel: str, index: int) -> Any:
    cas = load_bytes((CASSETTES / rel).read_bytes(), rel)
    it = cas.interactions[index]
    assert it.chunks, f"{rel} #{index} is not streamed"
    return it, to_json(it.response.parts) if it.response is not None else []


@pytest.mark.parametrize(("rel", "index"), STREAMS, ids=[s for s, _ in STREAMS])
def test_playing_to_the_end_yields_the_final_transcript(
    page: Any, base_url: str, rel: str, index: int
) -> None:
    it, want = decoded(rel, index)
    open_player(page, base_url, rel, index)
    assert rendered(page) == 0
    page.select_option("[data-speed]", "16")
    page.click('[data-act="play"]')
    wait_rendered(page, len(it.chunks))
    assert browser_parts(page) == want
    shown = page.inner_text("[data-message]")
    for part in want:
        if part["type"] == "text" and part["text"].strip():
            assert part["text"].strip().split("\n")[0] in shown
        if part["type"] == "tool_call":
            assert part["name"] in shown


def test_stepping_back_restores_the_earlier_state(page: Any, base_url: str) -> None:
    rel, index = STREAMS[0]
    it, _ = decoded(rel, index)
    n = len(it.chunks)
    open_player(page, base_url, rel, index)
    page.focus("[data-strip]")
    page.keyboard.press("End")
    wait_rendered(page, n)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    wait_rendered(page, n - 2)
    earlier = page.inner_text("[data-message]")
    parts_earlier = browser_parts(page)
    page.keyboard.press("ArrowRight")
    wait_rendered(page, n - 1)
    assert browser_parts(page) != parts_earlier or page.inner_text("[data-chunk]")
    page.keyboard.press("ArrowLeft")
    wait_rendered(page, n - 2)
    assert page.inner_text("[data-message]") == earlier
    assert browser_parts(page) == parts_earlier
    page.keyboard.press("Home")
    wait_rendered(page, 0)
    assert browser_parts(page) == []


def test_a_chunk_link_opens_the_player_at_that_chunk(page: Any, base_url: str) -> None:
    rel, index = STREAMS[0]
    open_player(page, base_url, rel, index, "#c-3")
    wait_rendered(page, 4)
    # Positions read 1-based: the chunk linked as #c-3 is the fourth.
    assert "Chunk 4 of" in page.inner_text("[data-chunk]")
    assert "chunk 4 of" in page.inner_text("[data-position]")
    window = page.request.get(
        f"{base_url}/api/cassettes/{rel}/interactions/{index}/chunks?offset=4&limit=0"
    ).json()
    assert browser_parts(page) == [p for _, p in window["before"]["parts"]]
    # moving on updates the address, so the link can be shared again
    page.focus("[data-strip]")
    page.keyboard.press("ArrowRight")
    wait_rendered(page, 5)
    # the address follows just after the frame; polled here because wait_for_function would
    # need eval, which the page's CSP forbids
    deadline = time.monotonic() + 5
    while page.evaluate("location.hash") != "#c-4" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert page.evaluate("location.hash") == "#c-4"


def test_jump_to_next_tool_call_start(page: Any, base_url: str) -> None:
    rel, index = "anthropic/agent_loop_thinking_tools.yaml", 0
    open_player(page, base_url, rel, index)
    page.select_option("[data-kind]", "tool_start")
    page.focus("[data-strip]")
    page.keyboard.press("Shift+ArrowRight")
    page.wait_for_selector("[data-message] .pl-tool_call")
    assert "tool call starts" in page.inner_text("[data-chunk]")
    assert "arguments streaming" in page.inner_text("[data-message]")


def test_long_stream_opens_and_scrubs_to_the_end(page: Any, base_url: str) -> None:
    it, want = decoded(LONG, 0)
    # How long a short stream takes to open on this machine right now: the bounds below scale
    # with it, so a loaded machine is not taken for a player that stalls.
    started = time.perf_counter()
    open_player(page, base_url, *STREAMS[0])
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    open_player(page, base_url, LONG, 0)
    opened = time.perf_counter() - started
    assert page.evaluate("document.querySelectorAll('#player *').length") < 400
    started = time.perf_counter()
    page.evaluate(
        "() => { const s = document.querySelector('[data-scrubber]');"
        " s.value = s.max; s.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    wait_rendered(page, len(it.chunks), timeout=15_000)
    scrubbed = time.perf_counter() - started
    assert browser_parts(page) == want
    assert "finish tool_call" in page.inner_text("[data-meta]").lower()
    # generous bounds: the point is that nothing stalls, the benchmark reports real figures
    assert opened < max(20, 10 * baseline), (opened, baseline)
    assert scrubbed < max(5, 5 * baseline), (scrubbed, baseline)


def test_inline_data_plays_without_the_chunk_api(page: Any, base_url: str) -> None:
    """What a static export does: every chunk inlined in the page, no server to ask."""
    rel, index = "anthropic/agent_loop_thinking_tools.yaml", 0
    it, want = decoded(rel, index)
    url = f"{base_url}/cassettes/{rel}/interactions/{index}"
    html = page.request.get(url).text()
    inline = json.dumps(playback.player_data(it, inline=True))
    inline = inline.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    start = html.index("data-player-data>") + len("data-player-data>")
    html = html[:start] + inline + html[html.index("</script>", start) :]
    asked: list[str] = []
    page.route("**/chunks*", lambda route: (asked.append(route.request.url), route.abort()))
    page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
    open_player(page, base_url, rel, index)
    page.focus("[data-strip]")
    page.keyboard.press("End")
    wait_rendered(page, len(it.chunks))
    assert browser_parts(page) == want
    page.keyboard.press("ArrowLeft")
    wait_rendered(page, len(it.chunks) - 1)
    assert asked == []


def test_an_error_event_shows_when_it_arrives(page: Any, base_url: str) -> None:
    cas = load_bytes(MIDSTREAM_ERROR.read_bytes(), "midstream_error.yaml")
    it = next(i for i in cas.interactions if i.chunks)
    assert it.error is not None
    open_player(page, base_url, "midstream_error.yaml", it.index)
    assert page.query_selector("[data-meta] .pl-error") is None
    page.select_option("[data-kind]", "error")
    page.focus("[data-strip]")
    page.keyboard.press("Shift+ArrowRight")
    page.wait_for_selector("[data-meta] .pl-error")
    assert it.error.type in page.inner_text("[data-meta] .pl-error")
    errors = [i for i, c in enumerate(it.chunks) if c.kind == "error"]
    assert rendered(page) == errors[0] + 1
    page.keyboard.press("ArrowLeft")
    wait_rendered(page, errors[0])
    assert page.query_selector("[data-meta] .pl-error") is None
