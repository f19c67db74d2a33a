"""A 20,000-chunk stream: its page is windowed, light, and a chunk's link lands in its window."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import MakeClient
from tests.web.dom import parse
from tests.web.samples import streamed_story

CHUNKS = 20_000
URL = "/cassettes/long.yaml/interactions/0"


def test_long_stream_page_is_windowed_and_light(make_client: MakeClient, tmp_path: Path) -> None:
    root = tmp_path / "cassettes"
    root.mkdir()
    (root / "long.yaml").write_text(streamed_story(CHUNKS), encoding="utf-8")
    client = make_client(root)

    first = client.get(URL)
    assert first.status_code == 200
    assert len(first.content) < 2_000_000, len(first.content)
    doc = parse(first.text)
    items = doc.find("ol", cls="chunk-list").find_all("li")
    assert items[0].attrs["id"] == "c-0"
    assert len(items) < CHUNKS  # a window, not the whole stream
    assert f"of {CHUNKS + 2:,}" in doc.by_id("chunks-title").text()
    nxt = doc.find("section", cls="chunks").find("a", rel="next").attrs["href"]
    assert f"chunks={len(items)}" in nxt

    # A link to a late chunk opens the window that holds it, with the anchor on the page.
    late = parse(client.get(URL + "?chunks=19700").text)
    ids = [li.attrs["id"] for li in late.find("ol", cls="chunk-list").find_all("li")]
    assert "c-19700" in ids
    link = late.by_id("c-19700").find("a", cls="seq").attrs["href"]
    assert link.endswith("#c-19700")
    assert "chunks=" in link
