"""Pages served from the decoded form the index keeps equal the pages decoded from the file.

The stored form (app.index.stored) is what the cassette and interaction pages start from for
files whose decode is costly; these tests store it for every file, then compare each page with
the page an index that keeps no form serves for the same file.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.conversation.context import _parameters, parameters_body
from app.index import Index, stored
from app.index.budget import ENV, cache_bytes, page_cache_bytes
from app.loader import load_bytes, load_cassette
from app.model import Cassette, Interaction, Message, TextPart, ToolCallPart
from bench.make_agent_run import agent_run
from tests.security.planted import (
    POSITIONS,
    interaction_count,
    leaked,
    planted_cassette,
    random_secret,
    shaped,
)
from tests.security.test_secret_leaks import web_outputs
from tests.web.conftest import MakeClient
from tests.web.test_cache_budget import write_runs

SAMPLES = Path(__file__).resolve().parents[2] / "cassettes"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The sample cassettes and a generated streamed agent run (tool calls, resent history)."""
    out = tmp_path / "root"
    shutil.copytree(SAMPLES, out)
    (out / "agent-run.yaml").write_bytes(agent_run(turns=14, result_chars=400))
    return out


def _store_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stored, "MIN_FILE_BYTES", 0)


def _paths(client: TestClient) -> list[str]:
    index: Index = client.app.state.live.index  # type: ignore[attr-defined]
    return index.paths()


def _pages(client: TestClient, path: str, n: int) -> list[tuple[str, str]]:
    urls = [
        (f"/cassettes/{path}", "text/html"),
        (f"/cassettes/{path}", "application/json"),
        (f"/cassettes/{path}?format=markdown", "text/html"),
        (f"/cassettes/{path}?calls=1", "text/html"),
        (f"/cassettes/{path}?q=the", "text/html"),
        (f"/api/cassettes/{path}", "application/json"),
    ]
    for k in range(n):
        urls += [
            (f"/cassettes/{path}/interactions/{k}", "text/html"),
            (f"/cassettes/{path}/interactions/{k}", "application/json"),
            (f"/cassettes/{path}/interactions/{k}?format=markdown", "text/html"),
            (f"/api/cassettes/{path}/interactions/{k}", "application/json"),
            (f"/api/cassettes/{path}/interactions/{k}/chunks", "application/json"),
        ]
    out = []
    for url, accept in urls:
        for partial in ({}, {"hx-request": "true"}):  # the page, and its htmx swap
            response = client.get(url, headers={"accept": accept, **partial})
            assert response.status_code == 200, (url, response.text[:300])
            out.append((url, response.text))
    return out


