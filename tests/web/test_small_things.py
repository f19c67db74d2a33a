"""Small things a newcomer trips on: short shareable URLs, plurals, integer counts, help."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.web.formatting import number, plural
from tests.web.dom import parse


def test_a_filter_form_sent_with_enter_lands_on_the_short_url(client: TestClient) -> None:
    cases = {
        "/?q=&provider=&model=&api=openai.chat&tool=&status=&has_error=": "/?api=openai.chat",
        "/?q=": "/",
        "/search?q=weather&role=&model=&group=": "/search?q=weather",
        "/usage?q=&provider=openai": "/usage?provider=openai",
    }
    for sent, short in cases.items():
        r = client.get(sent, follow_redirects=False)
        assert r.status_code == 303, sent
        assert r.headers["location"] == short
    assert client.get("/?api=openai.chat", follow_redirects=False).status_code == 200


def test_counts_agree_with_their_nouns() -> None:
    assert plural(1, "interaction") == "1 interaction"
    assert plural(26, "interaction") == "26 interactions"
    assert plural(2, "match") == "2 matches"
    assert plural(1200, "failed call") == "1,200 failed calls"
    assert number(12.0) == "12"  # a token delta computed as a float
    assert number(0.5) == "0.5"


def test_pages_say_one_interaction_not_one_interactions(client: TestClient) -> None:
    for url in (
        "/",
        "/problems",
        "/search?q=weather",
        "/cassettes/streams/story.yaml/interactions/0",
    ):
        text = parse(client.get(url).text).find("main").text()
        for noun in ("interaction", "chunk", "message", "tool", "cassette", "match", "file"):
            assert f" 1 {noun}s" not in f" {' '.join(text.split())}", (url, noun)


def test_help_lists_the_player_keys_and_clear_is_always_there(client: TestClient) -> None:
    doc = parse(client.get("/cassettes/streams/story.yaml/interactions/0").text)
    keys = doc.by_id("help").find(data_player_keys="")
    assert "Play / pause" in keys.text()
    assert "Shift" in keys.text()
    home = parse(client.get("/").text)
    assert home.find("a", data_clear="").attrs["href"] == "/"


def test_one_search_box_per_page(client: TestClient) -> None:
    for url in ("/", "/search?q=weather", "/usage", "/problems", "/cassettes/agents/weather.yaml"):
        doc = parse(client.get(url).text)
        boxes = [i for i in doc.find_all("input") if i.attrs.get("type") == "search"]
        assert len(boxes) == 1, (url, [b.attrs for b in boxes])
