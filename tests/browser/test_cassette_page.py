"""The cassette page in Chromium: the conversation on the first screen, threads, n/p, hits."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.server import serve
from tests.web.samples import write_reading_tree

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def reading_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("reading")
    write_reading_tree(tmp / "cassettes")
    with serve(tmp / "cassettes", tmp / "index.sqlite3") as url:
        yield url


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_the_first_user_message_is_on_the_first_screen(
    browser: Browser, reading_url: str, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(reading_url + "/cassettes/agents/weather.yaml")
    user = page.locator("article.msg.role-user").first
    expect(user).to_contain_text("What's the weather in Florence?")
    box = user.bounding_box()
    assert box is not None
    assert page.evaluate("window.scrollY") == 0
    # Its top and its first line of text are on the first screen.
    assert box["y"] + 60 <= height, (width, height, box)
    context.close()


def test_the_outline_lists_the_threads_and_lands_in_a_folded_lane(
    page: Page, reading_url: str
) -> None:
    page.goto(reading_url + "/cassettes/threads/titled.yaml")
    threads = page.locator("nav.outline a.outline-thread")
    expect(threads).to_have_text(
        ["What's the weather in Florence?", "Title generator: What's the weather in Florence?"]
    )
    lane = page.locator("details#t-0")
    expect(lane).not_to_have_attribute("open", "")
    page.locator('nav.outline a[href="#turn-0"]').click()
    expect(lane).to_have_attribute("open", "")
    expect(page.locator("#turn-0")).to_be_in_viewport()


def test_n_and_p_step_through_turns(page: Page, reading_url: str) -> None:
    page.goto(reading_url + "/cassettes/threads/titled.yaml")
    page.wait_for_load_state("load")
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"#turn-1$"))
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"#turn-2$"))
    turn = page.locator("#turn-2")
    expect(turn).to_have_class(re.compile(r"\bcurrent\b"))
    top = page.evaluate("document.getElementById('turn-2').getBoundingClientRect().top")
    assert 0 <= top < 150
    expect(page.locator('nav.outline a[href="#turn-2"]')).to_have_class(re.compile("current"))
    page.keyboard.press("n")  # the side call's lane is folded: n stays in what is shown
    expect(page).to_have_url(re.compile(r"#turn-2$"))
    page.keyboard.press("p")
    expect(page).to_have_url(re.compile(r"#turn-1$"))
    page.keyboard.press("j")  # j/k still walk messages
    expect(page.locator(".msg.current")).to_have_count(1)
    page.keyboard.press("?")
    expect(page.locator("dialog#help")).to_contain_text("Next / previous turn")


def test_a_search_hit_lands_highlighted_in_its_thread(page: Page, reading_url: str) -> None:
    page.goto(reading_url + "/search?q=title")
    hit = page.locator("li.hit a.path").filter(has_text="titled.yaml").first
    href = hit.get_attribute("href")
    assert href is not None
    assert "q=title#m-" in href
    hit.click()
    anchor = href.split("#", 1)[1]
    target = page.locator("#" + anchor)
    expect(target).to_be_in_viewport()
    expect(page.locator("details#t-0")).to_have_attribute("open", "")
    mark = target.locator("mark.q-hit").first
    expect(mark).to_have_text(re.compile("title", re.I))
    expect(mark).to_be_visible()


def test_a_failed_call_shows_its_error_card_inline(page: Page, reading_url: str) -> None:
    page.goto(reading_url + "/cassettes/errors/rate_limited.yaml")
    card = page.locator("#turn-0 .error-card")
    expect(card).to_be_in_viewport()
    expect(card).to_contain_text("429")
    expect(card).to_contain_text("Rate limit reached")
    user = page.locator("#turn-0 article.role-user").bounding_box()
    box = card.bounding_box()
    assert user is not None
    assert box is not None
    assert box["y"] > user["y"]  # where the answer would be
    card.locator("a").click()
    expect(page).to_have_url(re.compile(r"/interactions/0\?v=\w+#raw-title$"))


def test_a_tool_result_is_shown_once(page: Page, reading_url: str) -> None:
    page.goto(reading_url + "/cassettes/agents/weather.yaml")
    shown = page.locator("section.transcript").get_by_text('"sunny"')
    expect(shown).to_have_count(1)
    expect(shown).to_be_visible()
    expect(page.locator("#m-3")).to_contain_text('"temp"')


def test_a_long_message_folds_and_show_all_loads_it_in_place(page: Page, reading_url: str) -> None:
    page.goto(reading_url + "/cassettes/long/report.yaml")
    answer = page.locator("article.role-assistant")
    expect(answer).to_contain_text("Line 3 of the report.")
    expect(answer).not_to_contain_text("The last line: needle.")
    folded = answer.bounding_box()
    assert folded is not None
    url = page.url
    answer.get_by_text("show all · 2.0 KB").click()
    expect(answer.get_by_text("The last line: needle.")).to_be_visible()
    expect(answer.get_by_text("show all")).to_have_count(0)
    assert page.url == url  # swapped in place, no navigation
    opened = answer.bounding_box()
    assert opened is not None
    assert opened["height"] > folded["height"] * 2
    assert opened["y"] == folded["y"]  # the message stays where it was read


def test_lanes_outline_and_folds_work_without_javascript(
    browser: Browser, reading_url: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(reading_url + "/cassettes/threads/titled.yaml")
    page.locator('nav.outline a[href="#turn-0"]').click()
    expect(page.locator("details#t-0")).to_have_attribute("open", "")
    page.goto(reading_url + "/cassettes/long/report.yaml")
    expect(page.get_by_text("The last line: needle.")).to_have_count(0)
    page.get_by_text("show all · 2.0 KB").click()
    expect(page).to_have_url(re.compile(r"whole=m-1-p0#m-1-p0$"))
    expect(page.get_by_text("The last line: needle.")).to_be_visible()
    expect(page.get_by_text("Line 40 of the report.")).to_be_visible()
    expect(page.locator("#m-1-p0")).to_be_in_viewport()  # scrolled to the text shown whole
    context.close()


def test_j_skips_messages_of_a_folded_lane(page: Page, reading_url: str) -> None:
    page.goto(reading_url + "/cassettes/threads/titled.yaml")
    page.wait_for_load_state("load")
    visited = []
    for _ in range(6):
        page.keyboard.press("j")
        visited.append(page.locator(".msg.current").get_attribute("id"))
    # The agent's messages (m-3 on), never the folded title call's (m-0 to m-2).
    assert visited[0] == "m-3"
    assert not {"m-0", "m-1", "m-2"} & set(visited)
