"""The cassette page's weight is bounded by construction: longer messages are folded to their
head, more calls than a window are on other pages, so a run N times longer is not a page N times
heavier (docs/PERFORMANCE.md, "Page weight")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.builders import chat_request, chat_response
from tests.web.conftest import MakeClient
from tests.web.dom import parse
from tests.web.samples import exchange, govcr


def agent_run(turns: int, chars: int) -> str:
    """An agent that resends its history: each turn a long answer, a call with long arguments
    and a long result."""
    history: list[dict[str, Any]] = [{"role": "user", "content": "Fix the tests."}]
    out = []
    for t in range(turns):
        text = f"Turn {t} answer. " + "word " * (chars // 5)
        call = {"id": f"call_{t}", "name": "edit", "arguments": {"patch": "x" * chars, "t": t}}
        out.append(exchange(chat_request(history), chat_response(text, tool_calls=[call])))
        fn = {"name": "edit", "arguments": json.dumps(call["arguments"])}
        history = [
            *history,
            {
                "role": "assistant",
                "content": text,
                "tool_calls": [{"id": call["id"], "type": "function", "function": fn}],
            },
            {"role": "tool", "tool_call_id": call["id"], "content": f"ok {t} " + "y" * chars},
        ]
    return govcr(*out)


def many_chats(calls: int) -> str:
    return govcr(
        *(
            exchange(
                chat_request([{"role": "user", "content": f"Question {n}?"}]),
                chat_response(f"Answer {n}."),
            )
            for n in range(calls)
        )
    )


def weight(make_client: MakeClient, tmp_path: Path, name: str, text: str) -> tuple[int, str]:
    root = tmp_path / name
    root.mkdir()
    (root / "run.yaml").write_text(text)
    response = make_client(root).get("/cassettes/run.yaml")
    assert response.status_code == 200
    return len(response.content), response.text


def test_twenty_times_longer_messages_do_not_make_a_heavier_page(
    make_client: MakeClient, tmp_path: Path
) -> None:
    short, _ = weight(make_client, tmp_path, "short", agent_run(8, 2_000))
    long, html = weight(make_client, tmp_path, "long", agent_run(8, 40_000))
    assert long < short * 1.05, (short, long)
    doc = parse(html)
    # Every answer, arguments and result is there as its head, with what the rest weighs.
    labels = [" ".join(a.text().split()) for a in doc.find_all("a", cls="fold-all")]
    assert len(labels) == 8 * 3 - 1  # the last call has no result recorded
    assert "show all · 39.1 KB" in labels
    assert "Turn 7 answer." in doc.by_id("turn-7").text()


def test_more_calls_than_a_window_do_not_make_a_heavier_page(
    make_client: MakeClient, tmp_path: Path
) -> None:
    few, _ = weight(make_client, tmp_path, "few", many_chats(120))
    many, html = weight(make_client, tmp_path, "many", many_chats(400))
    assert many < few * 1.05, (few, many)
    doc = parse(html)
    assert "Question 99?" in doc.by_id("turn-99").text()
    assert not doc.find_all(id="turn-100")  # on the next page of calls
    assert doc.find("a", rel="next").attrs["href"].endswith("calls=100")


def test_show_all_in_a_later_window_opens_that_window(
    make_client: MakeClient, tmp_path: Path
) -> None:
    chats = [
        exchange(
            chat_request([{"role": "user", "content": f"Question {n}?"}]),
            chat_response(f"Answer {n}. " + ("long words " * 300 if n == 120 else "")),
        )
        for n in range(150)
    ]
    root = tmp_path / "later"
    root.mkdir()
    (root / "run.yaml").write_text(govcr(*chats))
    client = make_client(root)
    doc = parse(client.get("/cassettes/run.yaml?calls=100").text)
    show = doc.by_id("turn-120").find("a", cls="fold-all")
    whole = parse(client.get(show.attrs["href"].split("#")[0]).text)  # no calls= in the link
    text = whole.by_id(show.attrs["href"].split("#")[1]).text()
    assert text.count("long words") == 300


def test_links_to_a_message_in_a_later_window_open_that_window(
    make_client: MakeClient, tmp_path: Path
) -> None:
    root = tmp_path / "links"
    root.mkdir()
    (root / "run.yaml").write_text(many_chats(150))
    client = make_client(root)
    # A search hit's link: the message number goes to the server as well as in the anchor.
    hit = client.get(
        "/search", params={"q": "Question 120"}, headers={"accept": "application/json"}
    )
    url = next(h["url"] for h in hit.json()["hits"] if "Question 120?" in json.dumps(h))
    anchor = url.split("#")[1]
    doc = parse(client.get(url.split("#")[0]).text)
    assert "Question 120?" in doc.by_id(anchor).text()
    # A copied message link keeps the window it was copied from.
    copy = doc.by_id(anchor).find("a", cls="copy-link").attrs["href"]
    assert "calls=100" in copy
    assert "Question 120?" in parse(client.get(copy.split("#")[0]).text).by_id(anchor).text()
