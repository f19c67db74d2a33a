"""The History page says, per commit, whether the cassette changed by meaning and how."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.web import Settings, create_app
from tests.review.helpers import commit_all, init_repo, weather_run
from tests.web.dom import parse


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    repo = init_repo(tmp_path / "repo")
    cassette = repo / "cassettes" / "weather.yaml"
    cassette.parent.mkdir()
    cassette.write_text(weather_run("Paris", seed=1))
    commit_all(repo, "record")
    cassette.write_text(weather_run("Paris", seed=2))
    commit_all(repo, "re-record")
    cassette.write_text(weather_run("Lyon", seed=3, model="gpt-4o"))
    commit_all(repo, "ask about Lyon with gpt-4o")
    app = create_app(Settings(roots=[repo / "cassettes"], index_path=tmp_path / "i.sqlite3"))
    with TestClient(app) as client:
        assert app.state.live.ready.wait(30)
        yield client


def test_each_commit_has_a_verdict(client: TestClient) -> None:
    doc = client.get("/cassettes/weather.yaml/history", headers={"Accept": "application/json"})
    verdicts = [(c["subject"], c["verdict"]) for c in doc.json()["commits"]]
    assert verdicts == [
        ("ask about Lyon with gpt-4o", "changed: tool calls, model"),
        ("re-record", "same by meaning"),
        ("record", "first version"),
    ]
    page = parse(client.get("/cassettes/weather.yaml/history").text)
    cells = [td.text() for td in page.find("table", cls="history").find_all("td")]
    assert "changed: tool calls, model" in cells
    assert "same by meaning" in cells
