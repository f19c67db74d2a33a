"""The diff pages and the History tab: what a reviewer sees, through the JSON twin and the HTML."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.builders import chat_request, chat_response
from tests.web.conftest import MakeClient
from tests.web.dom import parse
from tests.web.samples import HANDLER, XSS, exchange, govcr, hostile

JSON = {"accept": "application/json"}
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"]


def weather(city: str, answer: str, req_id: str = "chatcmpl-1") -> str:
    """A tool call with `city`, then the answer: the recording a PR would re-record."""
    user = {"role": "user", "content": "What's the weather?"}
    call = {"id": "call_1", "name": "get_weather", "arguments": {"city": city, "unit": "C"}}
    assistant = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": json.dumps(call["arguments"])},
            }
        ],
    }
    result = {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'}
    return govcr(
        exchange(
            chat_request([user]), chat_response(tool_calls=[call]).replace("chatcmpl-1", req_id)
        ),
        exchange(chat_request([user, assistant, result]), chat_response(answer)),
    )


@pytest.fixture
def two(tmp_path: Path, make_client: MakeClient) -> TestClient:
    root = tmp_path / "cassettes"
    root.mkdir()
    (root / "old.yaml").write_text(weather("Florence", "It is sunny in Florence."))
    (root / "new.yaml").write_text(weather("Rome", "It is rainy in Rome."))
    (root / "rerecorded.yaml").write_text(weather("Florence", "It is sunny in Florence.", "x-9"))
    return make_client(root)


def test_json_twin_reports_the_changed_tool_argument(two: TestClient) -> None:
    r = two.get("/diff", params={"old": "old.yaml", "new": "new.yaml"}, headers=JSON)
    assert r.status_code == 200
    doc = r.json()
    assert doc["same"] is False
    first = doc["interactions"][0]
    part = first["messages"][0]["parts"][0]
    assert part["name"] == "get_weather"
    assert part["arguments"] == [
        {"path": "$.city", "change": "changed", "old": "Florence", "new": "Rome"}
    ]


def test_page_shows_both_sides_with_changes_marked(two: TestClient) -> None:
    page = parse(two.get("/diff", params={"old": "old.yaml", "new": "new.yaml"}).text)
    assert "Different by meaning" in page.find(cls="verdict-differs").text()
    rows = page.find_all(cls="row-edited")
    assert rows, "no edited message row"
    tool_row = next(r for r in rows if "get_weather" in r.text())
    old_cell, new_cell = tool_row.find(cls="old"), tool_row.find(cls="new")
    assert old_cell.find("code", cls="jpath").text() == "$.city"
    assert old_cell.find("del").text() == "Florence"
    assert new_cell.find("ins").text() == "Rome"
    answer = next(r for r in rows if "rainy" in r.text())
    assert [d.text() for d in answer.find(cls="old").find_all("del")] == ["sunny", "Florence."]
    assert [i.text() for i in answer.find(cls="new").find_all("ins")] == ["rainy", "Rome."]


def test_rerecording_is_same_by_meaning(two: TestClient) -> None:
    r = two.get("/diff", params={"old": "old.yaml", "new": "rerecorded.yaml"})
    page = parse(r.text)
    assert "Same by meaning" in page.find(cls="verdict-same").text()
    assert not page.find_all(cls="row-edited")


def test_picker_works_without_javascript(two: TestClient) -> None:
    page = parse(two.get("/diff", params={"old": "old.yaml"}).text)
    form = page.find("form", action="/diff")
    assert form.find("input", name="old").attrs["value"] == "old.yaml"
    assert form.find("input", name="new").attrs["value"] == ""
    options = [o.attrs["value"] for o in page.by_id("diff-paths").find_all("option")]
    assert options == ["new.yaml", "old.yaml", "rerecorded.yaml"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"old": "old.yaml", "new": "missing.yaml"}, 404),
        ({"old": "../old.yaml", "new": "new.yaml"}, 404),
        ({"path": "old.yaml", "old_rev": "HEAD"}, 404),  # not in a git repository
        ({"path": "nope.yaml", "old_rev": "HEAD"}, 404),
    ],
)
def test_unknown_is_404_json(two: TestClient, params: dict[str, str], status: int) -> None:
    r = two.get("/diff", params=params)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["detail"]


def test_cassette_page_links_compare_but_no_history_outside_git(two: TestClient) -> None:
    page = parse(two.get("/cassettes/old.yaml").text)
    labels = [a.text() for a in page.find(cls="head-actions").find_all("a")]
    assert "Compare…" in labels
    assert "History" not in labels
    assert two.get("/cassettes/old.yaml/history").status_code == 404


# --- one cassette in a scratch git repository -------------------------------------------------


def git(repo: Path, *args: str) -> str:
    out = subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, text=True)
    return out.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    cassette = repo / "cassettes" / "agent" / "weather.yaml"
    cassette.parent.mkdir(parents=True)
    git(repo, "init", "-q")
    cassette.write_text(weather("Florence", "Sunny."))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Record the weather agent")
    cassette.write_text(weather("Rome", "Sunny."))
    git(repo, "commit", "-qam", "Ask about Rome instead")
    return repo


def test_history_tab_lists_commits_and_links_their_diff(
    repo: Path, make_client: MakeClient
) -> None:
    client = make_client(repo / "cassettes")
    page = parse(client.get("/cassettes/agent/weather.yaml").text)
    history = next(a for a in page.find_all("a") if a.text() == "History")
    assert history.attrs["href"] == "/cassettes/agent/weather.yaml/history"

    doc = client.get(history.attrs["href"], headers=JSON).json()
    assert [c["subject"] for c in doc["commits"]] == [
        "Ask about Rome instead",
        "Record the weather agent",
    ]
    assert doc["commits"][1]["diff_url"] is None

    table = parse(client.get(history.attrs["href"]).text).find("table", cls="history")
    link = table.find("a")
    diff = client.get(link.attrs["href"], headers=JSON).json()
    args = diff["interactions"][0]["messages"][0]["parts"][0]["arguments"]
    assert args == [{"path": "$.city", "change": "changed", "old": "Florence", "new": "Rome"}]


def test_revisions_are_validated_before_git_sees_them(repo: Path, make_client: MakeClient) -> None:
    client = make_client(repo / "cassettes")
    path = "agent/weather.yaml"
    for rev in ("--output=/tmp/x", "HEAD..HEAD~1", "HEAD@{1}", "a:b"):
        r = client.get("/diff", params={"path": path, "old_rev": rev})
        assert r.status_code == 400, rev
        assert "revision" in r.json()["detail"]
    r = client.get("/diff", params={"path": path, "old_rev": "nosuchbranch"})
    assert r.status_code == 404
    same = client.get("/diff", params={"path": path, "old_rev": "HEAD"}, headers=JSON).json()
    assert same["same"] is True  # HEAD against the file on disk
    old = client.get(
        "/diff", params={"path": path, "old_rev": "HEAD~1", "new_rev": "HEAD"}, headers=JSON
    ).json()
    assert old["same"] is False
    assert old["old"] == f"{path} @ HEAD~1"


def test_recorded_markup_stays_text(tmp_path: Path, make_client: MakeClient) -> None:
    root = tmp_path / "cassettes"
    root.mkdir()
    (root / "a.yaml").write_text(weather("Florence", "Sunny."))
    (root / "b.yaml").write_text(hostile())
    client = make_client(root)
    html = client.get("/diff", params={"old": "a.yaml", "new": "b.yaml"}).text
    assert XSS not in html
    assert HANDLER not in html
    assert "&lt;script&gt;" in html  # shown, as text
