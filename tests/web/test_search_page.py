"""Search explains itself: marks inside identifiers, prose snippets, facets, groups, hints."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.index.search import make_snippet, plain_text
from app.index.types import SearchHit
from tests.web.dom import Node, parse


def hits(client: TestClient, url: str) -> Node:
    r = client.get(url)
    assert r.status_code == 200
    return parse(r.text).by_id("hits")


def marks(snippet: str, q: str) -> list[str]:
    return [
        t
        for t, is_match in SearchHit("p", 0, 0, None, make_snippet(snippet, q)).segments()
        if is_match
    ]


def test_a_word_inside_an_identifier_is_marked() -> None:
    assert marks('get_weather {"city": "Florence"}', "weather") == ["weather"]
    assert marks("call get_weather now", "get_weather") == ["get", "weather"]
    assert marks("Rainy weather in Florence, sunny in Rome.", "florence ro") == ["Florence", "Rome"]


def test_snippets_start_at_a_word_and_drop_markdown() -> None:
    text = "## Plan\n\n**Step one:** call `get_weather` for [Florence](https://x.test/f).\n\n- item"
    assert plain_text(text) == "Plan Step one: call get_weather for Florence. item"
    snippet = SearchHit(
        "p", 0, 0, None, make_snippet("x" * 3 + " " + "word " * 40 + "target", "target")
    )
    assert snippet.snippet.startswith("…word")
    assert "**" not in make_snippet("a **bold** claim about weather", "weather")


def test_phrases_match_in_order(client: TestClient) -> None:
    found = hits(client, '/search?q="in+Florence"')
    assert "2 matches" in found.find("p", cls="result-count").text()
    assert hits(client, '/search?q="Florence+in"').find_all("li", cls="hit") == []


def test_facets_narrow_and_group_by_cassette(client: TestClient) -> None:
    found = hits(client, "/search?q=weather")
    facets = found.find("nav", cls="search-facets")
    names = [
        r.find("span", cls="facet-name").text() for r in facets.find_all("div", cls="facet-row")
    ]
    assert names == ["role", "model", "api", "format"]
    tool = next(a for a in facets.find_all("a") if a.find("span", cls="v").text() == "tool")
    assert tool.attrs["href"] == "/search?q=weather&role=tool"
    narrowed = hits(client, tool.attrs["href"])
    assert [h.find("span", cls="role-tag").text() for h in narrowed.find_all("li", cls="hit")] == [
        "tool"
    ]
    marked = [m.text() for m in narrowed.find_all("mark")]
    assert marked == ["weather"]  # inside get_weather
    grouped = hits(client, "/search?q=weather&group=cassette")
    assert "1 cassette with a match" in grouped.find("p", cls="result-count").text()
    assert "4 matches" in grouped.find("li", cls="hit").text()
    data = client.get("/api/search?q=weather&group=cassette").json()
    assert data["groups"][0]["matches"] == 4


def test_the_empty_state_explains_prefixes_and_phrases(client: TestClient) -> None:
    for url in ("/search", "/search?q=zzzqqq"):
        text = hits(client, url).find("div", cls="search-hints").text()
        assert "start of a word" in text
        assert "phrase in quotes" in text


def test_every_list_page_links_json_and_csv(client: TestClient) -> None:
    for url in ("/", "/search?q=weather", "/usage", "/problems"):
        doc = parse(client.get(url).text)
        links = doc.find("p", cls="data-links").find_all("a")
        assert [a.text() for a in links] == ["JSON", "CSV"], url
        assert (
            client.get(links[0].attrs["href"])
            .headers["content-type"]
            .startswith("application/json")
        ), url
        csv = client.get(links[1].attrs["href"])
        assert csv.headers["content-type"].startswith("text/csv"), url
        assert len(csv.text.splitlines()) > 1, url
