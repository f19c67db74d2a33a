"""Threads and context changes as the dashboard serves them: JSON twins and the interaction page."""

from __future__ import annotations

from pathlib import Path

from tests.conversation.shapes import Anthropic, Call, Script
from tests.web.conftest import MakeClient

JSON = {"accept": "application/json"}
AGENT = "You are a coding agent."
TITLER = "Write a short title for this conversation."


def agent_root(tmp_path: Path) -> Path:
    s = Anthropic()
    ask = [("user", "Fix the bug")]
    root = tmp_path / "root"
    root.mkdir()
    (root / "run.yaml").write_text(
        Script()
        .call(s, Call(TITLER, ask, "Bug fix"))
        .call(s, Call(AGENT, ask, "Which file?"))
        .call(s, Call(AGENT, [*ask, ("assistant", "Which file?"), ("user", "a.py")], "Done."))
        .yaml()
    )
    return root


def test_cassette_json_has_threads(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client(agent_root(tmp_path))
    doc = client.get("/api/cassettes/run.yaml").json()
    assert doc["threads"] == [
        {"id": 0, "label": "Title generator: Fix the bug", "interactions": [0], "parent": None},
        {"id": 1, "label": "Fix the bug", "interactions": [1, 2], "parent": None},
    ]
    assert [(i["thread"], i["retry_of"]) for i in doc["interactions"]] == [
        (0, None),
        (1, None),
        (1, None),
    ]
    assert {m["thread"] for m in doc["conversation"]} == {0, 1}
    assert client.get("/cassettes/run.yaml", headers=JSON).json()["threads"] == doc["threads"]


def test_interaction_twin_and_page_say_what_changed(
    make_client: MakeClient, tmp_path: Path
) -> None:
    client = make_client(agent_root(tmp_path))
    api = client.get("/api/cassettes/run.yaml/interactions/2").json()
    page_json = client.get("/cassettes/run.yaml/interactions/2", headers=JSON).json()
    assert api == page_json
    change = api["context_change"]
    assert (change["previous"], change["kept"], change["appended"]) == (1, 2, 1)
    assert change["appended_roles"] == ["user"]
    first = client.get("/api/cassettes/run.yaml/interactions/1").json()
    assert first["context_change"] is None  # the thread's first request

    html = client.get("/cassettes/run.yaml/interactions/2").text
    assert "Since <a href=" in html
    assert "1 message appended (user)" in html
    assert 'Fix the bug <span class="muted small">(thread 1)' in html
    assert "1 message appended" not in client.get("/cassettes/run.yaml/interactions/1").text
