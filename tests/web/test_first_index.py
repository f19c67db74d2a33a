"""While the first index of a tree builds, pages say so and share links still open."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import app.index
from app.web import Settings, create_app
from tests.web.dom import parse
from tests.web.samples import write_tree

BROWSER = {"accept": "text/html"}
POLL = {"hx-request": "true", "hx-trigger": "indexing-poll"}


@pytest.fixture
def gated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Any]]:
    """A dashboard whose first refresh stops after reading two files until the test releases it."""
    root = tmp_path / "cassettes"
    write_tree(root)
    release = threading.Event()
    real = app.index.extract_file
    seen = 0

    def slow(*args: Any) -> Any:
        nonlocal seen
        if threading.current_thread().name == "tapedeck-index":
            seen += 1
            if seen > 2:
                assert release.wait(30)
        return real(*args)

    monkeypatch.setattr(app.index, "extract_file", slow)
    web = create_app(Settings(roots=[root], index_path=tmp_path / "i.sqlite3", watch=False))
    with TestClient(web) as client:
        live = web.state.live
        deadline = time.monotonic() + 30
        while live.status.done < 2:  # the first refresh has read two files and waits
            assert time.monotonic() < deadline, "the first refresh did not start"
            time.sleep(0.02)
        yield client, release
        release.set()
        assert live.ready.wait(30)


def test_home_shows_progress_in_the_body_then_reloads_itself(
    gated: tuple[TestClient, Any],
) -> None:
    client, release = gated
    doc = parse(client.get("/").text)
    results = doc.by_id("results")
    poll = results.by_id("indexing-poll")
    assert " ".join(poll.text().split()).startswith("Indexing 2 / 6 files…")
    assert poll.attrs["hx-trigger"] == "every 1s"
    assert "No cassettes match" not in results.text()
    assert doc.find("noscript").find("meta").attrs["http-equiv"] == "refresh"
    # The poll keeps fetching the list while the index builds...
    again = client.get(
        poll.attrs["hx-get"], headers={"hx-request": "true", "hx-trigger": "indexing-poll"}
    )
    assert again.status_code == 200
    assert parse(again.text).by_id("indexing-poll")
    # ...and once it is done, asks for the whole page again (the filters gain their facets).
    release.set()
    assert client.app.state.live.ready.wait(30)  # type: ignore[attr-defined]
    done = client.get(
        poll.attrs["hx-get"], headers={"hx-request": "true", "hx-trigger": "indexing-poll"}
    )
    assert done.headers["hx-refresh"] == "true"
    doc = parse(client.get("/").text)
    assert not doc.find_all(id="indexing-poll")
    assert len(doc.by_id("results").find_all("tr", data_nav_item="")) == 6


def test_a_share_link_opened_during_the_first_index_reads_that_file(
    gated: tuple[TestClient, Any],
) -> None:
    client, _release = gated
    r = client.get("/cassettes/streams/story.yaml", headers=BROWSER)
    assert r.status_code == 200
    assert parse(r.text).find("h1").text() == "story.yaml"
    assert client.get("/api/cassettes/agents/weather.yaml/interactions/1").status_code == 200
    # A path that names no file is "still indexing, try again", not yet a 404.
    r = client.get("/cassettes/agents/nothing-here.yaml", headers=BROWSER)
    assert r.status_code == 503
    assert r.headers["retry-after"] == "2"
    doc = parse(r.text)
    assert doc.find("meta", http_equiv="refresh")
    assert "still being built" in doc.find("main").text()
    # Nothing outside a root is read ahead.
    assert client.get("/cassettes/../../etc/passwd").status_code in (404, 503)
