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


def test_search_hits_carry_their_thread_and_query(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client(agent_root(tmp_path))
    hits = client.get("/api/search", params={"q": "file"}).json()["hits"]
    assert hits
    for hit in hits:
        assert hit["thread"] == 1
        assert hit["url"].startswith("/cassettes/run.yaml?v=")
        assert "&q=file#m-" in hit["url"]
    bug = client.get("/api/search", params={"q": "bug"}).json()["hits"]
    by_text = {(h["snippet"], h["thread"]) for h in bug}
    assert ("Bug fix", 0) in by_text  # the title generator's answer, in its own thread
    assert ("Fix the bug", 1) in by_text


def test_player_knows_the_message_a_stream_answers(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client(agent_root(tmp_path))
    chunks = client.get("/api/cassettes/run.yaml/interactions/2/chunks").json()
    reply = chunks["reply_to"]
    assert (reply["role"], reply["interaction"], reply["text"]) == ("user", 2, "a.py")
    doc = client.get("/api/cassettes/run.yaml").json()
    assert doc["conversation"][reply["message"]]["parts"][0]["text"] == "a.py"
    # The side call answers its own prompt, not the agent's latest message.
    side = client.get("/api/cassettes/run.yaml/interactions/0/chunks").json()["reply_to"]
    assert (side["interaction"], side["text"]) == (0, "Fix the bug")
    html = client.get("/cassettes/run.yaml/interactions/2").text
    assert "Answering the <a href=" in html


def test_two_thousand_mixed_interactions_all_listed(
    make_client: MakeClient, tmp_path: Path
) -> None:
    """Identical requests, several APIs, calls that are not conversations, a malformed body:
    the page renders and every interaction is in exactly one thread or in none."""
    from tests.conversation.shapes import OpenAIChat, Raw

    chat, claude = OpenAIChat(), Anthropic()
    script = Script()
    for i in range(500):
        script.call(chat, Call(None, [("user", "same question")], "same answer"))
        script.call(claude, Call(AGENT, [("user", f"task {i % 7}")], f"step {i}"))
        script.raw(Raw("https://api.exa.ai/search", {"query": str(i)}, {"results": []}))
        script.raw(Raw("https://api.openai.com/v1/chat/completions", {"messages": 7}, {}))
    root = tmp_path / "big"
    root.mkdir()
    (root / "big.yaml").write_text(script.yaml())
    client = make_client(root)
    doc = client.get("/api/cassettes/big.yaml").json()
    assert len(doc["interactions"]) == 2000
    listed = [n for t in doc["threads"] for n in t["interactions"]]
    assert len(listed) == len(set(listed))
    outside = [i["index"] for i in doc["interactions"] if i["thread"] is None]
    assert sorted(listed + outside) == list(range(2000))
    assert client.get("/cassettes/big.yaml").status_code == 200
