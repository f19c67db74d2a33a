"""In Chromium, under the page's own CSP: an inline image is decoded and drawn, and inline
audio loads as a player the reader can start (its length is known, no CSP error)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.server import serve

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apis"


@pytest.fixture(scope="module")
def media_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("media")
    root = tmp / "cassettes"
    root.mkdir()
    shutil.copy(FIXTURES / "openai_chat" / "inline_media.yaml", root / "chat.yaml")
    shutil.copy(FIXTURES / "openai_realtime" / "audio_answer.yaml", root / "realtime.yaml")
    with serve(root, tmp / "index.sqlite3") as url:
        yield url


@pytest.mark.parametrize("name", ["chat.yaml", "realtime.yaml"])
def test_inline_media_is_drawn_and_playable(page: Page, media_url: str, name: str) -> None:
    page.goto(f"{media_url}/cassettes/{name}/interactions/0")
    if name == "chat.yaml":
        image = page.locator("figure.media img").first
        image.scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelector('figure.media img').complete")
        assert image.evaluate("i => i.naturalWidth") == 2
    players = page.locator("figure.media audio")
    assert players.count() >= 1
    for n in range(players.count()):
        player = players.nth(n)
        player.evaluate("a => a.load()")
        page.wait_for_function(
            "a => a.readyState >= 1 || a.error !== null", arg=player.element_handle()
        )
        assert player.evaluate("a => a.error === null && a.duration > 0")


def test_the_player_steps_through_a_realtime_session_to_its_spoken_answer(
    page: Page, media_url: str
) -> None:
    page.goto(f"{media_url}/cassettes/realtime.yaml/interactions/0")
    page.wait_for_selector("#player[data-ready=true][data-rendered]", timeout=30_000)
    page.focus("[data-strip]")
    page.keyboard.press("End")
    total = page.evaluate("tapedeckPlayer.player.total")
    page.wait_for_selector(f'#player[data-rendered="{total}"]', timeout=30_000)
    message = page.locator("[data-message]")
    assert "Hi!" in message.inner_text()
    player = message.locator("audio")
    assert player.count() == 1
    assert str(player.get_attribute("src")).startswith("data:audio/wav;base64,")
    page.keyboard.press("Home")
    page.wait_for_selector('#player[data-rendered="0"]', timeout=30_000)
    assert message.locator("audio").count() == 0
