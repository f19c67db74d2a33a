"""Copy as Markdown on the cassette and interaction pages: a plain link serving text/markdown."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.web.dom import parse


def test_the_cassette_page_links_its_conversation_as_markdown(client: TestClient) -> None:
    page = parse(client.get("/cassettes/agents/weather.yaml").text)
    head = page.find("div", "head-actions")
    link = head.find("a", type="text/markdown")
    assert link.text() == "Markdown"
    button = head.find("button", data_copy_as="markdown")
    assert button.text() == "Copy as Markdown"
    url = "/cassettes/agents/weather.yaml?format=markdown"
    assert button.attrs["data-copy-url"] == link.attrs["href"] == url
    md = client.get(url)
    assert md.status_code == 200
    assert md.headers["content-type"] == "text/markdown; charset=utf-8"
    text = md.text
    assert text.startswith(
        "# `agents/weather.yaml`\n\ngo-vcr-v2 · 2 interactions\n\n## #0 · openai.chat"
    )
    assert "### System\n\nYou are a terse weather assistant." in text
    assert '**Tool call** `get_weather` (`call_1`)\n\n```json\n{\n  "city": "Florence",' in text
    assert (
        "It is **21 °C** and sunny in Florence.\n\n```python\nprint('bring sunglasses')\n```"
        in text
    )
    assert "sk-proj-abcdefghijklmnopqrstuvwxyz" not in text


def test_the_interaction_page_links_its_own_markdown(client: TestClient) -> None:
    page = parse(client.get("/cassettes/agents/weather.yaml/interactions/1").text)
    link = page.find("div", "head-actions").find("a", type="text/markdown")
    url = "/cassettes/agents/weather.yaml/interactions/1?format=markdown"
    assert link.attrs["href"] == url
    text = client.get(url).text
    assert text.startswith("# #1 · openai.chat · `gpt-4o-mini` · 200")
    assert "In `agents/weather.yaml`: `POST https://api.openai.com/v1/chat/completions`" in text
    assert "Tools offered: `get_weather`" in text
    assert text.rstrip().endswith("```python\nprint('bring sunglasses')\n```")


def test_accept_text_markdown_gets_the_same_and_html_stays_html(client: TestClient) -> None:
    url = "/cassettes/agents/weather.yaml"
    asked = client.get(url, headers={"accept": "text/markdown"})
    assert asked.headers["content-type"].startswith("text/markdown")
    assert asked.text == client.get(url, params={"format": "markdown"}).text
    assert client.get(url).headers["content-type"].startswith("text/html")


def test_hostile_recordings_stay_inert_in_markdown(client: TestClient) -> None:
    path = quote('hostile/<b onmouseover="x">evil</b>.yaml', safe="/")
    md = client.get(f"/cassettes/{path}", params={"format": "markdown"})
    assert md.status_code == 200
    assert md.headers["x-content-type-options"] == "nosniff"
    assert "\\<b onmouseover=alert(2)>bold\\</b>" in md.text
    assert "<b onmouseover=alert(2)>" not in md.text.replace("\\<b onmouseover=alert(2)>", "")


def test_unknown_paths_are_still_404(client: TestClient) -> None:
    assert client.get("/cassettes/nope.yaml", params={"format": "markdown"}).status_code == 404
    missing = client.get("/cassettes/agents/weather.yaml/interactions/9?format=markdown")
    assert missing.status_code == 404
