"""A browser that asks for a page that is not there gets a page in the layout, not raw JSON."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.conftest import MakeClient
from tests.web.dom import Node, parse
from tests.web.samples import write_tree

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def error_page(client: TestClient, url: str, status: int = 404) -> Node:
    r = client.get(url, headers=BROWSER)
    assert r.status_code == status, (url, r.status_code)
    assert r.headers["content-type"].startswith("text/html")
    doc = parse(r.text)
    assert doc.find("nav", cls="mainnav"), "the error page is in the layout"
    return doc


def suggestions(doc: Node) -> list[str]:
    return [a.text() for a in doc.find("ul", cls="suggestions").find_all("a")]


def test_a_renamed_cassette_offers_the_nearest_path_and_search(client: TestClient) -> None:
    doc = error_page(client, "/cassettes/agents/wether.yaml")
    main = doc.find("main")
    assert "/cassettes/agents/wether.yaml" in main.find("p", cls="asked").text()
    assert suggestions(doc)[0] == "agents/weather.yaml"
    assert doc.find("a", href="/cassettes/agents/weather.yaml")
    box = main.find("form", role="search")
    assert box.attrs["action"] == "/search"
    assert box.find("input", name="q").attrs["value"] == "wether"
    # One search box: the header's is left out where the page has its own.
    assert not doc.find_all("input", id="nav-q")


def test_an_interaction_out_of_range_says_how_many_there_are(client: TestClient) -> None:
    doc = error_page(client, "/cassettes/agents/weather.yaml/interactions/9")
    text = " ".join(doc.find("main").text().split())
    assert "agents/weather.yaml has 2 interactions" in text
    first = doc.find("ul", cls="suggestions").find("a")
    assert first.attrs["href"] == "/cassettes/agents/weather.yaml/interactions/1"
    assert "interaction 2 of 2" in first.text()


def test_a_typo_in_compare_names_the_side_that_is_missing(client: TestClient) -> None:
    doc = error_page(client, "/diff?old=agents/weather.yaml&new=streams/stroy.yaml")
    assert "streams/stroy.yaml" in doc.find("p", cls="asked").text()
    assert suggestions(doc)[0] == "streams/story.yaml"


def test_an_unknown_route_is_a_page_too(client: TestClient) -> None:
    doc = error_page(client, "/agents/weather.yaml")
    assert "no such page" in doc.find("p", cls="asked").text()
    assert "agents/weather.yaml" in suggestions(doc)


def test_a_stale_share_link_says_what_changed(make_client: MakeClient, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    files = write_tree(root)
    client = make_client(root)
    link = client.get("/api/cassettes").json()["cassettes"]
    version = next(c["version"] for c in link if c["path"] == "agents/weather.yaml")
    files["agents/weather.yaml"].rename(root / "agents" / "weather-renamed.yaml")
    client.app.state.live.index.refresh()  # type: ignore[attr-defined]
    doc = error_page(client, f"/cassettes/agents/weather.yaml?v={version}")
    notes = [p.text() for p in doc.find_all("p", cls="warn")]
    assert notes == ["The content this link was made for is now at agents/weather-renamed.yaml."]
    assert suggestions(doc)[0] == "agents/weather-renamed.yaml"
    # An interaction link made for another version says the cassette changed and how.
    doc = error_page(client, "/cassettes/streams/story.yaml/interactions/5?v=0123456789ab")
    note = doc.find("p", cls="warn").text()
    assert "changed since the link was made (version 0123456789ab →" in note
    assert "it now has 1 interaction." in note


def test_api_and_json_requests_keep_the_detail_document(client: TestClient) -> None:
    for url, headers in (
        ("/api/cassettes/agents/wether.yaml", BROWSER),
        ("/cassettes/agents/wether.yaml", {"accept": "application/json"}),
        ("/cassettes/agents/wether.yaml", {}),
    ):
        r = client.get(url, headers=headers)
        assert r.status_code == 404
        assert set(r.json()) == {"detail"}, url
