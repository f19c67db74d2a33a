"""Copy as Markdown in Chromium: the button puts the conversation on the clipboard; without
JavaScript the plain link shows the same Markdown."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


def test_copy_as_markdown_puts_the_conversation_on_the_clipboard(page: Page, base_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + "/cassettes/agents/weather.yaml")
    button = page.locator(".head-actions").get_by_role("button", name="Copy as Markdown")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#toast")).to_have_text("Markdown copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    served = page.request.get(base_url + "/cassettes/agents/weather.yaml?format=markdown").text()
    assert copied == served
    assert copied.startswith("# `agents/weather.yaml`")
    assert '**Tool call** `get_weather` (`call_1`)\n\n```json\n{\n  "city": "Florence"' in copied


def test_copy_as_markdown_on_an_interaction_copies_that_interaction(
    page: Page, base_url: str
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + "/cassettes/agents/weather.yaml/interactions/1")
    page.locator(".head-actions").get_by_role("button", name="Copy as Markdown").click()
    expect(page.locator("#toast")).to_have_text("Markdown copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("# #1 · openai.chat")
    assert "sunny in Florence" in copied


def test_without_javascript_the_link_shows_the_markdown(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "/cassettes/agents/weather.yaml")
        head = page.locator(".head-actions")
        expect(head.get_by_role("button", name="Copy as Markdown")).to_be_hidden()
        head.get_by_role("link", name="Markdown", exact=True).click()
        expect(page).to_have_url(base_url + "/cassettes/agents/weather.yaml?format=markdown")
        expect(page.locator("body")).to_contain_text("# `agents/weather.yaml`")
        expect(page.locator("body")).to_contain_text("### User")
    finally:
        context.close()
