"""Recorded strings that reach a page cannot run script: checked in a real headless Chromium.

Every payload calls alert(); the test fails on any dialog, page error or console error. A
console error also catches markup that escaped the template but was stopped by the CSP, so a
pass means the escaping held, not merely that the CSP caught it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, serve, without_aborts
from tests.web.samples import exchange, govcr

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("TAPEDECK_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is missing and TAPEDECK_REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

from playwright.sync_api import Browser, Dialog, sync_playwright  # noqa: E402

TAG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
ATTR = "\"'><svg onload=alert(3)>"
JS_URL = "javascript:alert(4)"
PAYLOAD = f"{TAG}{SCRIPT}{ATTR}"
FILENAME = "<img src=x onerror=alert(5)>.yaml"


def hostile_cassette() -> str:
    """One cassette with the payload in every recorded string a page shows."""
    request = {
        "model": f"gpt-{PAYLOAD}",
        "messages": [
            {"role": "system", "content": PAYLOAD},
            {
                "role": "user",
                "content": f"[click]({JS_URL}) ![img]({JS_URL}) <a href='{JS_URL}'>x</a> {PAYLOAD}",
            },
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": f"tool{PAYLOAD}",
                    "description": PAYLOAD,
                    "parameters": {"type": "object", "properties": {PAYLOAD: {"type": PAYLOAD}}},
                },
            }
        ],
    }
    message = {
        "role": "assistant",
        "content": f"**Bold** [link]({JS_URL}) ![pic](javascript:alert(6)) {PAYLOAD}\n\n"
        f"```html\n{SCRIPT}\n```",
        "tool_calls": [
            {
                "id": f"call{ATTR}",
                "type": "function",
                "function": {"name": f"fn{PAYLOAD}", "arguments": json.dumps({PAYLOAD: PAYLOAD})},
            }
        ],
    }
    response = {
        "id": "x",
        "object": "chat.completion",
        "model": f"gpt-{PAYLOAD}",
        "choices": [{"index": 0, "message": message, "finish_reason": PAYLOAD}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
    }
    return govcr(
        exchange(
            request,
            response,
            url=f"https://api.openai.com/v1/chat/completions?q={quote(PAYLOAD)}#{PAYLOAD}",
            request_headers={f"X-{ATTR}": [PAYLOAD], "X-Note": [PAYLOAD]},
            response_headers={"Content-Type": ["application/json"], "X-Echo": [PAYLOAD]},
        ),
        exchange(request, f"{PAYLOAD} not json", status=500),
    )


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("xss")
    root = tmp / "root"
    (root / f"{ATTR.replace('/', '')}").mkdir(parents=True)
    (root / FILENAME).write_text(hostile_cassette())
    (root / f"{ATTR.replace('/', '')}" / "nested.yaml").write_text(hostile_cassette())
    # Not a cassette: the error page repeats the document's keys.
    (root / "errors.json").write_text(json.dumps({PAYLOAD: 1, SCRIPT: 2}))
    with serve(root, tmp / "i.sqlite3") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def pages() -> list[str]:
    name = quote(FILENAME)
    nested = quote(ATTR.replace("/", "")) + "/nested.yaml"
    return [
        "/",
        f"/?q={quote(PAYLOAD)}",
        f"/?model={quote('gpt-' + PAYLOAD)}",
        f"/cassettes/{name}",
        f"/cassettes/{name}/interactions/0",
        f"/cassettes/{name}/interactions/1",
        f"/cassettes/{nested}",
        f"/search?q={quote(PAYLOAD)}",
        "/search?q=Bold",
        "/usage",
        "/usage?group_by=model",
        "/usage?group_by=cassette",
        "/errors",
    ]


@pytest.mark.parametrize("url", pages())
def test_no_script_runs(browser: Browser, base_url: str, url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    events: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        events.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: events.append(f"pageerror: {exc}"))
    page.on("console", lambda m: events.append(f"console: {m.text}") if m.type == "error" else None)
    try:
        response = page.goto(base_url + url, wait_until="load")
        assert response is not None
        assert response.status == 200, url
        page.wait_for_timeout(300)  # let deferred scripts (charts, htmx) run
        # Click every link that carries a javascript: URL, if any slipped through.
        for link in page.query_selector_all("a[href^='javascript:' i]"):
            events.append(f"javascript link: {link.get_attribute('href')}")
        assert "onerror=alert(1)" in page.content() or url in ("/usage", "/search?q=Bold"), (
            "the payload is not shown escaped on this page, so the page does not test it"
        )
    finally:
        context.close()
    assert without_aborts(events) == [], url
