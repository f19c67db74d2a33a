"""The cassette page read as a user reads it: summary line, threads, turns, outline, failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import MakeClient
from tests.web.dom import Node
from tests.web.samples import XSS, write_reading_tree
from tests.web.test_pages import page


@pytest.fixture
def client(make_client: MakeClient, tmp_path: Path) -> TestClient:
    root = tmp_path / "reading"
    write_reading_tree(root)
    return make_client(root)


def ids_in_order(doc: Node) -> list[str]:
    return [n.attrs["id"] for n in doc.iter() if "id" in n.attrs]


def test_one_summary_line_then_the_transcript_then_usage_and_calls(client: TestClient) -> None:
    doc = page(client, "/cassettes/agents/weather.yaml")
    line = " ".join(doc.find("p", cls="summary-line").text().split())
    for fact in ("go-vcr-v2", "openai.chat", "gpt-4o-mini", "2 calls", "280 in · 43 out", "2.5 s"):
        assert fact in line, (fact, line)
    assert "≈$0.000068" in line
    assert not doc.find_all("dl", cls="facts")  # no fact cards above the conversation
    order = ids_in_order(doc)
    assert order.index("m-1") < order.index("usage") < order.index("calls")
    assert order.index("calls") < order.index("agent-loop")
    # The agent loop is a plain section: no disclosure triangle left on a line of its own.
    assert doc.by_id("agent-loop").tag == "section"
    assert not [s for s in doc.find_all("summary") if s.find_all("h2")]
    assert doc.by_id("usage").find_all("svg")  # two calls: the bars compare something


def test_charts_that_carry_nothing_are_left_out(client: TestClient) -> None:
    usage = page(client, "/cassettes/long/report.yaml").by_id("usage")
    assert not usage.find_all("svg")  # one call: one bar each says no more than the summary
    assert usage.find("details", cls="chart-data")  # the figures stay reachable


def test_threads_are_lanes_main_first_with_an_outline(client: TestClient) -> None:
    doc = page(client, "/cassettes/threads/titled.yaml")
    threads = doc.find_all(data_thread="")
    assert [t.attrs["id"] for t in threads] == ["t-1", "t-0"]  # the agent, then the side call
    main, side = threads
    assert main.tag == "section"
    assert "main" in main.attrs["class"].split()
    assert "What's the weather in Florence?" in main.find("h3").text()
    assert side.tag == "details"
    assert "open" not in side.attrs
    head = " ".join(side.find("summary").text().split())
    assert "Side call" in head
    assert "Title generator" in head
    assert "1 call" in head
    assert [t.attrs["id"] for t in main.find_all(data_turn="")] == ["turn-1", "turn-2"]
    assert "Generate a short title" in side.text()
    outline = doc.find("nav", cls="outline")
    links = [a.attrs["href"] for a in outline.find_all("a")]
    assert links[:2] == ["#t-1", "#turn-1"]
    assert "#t-0" in links
    assert "#turn-0" in links
    call_link = outline.find("ul", cls="outline-calls").find("a")
    assert call_link.text() == "get_weather"
    target = doc.by_id(call_link.attrs["href"][1:])
    assert "tool-call" in target.attrs["class"].split()
    for href in links:  # every outline entry lands on something the page shows
        if href.startswith("#"):
            doc.by_id(href[1:])


def test_a_tool_result_is_shown_once_under_its_call(client: TestClient) -> None:
    doc = page(client, "/cassettes/agents/weather.yaml")
    transcript = doc.find("section", cls="transcript")
    assert transcript.text().count('"sunny"') == 1
    result = transcript.find("section", cls="tool-call").find("div", cls="tool-result")
    assert result.attrs["id"] == "m-3"  # the tool message's anchor, kept for share links
    later = result.find("a")
    assert later.text() == "result in interaction #1"
    assert later.attrs["href"].startswith("/cassettes/agents/weather.yaml/interactions/1")
    assert not doc.find_all(cls="no-result")
    assert not doc.find_all("article", cls="role-tool")


def test_no_result_only_when_the_recording_has_none(client: TestClient) -> None:
    doc = page(client, "/cassettes/threads/unanswered.yaml")
    call = doc.find("section", cls="tool-call")
    assert "No result for this call in the recording" in call.find(cls="no-result").text()


def test_a_failed_call_has_an_error_card_where_the_answer_would_be(client: TestClient) -> None:
    doc = page(client, "/cassettes/errors/rate_limited.yaml")
    turn = doc.by_id("turn-0")
    kids = [c for c in turn.children if isinstance(c, Node)]
    assert "role-user" in kids[-2].attrs["class"].split()  # the question, then the failure
    card = kids[-1]
    assert "error-card" in card.attrs["class"].split()
    text = " ".join(card.text().split())
    assert "429" in text
    assert "rate_limit_error" in text
    assert "Rate limit reached" in text
    raw = card.find("a").attrs["href"]
    assert raw.startswith("/cassettes/errors/rate_limited.yaml/interactions/0")
    assert raw.endswith("#raw-title")
    raw_page = page(client, raw.split("#")[0])
    raw_page.by_id("raw-title")


def test_a_retry_after_a_429_follows_the_failure_in_the_same_thread(client: TestClient) -> None:
    doc = page(client, "/cassettes/threads/retry.yaml")
    assert len(doc.find_all(data_thread="")) == 1
    assert doc.by_id("turn-0").find(cls="error-card")
    retry = doc.by_id("turn-1")
    assert "retry of #0" in " ".join(retry.find(cls="turn-head").text().split())
    assert "Soft rain on the roof" in retry.find("article", cls="role-assistant").text()


def test_long_messages_fold_and_their_headings_sit_below_the_page(client: TestClient) -> None:
    doc = page(client, "/cassettes/long/report.yaml")
    answer = doc.find("article", cls="role-assistant")
    fold = answer.find("div", cls="fold")
    assert "Line 3 of the report" in fold.text()
    assert "needle" not in answer.text()  # the end of the report is not on the page
    show = fold.find("a", cls="fold-all")
    assert " ".join(show.text().split()) == "show all · 2.0 KB"
    assert show.attrs["href"].endswith(f"&whole={fold.attrs['id']}#{fold.attrs['id']}")
    assert answer.find("h4").text() == "Report"  # was "# Report"
    assert answer.find("h5").text() == "Findings"
    assert not answer.find_all("h1")
    assert not answer.find_all("h2")
    short = doc.find("article", cls="role-user")
    assert not short.find_all("a", cls="fold-all")


def test_show_all_opens_the_page_with_that_text_whole_or_swaps_it_in(client: TestClient) -> None:
    doc = page(client, "/cassettes/long/report.yaml")
    show = doc.find("a", cls="fold-all")
    # Without JavaScript: the same page, that text whole, the rest still folded.
    whole = page(client, show.attrs["href"].split("#")[0])
    body = whole.by_id(show.attrs["href"].split("#")[1])
    assert "The last line: needle." in body.text()
    assert not body.find_all("a", cls="fold-all")
    # With htmx: only that part, whole, for the swap.
    swap = client.get(show.attrs["hx-get"], headers={"HX-Request": "true"})
    assert swap.status_code == 200
    assert "<html" not in swap.text
    assert "The last line: needle." in swap.text
    assert len(swap.text) < len(client.get(show.attrs["href"]).text) / 2
    missing = client.get("/cassettes/long/report.yaml?whole=m-9-p0", headers={"HX-Request": "true"})
    assert missing.status_code == 404


def test_a_search_link_marks_the_query_and_opens_what_holds_it(client: TestClient) -> None:
    doc = page(client, "/cassettes/long/report.yaml?q=needle")
    answer = doc.find("article", cls="role-assistant")
    assert [m.text() for m in answer.find_all("mark")] == ["needle"]
    assert "The last line: needle." in answer.text()  # shown whole for the hit
    assert not answer.find_all("a", cls="fold-all")
    # A hit inside a folded side call opens its lane and the folded system prompt.
    titled = page(client, "/cassettes/threads/titled.yaml?q=short+title")
    side = titled.by_id("t-0")
    assert "open" in side.attrs
    assert "open" in titled.by_id("m-0").attrs
    assert [m.text().lower() for m in titled.by_id("m-0").find_all("mark")] == ["short", "title"]
    assert "open" not in page(client, "/cassettes/threads/titled.yaml").by_id("t-0").attrs


def test_search_marks_are_escaped_and_never_markup(client: TestClient) -> None:
    r = client.get("/cassettes/hostile/evil.yaml", params={"q": 'script "><img src=x>'})
    assert r.status_code == 200
    assert XSS not in r.text
    assert "<img src=x>" not in r.text
    assert '<mark class="q-hit">script</mark>' in r.text
    doc = page(client, "/cassettes/hostile/evil.yaml?q=alert")
    user = doc.find("article", cls="role-user")
    assert "alert" in [m.text() for m in user.find_all("mark")]
    assert XSS in user.text()  # shown as the text it is


def test_the_json_twin_is_the_cassette_with_its_threads(client: TestClient) -> None:
    doc = client.get("/cassettes/threads/titled.yaml", headers={"accept": "application/json"})
    data = doc.json()
    assert [t["interactions"] for t in data["threads"]] == [[0], [1, 2]]
    assert [m["thread"] for m in data["conversation"]][:3] == [0, 0, 0]
    assert data == client.get("/api/cassettes/threads/titled.yaml").json()


def test_what_changed_since_the_previous_request_is_folded_between_turns(
    client: TestClient,
) -> None:
    doc = page(client, "/cassettes/agents/weather.yaml")
    assert not doc.by_id("turn-0").find_all(cls="context-change")  # the thread's first call
    change = doc.by_id("turn-1").find("details", cls="context-change")
    assert "open" not in change.attrs  # only appended: one folded line
    summary = " ".join(change.find("summary").text().split())
    assert summary.startswith("context Since #0:")
    previous = change.find("a").attrs["href"]
    assert previous.startswith("/cassettes/agents/weather.yaml/interactions/0")
    retry = page(client, "/cassettes/threads/retry.yaml").by_id("turn-1")
    assert "retry" in retry.find("details", cls="context-change").text()


def test_the_reading_is_kept_per_content_version(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "reading" / "agents" / "weather.yaml"
    before = page(client, "/cassettes/agents/weather.yaml")
    assert "sunny in Florence" in before.find("section", cls="transcript").text()
    path.write_text(path.read_text().replace("sunny in", "cold and rainy in"), encoding="utf-8")
    after = page(client, "/cassettes/agents/weather.yaml")
    assert "cold and rainy in Florence" in after.find("section", cls="transcript").text()
