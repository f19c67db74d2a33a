"""The JSON API and the JSON twins of pages, on cassettes the tests write."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

JSON = {"accept": "application/json"}


def test_healthz_counts_what_was_indexed(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["cassettes"] == 6
    assert body["interactions"] == 7


def test_list_filters_sorts_and_pages(client: TestClient) -> None:
    body = client.get("/api/cassettes").json()
    paths = [c["path"] for c in body["cassettes"]]
    assert body["total"] == 6
    assert paths == sorted(paths)
    weather = next(c for c in body["cassettes"] if c["path"] == "agents/weather.yaml")
    assert weather["tools"] == ["get_weather"]
    assert weather["interactions"] == 2
    assert {
        "path",
        "format",
        "interactions",
        "apis",
        "providers",
        "models",
        "tools",
        "statuses",
        "errors",
        "usage",
    } <= weather.keys()

    only = client.get("/api/cassettes", params={"tool": "get_weather"}).json()
    assert [c["path"] for c in only["cassettes"]] == ["agents/weather.yaml"]
    failed = client.get("/api/cassettes", params={"status": "429"}).json()
    assert [c["path"] for c in failed["cassettes"]] == ["errors/rate_limited.yaml"]
    page = client.get("/api/cassettes", params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 6
    assert [c["path"] for c in page["cassettes"]] == paths[2:4]
    by_calls = client.get("/api/cassettes", params={"sort": "interactions", "desc": "1"}).json()
    assert by_calls["cassettes"][0]["interactions"] == 2


def test_home_json_twin_equals_api(client: TestClient) -> None:
    assert (
        client.get("/?tool=get_weather", headers=JSON).json()
        == client.get("/api/cassettes?tool=get_weather").json()
    )


def test_cassette_json_has_conversation_and_chunks(client: TestClient) -> None:
    cas = client.get("/api/cassettes/agents/weather.yaml").json()
    assert cas["path"] == "agents/weather.yaml"
    roles = [m["role"] for m in cas["conversation"]]
    assert roles == ["system", "user", "assistant", "tool", "assistant"]
    call = cas["conversation"][2]["parts"][0]
    assert call["type"] == "tool_call"
    assert call["arguments"] == {"city": "Florence", "unit": "C"}
    assert client.get("/cassettes/agents/weather.yaml", headers=JSON).json() == cas

    story = client.get("/api/cassettes/streams/story.yaml").json()
    assert len(story["interactions"][0]["chunks"]) == 42


def test_interaction_json_twin_and_masking(client: TestClient) -> None:
    inter = client.get("/api/cassettes/agents/weather.yaml/interactions/0").json()
    assert inter["index"] == 0
    assert inter["request_headers"]["Authorization"] == ["Bear…"]
    page = client.get("/cassettes/agents/weather.yaml/interactions/0", headers=JSON).json()
    assert page == inter
    assert client.get("/api/cassettes/agents/weather.yaml/interactions/2").status_code == 404


def test_search_says_when_it_stopped_counting(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = client.get("/api/search", params={"q": "weather"}).json()
    assert body["total"] > 1
    assert body["total_capped"] is False
    monkeypatch.setattr("app.index.queries.COUNT_LIMIT", 1)
    monkeypatch.setattr("app.web.search.COUNT_LIMIT", 1)
    client.app.state.live.pages.clear()  # type: ignore[attr-defined]  # answers kept per index generation
    body = client.get("/api/search", params={"q": "weather"}).json()
    assert (body["total"], body["total_capped"]) == (1, True)
    assert len(body["hits"]) > 1
    assert "1+ matches for" in client.get("/search", params={"q": "weather"}).text


def test_search_api_finds_message_text(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "sunglasses"}).json()["hits"]
    assert hits
    assert hits[0]["path"] == "agents/weather.yaml"
    assert "sunglasses" in hits[0]["snippet"]
    assert {"path", "interaction", "message", "role", "snippet"} <= hits[0].keys()
    assert client.get("/search?q=sunglasses", headers=JSON).json()["hits"] == hits


def test_usage_groups_and_bad_group(client: TestClient) -> None:
    groups = client.get("/api/usage", params={"group_by": "model"}).json()["groups"]
    keys = {g["key"] for g in groups}
    assert "gpt-4o-mini" in keys
    assert all({"key", "interactions", "usage"} <= g.keys() for g in groups)
    bad = client.get("/api/usage", params={"group_by": "nonsense"})
    assert bad.status_code == 400
    assert "group_by" in bad.json()["detail"]


def test_errors_json_names_the_broken_file(client: TestClient) -> None:
    errors = client.get("/errors", headers=JSON).json()["errors"]
    assert [e["path"] for e in errors] == ["broken.yaml"]
    assert errors[0]["error"]


def test_bad_parameters_are_json_errors(client: TestClient) -> None:
    for url in ("/api/cassettes?limit=many", "/api/cassettes?sort=evil", "/?offset=x"):
        r = client.get(url)
        assert r.status_code == 400, url
        assert set(r.json()) == {"detail"}