def test_every_page_from_the_stored_form_equals_the_page_decoded_from_the_file(
    root: Path, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoding = make_client(root)
    _store_all(monkeypatch)
    from_form = make_client(root)
    index: Index = from_form.app.state.live.index  # type: ignore[attr-defined]
    paths = _paths(from_form)
    assert "agent-run.yaml" in paths
    assert len(paths) > 10
    for path in paths:
        summary = index.summary(path)
        assert summary is not None
        loaded = index.light(path)
        assert loaded is not None
        assert loaded[1], f"{path}: no stored form"
        n = min(summary.interactions, 16)
        assert _pages(from_form, path, n) == _pages(decoding, path, n), path
    # The long run's history was not stored again with each request: its form is small.
    run = (root / "agent-run.yaml").stat().st_size
    with sqlite3.connect(index.db_path) as conn:
        form = conn.execute(
            "SELECT LENGTH(f.data) FROM forms f JOIN cassettes c ON c.id = f.cassette_id"
            " WHERE c.path = 'agent-run.yaml'"
        ).fetchone()[0]
    assert form < run / 10


def test_the_raw_view_rebuilds_its_whole_request_body_from_the_form(
    root: Path, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_all(monkeypatch)
    client = make_client(root)
    index: Index = client.app.state.live.index  # type: ignore[attr-defined]
    loaded = index.light("agent-run.yaml")
    assert loaded is not None
    assert loaded[1]
    light_body = loaded[0].interactions[13].request_body or ""
    assert "messages" not in json.loads(light_body)  # the form keeps parameters only
    page = client.get("/api/cassettes/agent-run.yaml/interactions/13").json()
    whole = load_cassette(root / "agent-run.yaml", "agent-run.yaml")
    assert page["request_body"] == whole.interactions[13].request_body
    assert len(page["request_body"]) > 10 * len(light_body)
    # The file was not decoded again for it.
    assert index.decoded.get(("agent-run.yaml", *_stat(root / "agent-run.yaml"), False)) is None


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def test_a_file_changed_since_indexed_is_decoded_from_disk_and_stored_again(
    root: Path, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_all(monkeypatch)
    client = make_client(root)
    index: Index = client.app.state.live.index  # type: ignore[attr-defined]
    path = root / "agent-run.yaml"
    before = client.get("/cassettes/agent-run.yaml").text
    path.write_bytes(agent_run(turns=9, result_chars=400))
    loaded = index.light("agent-run.yaml")
    assert loaded is not None
    cas, from_form = loaded
    now = load_cassette(path, "agent-run.yaml")
    assert not from_form
    assert cas == now
    page = client.get("/cassettes/agent-run.yaml").text
    assert page != before
    index.refresh()
    index.decoded.clear()  # else the whole decode made above is served first
    loaded = index.light("agent-run.yaml")
    assert loaded is not None
    assert loaded[1]
    assert loaded[0] == stored.light(now)


@pytest.mark.parametrize("damage", ["garbage", "old version", "other json", "requests"])
def test_a_damaged_or_old_form_is_ignored_and_the_file_decoded(
    root: Path, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    decoding = make_client(root)
    _store_all(monkeypatch)
    client = make_client(root)
    index: Index = client.app.state.live.index  # type: ignore[attr-defined]
    with sqlite3.connect(index.db_path) as conn:
        if damage == "garbage":
            conn.execute("UPDATE forms SET data = x'789c00ff'")
        elif damage == "old version":
            conn.execute("UPDATE forms SET version = version - 1")
        elif damage == "other json":
            conn.execute("UPDATE forms SET data = ?", (zlib.compress(b'[1, [], {"a": 2}]'),))
        else:  # the request bodies only: the raw view falls back to the whole decode
            conn.execute("UPDATE forms SET requests = ?", (zlib.compress(b"[1, [[0, 5]]]"),))
    loaded = index.light("agent-run.yaml")
    assert loaded is not None
    assert loaded[1] == (damage == "requests")
    assert _pages(client, "agent-run.yaml", 3) == _pages(decoding, "agent-run.yaml", 3)


def test_a_form_reads_back_as_the_light_cassette_and_its_bodies_for_every_sample() -> None:
    files = [p for p in sorted(SAMPLES.rglob("*")) if p.is_file()]
    run = Path("agent-run.yaml")
    for path in [*files, run]:
        data = agent_run(turns=30, result_chars=200) if path == run else path.read_bytes()
        cas = load_bytes(data, path.name)
        back = stored.load(stored.dump(cas))
        assert back == stored.light(cas), path
        requests = stored.dump_requests(cas)
        for it in cas.interactions:
            assert stored.request_body(requests, it.index) == (it.request_body,), path
        # The light request body still says every parameter the cassette page compares.
        for it in cas.interactions:
            assert _parameters(parameters_body(it.request_body)) == _parameters(it.request_body)


def test_parameters_survive_what_orjson_refuses() -> None:
    body = '{"model": "m", "temperature": NaN, "seed": 123456789012345678901234, "messages": []}'
    cut = parameters_body(body)
    assert cut is not None
    assert "messages" not in cut
    assert _parameters(cut) == _parameters(body)


def _with_arguments(value: object) -> Cassette:
    call = Message("assistant", (ToolCallPart("c1", "f", value),))
    it = Interaction(0, None, "POST", "https://x", 200, None, None, response=call)
    return Cassette(path="x.yaml", format="vcrpy", interactions=(it,))


@pytest.mark.parametrize(
    "value", [math.nan, math.inf, 2**70, ("a", "tuple"), {1: "key not text"}, "\ud800"]
)
def test_what_cannot_be_written_exactly_is_not_stored(value: object) -> None:
    with pytest.raises(stored.Unstorable):
        stored.dump(_with_arguments(value))


def test_equal_messages_are_written_once() -> None:
    hello = [Message("user", (TextPart("hello " * 100),)) for _ in range(50)]
    its = tuple(
        Interaction(k, None, "POST", "https://x", 200, None, None, messages=tuple(hello[: k + 1]))
        for k in range(50)
    )
    blob = stored.dump(Cassette(path="x.yaml", format="vcrpy", interactions=its))
    assert zlib.decompress(blob).count(b'"hello hello') == 1


def test_no_secret_is_stored_or_shown_from_the_form(
    tmp_path: Path, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_all(monkeypatch)
    root = tmp_path / "root"
    root.mkdir()
    planted = {p: shaped(p, random_secret()) for p in POSITIONS}
    (root / "c.yaml").write_text(planted_cassette(planted))
    idx = Index(tmp_path / "i.sqlite3", [root], workers=1)
    idx.refresh()
    with sqlite3.connect(idx.db_path) as conn:
        blob, requests = conn.execute("SELECT data, requests FROM forms").fetchone()
    text = zlib.decompress(blob).decode() + zlib.decompress(requests).decode()
    assert "Jupiter." in text  # the form is there and holds the answer
    assert leaked(text, list(planted.values())) == []
    # Nor in what the JSON says once its escapes are read.
    unescaped = repr([json.loads(zlib.decompress(b)) for b in (blob, requests)])
    assert leaked(unescaped, list(planted.values())) == []
    idx.close()
    client = make_client(root)
    served: Index = client.app.state.live.index  # type: ignore[attr-defined]
    loaded = served.light("c.yaml")
    assert loaded is not None
    assert loaded[1]
    pages = web_outputs(client, "c.yaml", interaction_count(planted))
    assert "Jupiter." in pages
    assert leaked(pages, list(planted.values())) == []


def test_stored_forms_and_request_bodies_stay_within_their_budgets(
    tmp_path: Path, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_all(monkeypatch)
    root = tmp_path / "runs"
    names = write_runs(root, 3, turns=12, result_chars=5000)
    monkeypatch.setenv(ENV, "0.4")  # 400 kB for cassettes, 100 kB for request bodies
    client = make_client(root)
    index: Index = client.app.state.live.index  # type: ignore[attr-defined]
    for name in names:
        assert client.get(f"/cassettes/{name}").status_code == 200
        for k in range(12):
            page = client.get(f"/api/cassettes/{name}/interactions/{k}").json()
            assert f"result {k - 1}: xxx" in page["request_body"] if k else True
            assert index.decoded.used <= cache_bytes()
            assert index.bodies.used <= page_cache_bytes()
    assert index.bodies.used > 0  # bodies were kept, up to the budget
    assert len(index.decoded) >= 1  # light forms fit where whole decodes would not


def test_a_large_file_is_decoded_in_a_worker_process_even_alone(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its decode's transient peak is then the worker's, given back when it exits, not serve's."""
    import app.index
    import app.index.extract

    def never(*args: object) -> Cassette:
        raise AssertionError("decoded in the serving process")

    monkeypatch.setattr(app.index, "ISOLATE_BYTES", (root / "agent-run.yaml").stat().st_size)
    monkeypatch.setattr(app.index.extract, "load_cassette", never)
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(root / "agent-run.yaml", only / "agent-run.yaml")
    idx = Index(tmp_path / "only.sqlite3", [only], workers=1)
    result = idx.refresh()
    assert result.errors == []
    assert idx.counts()[1] == len(load_cassette(only / "agent-run.yaml", "x").interactions)
    idx.close()


def test_the_players_deltas_stay_within_their_budget(
    root: Path, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import playback

    _store_all(monkeypatch)
    client = make_client(root)
    playback._CACHE.clear()
    one = client.get("/api/cassettes/agent-run.yaml/interactions/0/chunks").json()
    assert one["total"] > 0
    weight = playback._CACHE.used
    assert weight > 0
    monkeypatch.setenv(ENV, str(weight * 4 * 2.5 / 1e6))  # a page cache: room for 2.5 of them
    for k in range(14):
        response = client.get(f"/api/cassettes/agent-run.yaml/interactions/{k}/chunks")
        assert response.status_code == 200
        assert playback._CACHE.used <= page_cache_bytes()
    assert 1 <= len(playback._CACHE) <= 3
