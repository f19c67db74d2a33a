"""The dashboard in headless Chromium: live search, share links, keyboard, dark mode."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_search_narrows_the_list_live(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    rows = page.locator("#results tr[data-nav-item]")
    expect(rows).to_have_count(6)
    page.locator("#q").press_sequentially("sunglasses", delay=20)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("weather.yaml")
    expect(page).to_have_url(re.compile(r"\?q=sunglasses$"))  # shareable as typed
    page.locator("select[name=api]").select_option("openai.chat")
    expect(page).to_have_url(re.compile(r"api=openai.chat"))
    page.reload()  # the URL alone restores the same view
    expect(rows).to_have_count(1)


def test_share_link_lands_on_the_same_message(page: Page, base_url: str) -> None:
    page.goto(base_url + "/cassettes/agents/weather.yaml")
    link = page.locator("#m-4 a.copy-link").get_attribute("href")
    assert link is not None
    assert link.endswith("#m-4")
    assert "?v=" in link
    other = page.context.new_page()
    other.goto(base_url + link)
    target = other.locator("#m-4")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("sunny in Florence")
    # A link to the folded system prompt opens it.
    other.goto(base_url + "/cassettes/agents/weather.yaml#m-0")
    expect(other.locator("details#m-0")).to_have_attribute("open", "")
    other.close()


def test_copy_link_copies_the_share_url(page: Page, base_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + "/cassettes/agents/weather.yaml")
    page.locator("#m-1").hover()
    page.locator("#m-1 a.copy-link").click()
    expect(page.locator("#toast")).to_have_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(base_url) + r"/cassettes/agents/weather\.yaml\?v=\w+#m-1", copied)


def test_keyboard_j_k_moves_between_messages(page: Page, base_url: str) -> None:
    page.goto(base_url + "/cassettes/agents/weather.yaml")
    page.keyboard.press("j")
    expect(page.locator("#m-0")).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("#m-2")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page).to_have_url(re.compile(r"#m-2$"))
    page.keyboard.press("k")
    expect(page.locator("#m-1")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("#m-2")).not_to_have_class(re.compile(r"\bcurrent\b"))


def test_keyboard_rows_slash_and_help(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.wait_for_load_state("networkidle")  # deferred scripts bound, first swaps done
    rows = page.locator("#results tr[data-nav-item]")
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("j")
    second = rows.nth(1)
    expect(second).to_have_class(re.compile(r"\bcurrent\b"))
    href = second.get_attribute("data-href")
    page.keyboard.press("Enter")
    expect(page).to_have_url(base_url + str(href))
    page.wait_for_load_state("load")  # the URL changes at commit; keys need the new page's scripts
    page.keyboard.press("/")
    expect(page.locator("#nav-q")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("dialog#help")).to_be_visible()


def test_dark_mode_toggles_and_sticks(page: Page, base_url: str) -> None:
    page.emulate_media(color_scheme="light")
    page.goto(base_url + "/")
    background = "getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    page.locator("[data-theme-toggle]").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    dark = page.evaluate(background)
    assert dark != light
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert page.evaluate(background) == dark
    page.keyboard.press("t")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")


def test_system_dark_setting_is_followed(page: Page, base_url: str) -> None:
    page.emulate_media(color_scheme="dark")
    page.goto(base_url + "/errors")
    rgb = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(x) for x in re.findall(r"\d+", rgb)[:3]]
    assert max(channels) < 60, rgb


def test_works_without_javascript(browser: object, base_url: str) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/")
    page.locator("#q").fill("sunglasses")
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("#results tr[data-nav-item]")).to_have_count(1)
    page.locator("#results td.path a").first.click()
    expect(page.locator("h1")).to_have_text("weather.yaml")
    context.close()
