"""Pages learn of changes on disk and say so, rather than changing under the reader."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.web import Settings, create_app
from tests.web.conftest import MakeClient
from tests.web.dom import parse
from tests.web.samples import place, rate_limited, write_tree

JSON = {"accept": "application/json"}


def wait_for(check: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def version_of(client: TestClient, path: str) -> str:
    rows = client.get("/api/cassettes").json()["cassettes"]
    return str(next(c["version"] for c in rows if c["path"] == path))


def test_status_line_polls_and_reports_a_changed_cassette(
    make_client: MakeClient, tmp_path: Path
) -> None:
    root = tmp_path / "cassettes"
    files = write_tree(root)
    client = make_client(root, watch=True)
    path = "agents/weather.yaml"
    version = version_of(client, path)
    doc = parse(client.get(f"/cassettes/{path}").text)
    status = doc.by_id("status")
    assert status.attrs["hx-get"] == f"/status?path=agents%2Fweather.yaml&v={version}"
    assert "every" in status.attrs["hx-trigger"]
    assert client.get(status.attrs["hx-get"], headers=JSON).json()["changed"] is False

    place(files[path], rate_limited(), tmp_path)
    assert wait_for(lambda: client.get(status.attrs["hx-get"], headers=JSON).json()["changed"])
    fragment = parse(client.get(status.attrs["hx-get"]).text).by_id("status")
    assert "changed on disk" in fragment.text()
    assert "hx-trigger" not in fragment.attrs  # it stops polling and keeps saying so
    assert fragment.find("a", cls="reload")


def test_list_pages_hear_of_new_files(make_client: MakeClient, tmp_path: Path) -> None:
    root = tmp_path / "cassettes"
    write_tree(root)
    client = make_client(root, watch=True)
    poll = parse(client.get("/").text).by_id("status").attrs["hx-get"]
    assert poll.startswith("/status?gen=")
    place(root / "new.yaml", rate_limited(), tmp_path)
    assert wait_for(lambda: client.get(poll, headers=JSON).json()["changed"])
    assert client.get("/healthz").json()["cassettes"] == 7


def test_an_open_usage_view_is_recomputed_before_it_is_asked_again(
    make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.web.usage

    root = tmp_path / "cassettes"
    write_tree(root)
    client = make_client(root, watch=True)
    built: list[object] = []
    build = app.web.usage.build_view

    def counted(*args: Any) -> Any:
        built.append(args)
        return build(*args)

    monkeypatch.setattr(app.web.usage, "build_view", counted)

    def interactions() -> int:
        return int(client.get("/usage", headers=JSON).json()["total"]["interactions"])

    assert interactions() == 7
    assert len(built) == 1
    place(root / "new.yaml", rate_limited(), tmp_path)
    assert wait_for(lambda: client.get("/healthz").json()["cassettes"] == 7)
    assert wait_for(lambda: len(built) == 2)  # the watcher thread rebuilt it after the refresh
    assert interactions() == 8  # the new cassette is in the view...
    assert len(built) == 2  # ...and the request did not build it again


def test_progress_line_while_indexing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.index

    root = tmp_path / "cassettes"
    write_tree(root)
    gate = threading.Event()
    read = app.index.extract_file
    started: list[str] = []

    def held_after_two(path: str, *rest: Any) -> Any:
        started.append(path)
        if len(started) > 2:
            gate.wait(30)
        return read(path, *rest)

    monkeypatch.setattr(app.index, "extract_file", held_after_two)
    web = create_app(Settings(roots=[root], index_path=tmp_path / "index.sqlite3", watch=False))
    with TestClient(web) as client:
        try:
            assert wait_for(lambda: "Indexing 2 / 6 files" in client.get("/").text)
            status = parse(client.get("/").text).by_id("status")
            assert status.find("a", cls="reload")  # the no-JS way to see more
        finally:
            gate.set()
        assert web.state.live.ready.wait(30)
        assert "Indexing" not in parse(client.get("/").text).by_id("status").text()
