"""The chunk API and what the interaction and cassette pages embed for the player."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import playback
from app.loader import load_bytes
from app.web import Settings, create_app
from app.web.render import asset_dir, environment

REPO = Path(__file__).resolve().parents[2]
SAMPLES = {
    "groq.yaml": REPO / "cassettes" / "gateways" / "groq_streamed.yaml",
    "agent.yaml": REPO / "cassettes" / "openai" / "agent_parallel_tools.yaml",
    "anthropic.yaml": REPO / "cassettes" / "anthropic" / "agent_loop_thinking_tools.yaml",
}
GROQ = "/api/cassettes/groq.yaml/interactions/0/chunks"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    root = tmp_path / "root"
    root.mkdir()
    for name, src in SAMPLES.items():
        shutil.copy(src, root / name)
    app = create_app(Settings(roots=[root], index_path=tmp_path / "index.sqlite3", watch=False))
    with TestClient(app) as c:
        assert app.state.live.ready.wait(30)
        yield c


def decoded_text(name: str) -> str:
    cas = load_bytes(SAMPLES[name].read_bytes(), name)
    response = cas.interactions[0].response
    assert response is not None
    return response.text


def test_window_json(client: TestClient) -> None:
    body = client.get(GROQ, params={"offset": 2, "limit": 3}).json()
    assert set(body) == {"total", "offset", "chunks", "time_basis", "before", "reply_to"}
    assert body["offset"] == 2
    assert [c["seq"] for c in body["chunks"]] == [2, 3, 4]
    assert set(body["chunks"][0]) == {
        "seq",
        "event",
        "data",
        "kind",
        "t_ms",
        "t_estimated_ms",
        "delta",
    }
    # go-vcr keeps a duration but no per-chunk times: estimated, and never passed off as t_ms
    assert body["time_basis"] == "estimated"
    assert all(c["t_ms"] is None for c in body["chunks"])
    times = [c["t_estimated_ms"] for c in body["chunks"]]
    assert times == sorted(times)


def test_before_state_plus_window_gives_the_answer(client: TestClient) -> None:
    first = client.get(GROQ, params={"offset": 0, "limit": 3}).json()
    rest = client.get(GROQ, params={"offset": 3, "limit": 500}).json()
    assert rest["offset"] + len(rest["chunks"]) == rest["total"]
    text_before = "".join(p["text"] for _, p in rest["before"]["parts"] if p["type"] == "text")
    grown = "".join(op["text"] for c in first["chunks"] for op in c["delta"] if op["op"] == "text")
    assert text_before == grown
    added = "".join(op["text"] for c in rest["chunks"] for op in c["delta"] if op["op"] == "text")
    assert text_before + added == decoded_text("groq.yaml")


def test_window_bounds_and_errors(client: TestClient) -> None:
    body = client.get(GROQ, params={"offset": 10_000}).json()
    assert body["chunks"] == []
    assert body["offset"] == body["total"]
    assert client.get(GROQ, params={"limit": "x"}).status_code == 400
    assert client.get("/api/cassettes/groq.yaml/chunks").status_code == 404
    assert client.get("/api/cassettes/nope.yaml/interactions/0/chunks").status_code == 404
    assert client.get("/api/cassettes/groq.yaml/interactions/9/chunks").status_code == 404
    # the contract's own interaction URL still answers beside the chunk API
    assert client.get("/api/cassettes/groq.yaml/interactions/0").json()["streaming"] is True


def player_data(html: str) -> dict[str, object]:
    match = re.search(
        r'<script type="application/json" id="player-data" data-player-data>(.*?)</script>',
        html,
        re.S,
    )
    assert match, "the page embeds the player data"
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_interaction_page_embeds_kinds_and_labels_time(client: TestClient) -> None:
    html = client.get("/cassettes/groq.yaml/interactions/0").text
    data = player_data(html)
    cas = load_bytes(SAMPLES["groq.yaml"].read_bytes(), "groq.yaml")
    it = cas.interactions[0]
    assert data["total"] == len(it.chunks)
    assert data["kinds"] == playback.kinds(it)
    assert data["time_basis"] == "estimated"
    assert "times estimated" in html
    assert 'data-chunks-url="/api/cassettes/groq.yaml/interactions/0/chunks"' in html
    assert "player.js" in html


def test_cassette_page_shows_the_agent_loop(client: TestClient) -> None:
    html = client.get("/cassettes/agent.yaml").text
    assert 'id="agent-loop"' in html
    loop = html[html.index('id="agent-loop"') :]
    assert "get_weather" in loop
    assert "18°C, clear sky" in loop
    assert 'href="/cassettes/agent.yaml/interactions/1' in loop


def test_streamed_steps_link_to_their_player(client: TestClient) -> None:
    html = client.get("/cassettes/anthropic.yaml").text
    loop = html[html.index('id="agent-loop"') :]
    assert re.search(r'href="/cassettes/anthropic\.yaml/interactions/0[^"]*#player"', loop)


def test_player_partial_is_a_single_step_for_a_whole_response() -> None:
    path = REPO / "cassettes" / "openai" / "chat_completion.yaml"
    it = load_bytes(path.read_bytes(), "chat_completion.yaml").interactions[0]
    assert not it.streaming
    html = (
        environment(asset_dir("templates"))
        .get_template("_player.html")
        .render(interaction=it, interaction_json_url="/api/x/interactions/0")
    )
    assert "Single step: this response was not streamed" in html
    assert "player-data" not in html
    assert "data-act" not in html
