"""The static export in headless Chromium from file://: links, filter, player, no network at all.

The `browser` fixture (and the skip when Chromium is missing) come from tests/browser/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from app.export import export_single, export_site
from tests.web.samples import govcr, story_exchange, write_tree

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("export")
    write_tree(tmp / "cassettes", hostile_name=False)
    export_site([tmp / "cassettes"], tmp / "site")
    export_single(tmp / "cassettes" / "streams" / "story.yaml", tmp / "single")
    two = tmp / "two" / "two-stories.yaml"
    two.parent.mkdir()
    two.write_text(govcr(story_exchange(6), story_exchange(3, "And a short one")))
    export_single(two, tmp / "single")
    return tmp


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # stricter than conftest's: no request may leave
    """A page whose every request is checked: file:// goes through, anything else is a failure."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    network: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            network.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg.on(
        "request",
        lambda req: None if req.url.startswith(("file:", "data:")) else network.append(req.url),
    )
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield pg
    context.close()
    assert network == [], f"requests left file://: {network}"
    assert errors == [], f"errors in the page (CSP violations show here too): {errors}"


def test_click_through_index_cassette_interaction(page: Any, site: Path) -> None:
    page.goto((site / "site" / "index.html").as_uri())
    # Each click starts a navigation; read the new page only once it has fully loaded, or a
    # busy machine may hand back a half-parsed document.
    page.click("table.cassettes a:text-is('weather.yaml')")
    page.wait_for_load_state("load")
    assert page.url.endswith("/site/cassettes/agents/weather.yaml.html")
    assert "get_weather" in page.inner_text("section.transcript")
    page.click("section.interactions td a:text-is('1')")
    page.wait_for_load_state("load")
    assert page.url.endswith("/site/cassettes/agents/weather.yaml/interactions/1.html")
    from playwright.sync_api import expect

    expect(page.locator("main")).to_contain_text("21 °C")
    page.click("nav.crumbs a:text-is('agents')")
    assert page.url.endswith("/site/index.html?folder=agents")
    page.wait_for_load_state("load")
    visible = page.locator("table.cassettes tr[data-href]:visible a").all_inner_texts()
    assert sorted(visible) == ["thinking.yaml", "weather.yaml"]


def test_every_link_is_relative_and_lands_on_a_file(page: Any, site: Path) -> None:
    page.goto((site / "site" / "cassettes" / "agents" / "weather.yaml.html").as_uri())
    refs = page.eval_on_selector_all(
        "[href], [src], form[action]",
        "els => els.map(e => ['href', 'src', 'action'].map(a => e.getAttribute(a)).find(Boolean))",
    )
    assert refs
    assert [r for r in refs if r.startswith("/") or "://" in r] == []
    hrefs = page.eval_on_selector_all(
        "a[href]:not([href^='#'])",
        "els => els.map(e => new URL(e.getAttribute('href'), location.href).href)",
    )
    for href in hrefs:
        target = Path(unquote(urlsplit(href).path))
        assert target.is_file(), href


def test_filter_box_filters_in_the_page(page: Any, site: Path) -> None:
    page.goto((site / "site" / "index.html").as_uri())
    page.fill("#q", "story")
    visible = page.locator("table.cassettes tr[data-href]:visible a").all_inner_texts()
    assert visible == ["story.yaml"]


def play_to_end(page: Any, player: str = "#player") -> None:
    page.wait_for_selector(f"{player}[data-ready=true][data-rendered]", timeout=15_000)
    page.focus("[data-strip]")
    page.keyboard.press("End")
    last = page.get_attribute("[data-scrubber]", "max")
    assert int(last) > 40  # streamed_story(): 40 words, then the finish and usage events
    page.wait_for_selector(f'{player}[data-rendered="{last}"]', timeout=15_000)


def test_player_plays_inlined_chunks(page: Any, site: Path) -> None:
    page.goto((site / "site" / "cassettes" / "streams" / "story.yaml.html").as_uri())
    page.click("section.interactions td a:text-is('0')")
    play_to_end(page)
    assert page.inner_text("[data-message]").strip().endswith("word39")


def test_single_file_is_self_contained_and_plays(page: Any, site: Path) -> None:
    file = site / "single" / "story.yaml.html"
    page.goto(file.as_uri())
    assert page.eval_on_selector_all("link[href^='static'], script[src]", "els => els.length") == 0
    assert "Tell me a story" in page.inner_text("section.transcript")
    play_to_end(page, "#i0-player")
    assert page.inner_text("[data-message]").strip().endswith("word39")
    page.click("section.interactions td a:text-is('0')")
    assert page.url.endswith("#interaction-0")


def test_single_file_plays_each_interaction_on_its_own(page: Any, site: Path) -> None:
    file = site / "single" / "two-stories.yaml.html"
    page.goto(file.as_uri() + "#i1-c-1")  # a link to the second stream's second chunk
    for player in ("#i0-player", "#i1-player"):
        page.wait_for_selector(f"{player}[data-ready=true][data-rendered]", timeout=15_000)
    second = page.locator("#i1-player")
    assert second.get_attribute("data-rendered") == "2"  # opened at the linked chunk
    assert second.locator("[data-message]").inner_text().strip() == "word0 word1"
    assert page.get_attribute("#i0-player", "data-rendered") == "0"
    second.locator("[data-strip]").focus()
    page.keyboard.press("End")
    last = second.locator("[data-scrubber]").get_attribute("max")
    page.wait_for_selector(f'#i1-player[data-rendered="{last}"]', timeout=15_000)
    assert second.locator("[data-message]").inner_text().strip().endswith("word2")
    assert page.get_attribute("#i0-player", "data-rendered") == "0"  # keys stayed in the second
    # The player names its chunk in the URL after a short debounce: wait for it, do not race it.
    page.wait_for_function("h => location.hash === h", arg=f"#i1-c-{int(last) - 1}")
