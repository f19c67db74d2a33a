"""What keeps many readers fast: small answers not held back, repeated pages not rebuilt."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from app.cli.serve import open_socket
from app.index import budget
from app.web.pagecache import page_bytes
from tests.web.conftest import MakeClient
from tests.web.samples import place, rate_limited, write_tree
from tests.web.test_live import wait_for


def test_accepted_connections_send_small_answers_at_once() -> None:
    """With Nagle's algorithm on, a small answer's body waited for the client's delayed ACK of
    its headers: 40 ms on every keep-alive request after the first."""
    seen: list[int] = []

    async def main() -> None:
        sock = open_socket("127.0.0.1", 0)

        async def on_connect(_r: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = writer.get_extra_info("socket")
            seen.append(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=sock)
        async with server:
            _reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            await _reader.read()  # the server closes after looking
            writer.close()

    asyncio.run(main())
    assert len(seen) == 1
    assert seen[0] != 0


def test_a_kept_list_page_gives_way_to_new_files(make_client: MakeClient, tmp_path: Path) -> None:
    root = tmp_path / "cassettes"
    write_tree(root)
    client = make_client(root, watch=True)
    pages = client.app.state.live.pages  # type: ignore[attr-defined]
    first = client.get("/").text
    assert pages.used > 0  # kept...
    assert client.get("/").text == first  # ...and answered again as it was
    assert "fresh.yaml" not in first
    searched = client.get("/api/search", params={"q": "hello"}).json()["total"]
    place(root / "fresh.yaml", rate_limited(), tmp_path)
    assert wait_for(lambda: "fresh.yaml" in client.get("/").text)
    listed = client.get("/api/cassettes").json()["cassettes"]
    assert "fresh.yaml" in {c["path"] for c in listed}
    assert client.get("/api/search", params={"q": "hello"}).json()["total"] > searched


def test_a_page_its_json_and_its_swap_are_kept_apart(make_client: MakeClient) -> None:
    client = make_client()
    page = client.get("/")
    as_json = client.get("/", headers={"accept": "application/json"})
    swap = client.get("/", headers={"hx-request": "true"})
    for _ in range(2):  # the second round comes from what was kept
        assert client.get("/").text == page.text
        again = client.get("/", headers={"accept": "application/json"})
        assert again.headers["content-type"] == "application/json"
        assert again.json() == as_json.json()
        assert client.get("/", headers={"hx-request": "true"}).text == swap.text
    assert "<html" in page.text
    assert "<html" not in swap.text


def test_kept_answers_stay_within_their_byte_budget(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client()
    pages = client.app.state.live.pages  # type: ignore[attr-defined]
    monkeypatch.setenv(budget.ENV, "0.2")  # 12,500 bytes: a few search pages
    sizes = []
    for word in ("weather", "rate", "story", "sunglasses", "tool", "paris", "limit", "agent"):
        answer = client.get("/search", params={"q": word})
        assert answer.status_code == 200
        sizes.append(len(answer.content))
        assert pages.used <= page_bytes()
    assert pages.used > 0
    assert sum(sizes) > page_bytes()  # more was asked for than fits
    monkeypatch.setenv(budget.ENV, "0.001")  # 62 bytes: no page fits, each is still served
    home = client.get("/")
    assert home.status_code == 200
    assert "<html" in home.text
    assert pages.used == 0


def test_a_snippet_of_a_long_message_is_cut_around_its_first_match() -> None:
    from app.index.search import make_snippet
    from app.index.types import MATCH_END, MATCH_START

    words = [f"w{i}" for i in range(5000)]
    words[2500] = "weather"
    words[4000] = "weather"
    snippet = make_snippet(" ".join(words), "weather")
    shown = snippet.replace(MATCH_START, "").replace(MATCH_END, "")
    assert shown == "…" + " ".join(words[2492:2508]) + "…"
    assert snippet.count(MATCH_START) == 1
    early = make_snippet(" ".join(["weather", *words[1:40]]), "weather")
    assert early.startswith(MATCH_START + "weather" + MATCH_END)
    assert early.endswith("w15…")
    short = make_snippet("the weather today", "weather")
    assert not short.startswith("…")
    assert not short.endswith("…")
