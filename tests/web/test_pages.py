"""Pages read through a parser: what a reader sees on each one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.dom import Node, parse

HX = {"hx-request": "true"}


def page(client: TestClient, url: str, **headers: str) -> Node:
    r = client.get(url, headers=headers)
    assert r.status_code == 200, (url, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return parse(r.text)


def test_home_lists_cassettes_grouped_by_folder(client: TestClient) -> None:
    doc = page(client, "/")
    rows = doc.by_id("results").find_all("tr", data_nav_item="")
    links = [r.find("td", cls="path").find("a").text() for r in rows]
    assert "weather.yaml" in links
    assert "story.yaml" in links
    groups = [g.text().strip() for g in doc.find_all("tr", cls="group")]
    assert "agents" in groups
    assert "streams" in groups
    weather = next(r for r in rows if "weather.yaml" in r.text())
    assert weather.attrs["data-href"].startswith("/cassettes/agents/weather.yaml?v=")
    assert "get_weather" in weather.text()
    # Filters come from the index's facets; nav links are all there.
    tool_select = doc.find("select", name="tool")
    assert any(o.attrs.get("value") == "get_weather" for o in tool_select.find_all("option"))
    assert [a.text() for a in doc.find("nav", cls="mainnav").find_all("a")] == [
        "Cassettes",
        "Search",
        "Usage",
        "Problems",
    ]


def test_home_search_is_live_and_shareable(client: TestClient) -> None:
    doc = page(client, "/")
    form = doc.find("form", cls="filters")
    assert form.attrs["action"] == "/"
    assert form.attrs["hx-get"] == "/"
    assert form.attrs["hx-push-url"] == "true"
    # The htmx request gets only the results partial, narrowed by the query.
    partial = client.get("/?q=sunglasses", headers=HX)
    assert "<html" not in partial.text
    rows = parse(partial.text).find_all("tr", data_nav_item="")
    assert [r.find("td", cls="path").text().split()[0] for r in rows] == ["weather.yaml"]
    # The same URL without htmx is the whole page with the query kept in the box.
    full = page(client, "/?q=sunglasses")
    assert full.find("input", id="q").attrs["value"] == "sunglasses"


def test_every_hx_get_is_also_a_link(client: TestClient) -> None:
    for url in ("/", "/search?q=weather"):
        doc = page(client, url)
        for node in doc.find_all():
            if "hx-get" in node.attrs and node.tag != "div":
                assert node.attrs.get("href") or node.attrs.get("action"), (url, node.attrs)


def test_cassette_page_transcript(client: TestClient) -> None:
    doc = page(client, "/cassettes/agents/weather.yaml")
    assert doc.find("h1").text() == "weather.yaml"
    messages = [doc.by_id(f"m-{n}") for n in range(5)]
    roles = [m.find(cls="role").text() for m in messages if m.tag != "div"]
    assert roles == ["system", "user", "assistant", "assistant"]
    assert messages[0].tag == "details"  # the system prompt is folded
    call = messages[2].find("section", cls="tool-call")
    assert call.find("code", cls="tool-name").text() == "get_weather"
    assert '"city": "Florence"' in call.find("pre").text()
    # The tool's result sits right under its call, once: the tool message is not repeated,
    # and its anchor (#m-3, which share links point at) is on the result.
    result = call.find("div", cls="tool-result")
    assert result.attrs["id"] == "m-3"
    assert '"temp": 21' in result.text()
    assert doc.text().count('"sunny"') == 2  # the result, and its line in the agent loop
    assert "result in interaction #1" in result.text()
    assert not doc.find_all(cls="no-result")
    answer = messages[4]
    assert answer.find("strong").text() == "21 °C"
    code = answer.find("code", cls="language-python")
    assert "print('bring sunglasses')" in code.text()
    assert code.find_all("span", cls="nb"), "code is highlighted with Pygments classes"
    # Each message has a share link that carries the content version.
    link = messages[1].find("a", cls="copy-link").attrs["href"]
    assert link.startswith("/cassettes/agents/weather.yaml?v=")
    assert link.endswith("#m-1")
    tools = doc.find("details", cls="tools-offered")
    assert "Current weather for a city" in tools.text()
    rows = doc.find("section", cls="interactions").find_all("tr", cls=None)
    assert any("/interactions/1" in a.attrs.get("href", "") for r in rows for a in r.find_all("a"))


def test_reasoning_is_folded_with_its_length(client: TestClient) -> None:
    doc = page(client, "/cassettes/agents/claude/thinking.yaml")
    reasoning = doc.find("details", cls="reasoning")
    assert "open" not in reasoning.attrs
    thought = "1001 = 7 × 11 × 13, so it is composite."
    assert f"{len(thought)} characters" in reasoning.find("summary").text()
    assert thought in reasoning.text()


def test_interaction_page(client: TestClient) -> None:
    doc = page(client, "/cassettes/agents/weather.yaml/interactions/0")
    assert "https://api.openai.com/v1/chat/completions" in doc.find("h1").text()
    assert (
        doc.find("a", rel="next")
        .attrs["href"]
        .startswith("/cassettes/agents/weather.yaml/interactions/1")
    )
    headers = doc.find("table", cls="headers")
    assert "Bear…" in headers.text()
    assert "abcdefghijklmnop" not in doc.text()
    curl = doc.by_id("curl").text()
    assert curl.startswith("curl -X POST https://api.openai.com/v1/chat/completions")
    assert "$API_KEY" in curl
    assert "sk-proj" not in curl
    assert doc.find("button", data_copy_url="/api/cassettes/agents/weather.yaml/interactions/0")
    usage = doc.find("table", cls="usage").text()
    assert "120" in usage
    assert "18" in usage


def test_error_interaction_is_marked(client: TestClient) -> None:
    doc = page(client, "/cassettes/errors/rate_limited.yaml/interactions/0")
    banner = doc.find("div", cls="err")
    assert "Rate limit reached" in banner.text()
    listing = page(client, "/cassettes/errors/rate_limited.yaml")
    assert listing.find("tr", cls="has-error")


def test_stream_chunks_are_listed_with_anchors(client: TestClient) -> None:
    doc = page(client, "/cassettes/streams/story.yaml/interactions/0")
    chunks = doc.find("ol", cls="chunk-list").find_all("li")
    assert len(chunks) == 42
    assert chunks[0].attrs["id"] == "c-0"
    assert '"word0 "' in chunks[0].find("code").text()
    assert "word39" in doc.find("section", cls="transcript", aria_labelledby="resp-title").text()


def test_search_page_marks_matches_and_links_to_message(client: TestClient) -> None:
    doc = page(client, "/search?q=sunglasses")
    hit = doc.find("li", cls="hit")
    assert hit.find("mark").text().lower() == "sunglasses"
    href = hit.find("a").attrs["href"]
    assert href.startswith("/cassettes/agents/weather.yaml")
    assert "#m-" in href
    version = client.get("/api/cassettes/agents/weather.yaml").json()["version"]
    # A hit's link is a share link to the version it matched, carrying the query to mark there.
    assert f"?v={version}&" in href
    assert "&q=sunglasses#" in href
    partial = client.get("/search?q=sunglasses", headers=HX).text
    assert "<html" not in partial
    assert "<mark>" in partial


def test_problems_page_has_failed_calls_unreadable_files_and_warnings(client: TestClient) -> None:
    doc = page(client, "/errors")  # the old address lands on the Problems page
    assert doc.find("h1").text() == "Problems"
    failed = doc.by_id("failed").find("tbody").find_all("tr")
    assert len(failed) == 1
    cells = [" ".join(td.text().split()) for td in failed[0].find_all("td")]
    assert cells[0].startswith("errors/rate_limited.yaml · #0")
    assert cells[1] == "429"
    assert cells[3]  # the provider's message
    link = failed[0].find("a").attrs["href"]
    assert link.startswith("/cassettes/errors/rate_limited.yaml/interactions/0?v=")
    row = doc.by_id("unreadable").find("tbody").find("tr")
    assert "broken.yaml" in row.text()
    assert "YAML" in row.text()
    assert doc.by_id("warnings").find("h2").text() == "Warnings"
    links = doc.find("p", cls="data-links").find_all("a")
    assert [a.text() for a in links] == ["JSON", "CSV"]
    data = client.get(links[0].attrs["href"]).json()
    assert [c["path"] for c in data["failed"]] == ["errors/rate_limited.yaml"]
    assert [e["path"] for e in data["errors"]] == ["broken.yaml"]
    csv = client.get(links[1].attrs["href"])
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[1].startswith("failed call,errors/rate_limited.yaml,0,429,")


def test_home_columns_mean_what_the_problems_page_lists(client: TestClient) -> None:
    doc = page(client, "/")
    heads = [
        th.text().strip() for th in doc.find("table", cls="cassettes").find("thead").find_all("th")
    ]
    assert heads[-2:] == ["Failed", "Warnings"]
    rows = {
        r.find("td", cls="path").find("a").text(): r
        for r in doc.by_id("results").find_all("tr", data_nav_item="")
    }
    assert rows["rate_limited.yaml"].find("td", cls="failed").text().strip() == "1"
    assert rows["weather.yaml"].find("td", cls="failed").text().strip() == "—"
    assert rows["broken.yaml"].find("td", cls="warnings").text().strip() == "unreadable"
    # has_error=true lists exactly the cassettes with failed calls.
    only = page(client, "/?has_error=true").by_id("results").find_all("tr", data_nav_item="")
    assert [r.find("td", cls="path").find("a").text() for r in only] == ["rate_limited.yaml"]


def test_share_link_from_an_older_version_says_so(client: TestClient) -> None:
    doc = page(client, "/cassettes/agents/weather.yaml?v=0000000")
    assert "changed since this link was made" in doc.find(cls="banner").text()
    current = client.get("/api/cassettes").json()["cassettes"]
    version = next(c["version"] for c in current if c["path"] == "agents/weather.yaml")
    fresh = page(client, f"/cassettes/agents/weather.yaml?v={version}")
    assert not fresh.find_all(cls="banner")


def test_history_restore_gets_the_whole_page(client: TestClient) -> None:
    r = client.get("/", headers={**HX, "hx-history-restore-request": "true"})
    assert "<html" in r.text
