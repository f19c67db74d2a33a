"""Folded texts and on-demand sections in Chromium: "show all" swaps the whole text in where the
head was, the usage charts of a long cassette load when scrolled to, and both work without
JavaScript as plain links."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.server import serve
from tests.web.test_page_weight import agent_run, many_chats

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("weight")
    root = tmp / "cassettes"
    root.mkdir()
    (root / "agent.yaml").write_text(agent_run(3, 3_000))
    (root / "many.yaml").write_text(many_chats(60))
    with serve(root, tmp / "index.sqlite3") as base:
        yield base


def test_show_all_swaps_a_tool_result_in_where_its_head_was(page: Page, url: str) -> None:
    page.goto(url + "/cassettes/agent.yaml")
    result = page.locator("#turn-0 .tool-result").first
    expect(result).to_contain_text("ok 0 yyy")
    pre = result.locator("pre")
    head = pre.inner_text()
    assert len(head) < 500
    show = result.get_by_text("show all · 2.9 KB")
    show.scroll_into_view_if_needed()
    before = result.bounding_box()
    assert before is not None
    show.click()
    expect(result.get_by_text("show all")).to_have_count(0)
    expect(pre).to_have_text("ok 0 " + "y" * 3_000)
    after = result.bounding_box()
    assert after is not None
    assert after["y"] == before["y"]  # it grows downwards, where it was read
    assert after["height"] > before["height"]
    assert after["width"] == before["width"]  # the long line scrolls inside the card


def test_usage_charts_of_a_long_cassette_load_when_scrolled_to(page: Page, url: str) -> None:
    page.goto(url + "/cassettes/many.yaml")
    charts = page.locator("#usage-charts")
    expect(charts).to_contain_text("Show the charts and table of 60 calls")
    expect(page.locator("#usage figure")).to_have_count(0)
    charts.scroll_into_view_if_needed()
    expect(page.locator("#usage figure").first).to_be_visible()
    expect(page.locator("#usage-charts")).to_have_count(1)


def test_without_javascript_both_are_plain_links(browser: Browser, url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "/cassettes/many.yaml")
    page.get_by_text("Show the charts and table of 60 calls").click()
    expect(page.locator("#usage figure").first).to_be_visible()
    page.goto(url + "/cassettes/agent.yaml")
    page.locator("#turn-1 .tool-result").get_by_text("show all").click()
    whole = page.locator("#turn-1 .tool-result pre")
    expect(whole).to_have_text("ok 1 " + "y" * 3_000)
    expect(whole).to_be_in_viewport()
    context.close()
