"""Caches are bounded by bytes: agent runs heavier than the budget are served, never hoarded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from app.index import Index
from app.index.budget import ENV, SizedCache, cache_bytes, cassette_weight, page_cache_bytes
from app.web import lanes
from tests.web.conftest import MakeClient

URL = "https://api.anthropic.com/v1/messages"


def agent_run(turns: int, result_chars: int, seed: int) -> str:
    """A go-vcr cassette in which every request resends the whole history, as agents do."""
    history: list[dict[str, object]] = [{"role": "user", "content": f"Fix test {seed}"}]
    interactions = []
    for turn in range(turns):
        body = {"model": "claude-sonnet-4-5", "max_tokens": 100, "messages": history}
        answer = {
            "id": f"msg_{seed}_{turn}",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5",
            "content": [{"type": "text", "text": f"step {turn} of run {seed}"}],
            "stop_reason": "end_turn",
            "usage": {"input_tokens": 10, "output_tokens": 5},
        }
        interactions.append(
            {
                "request": {
                    "body": json.dumps(body),
                    "url": URL,
                    "method": "POST",
                    "headers": {"Content-Type": ["application/json"]},
                },
                "response": {
                    "body": json.dumps(answer),
                    "code": 200,
                    "status": "200 OK",
                    "headers": {"Content-Type": ["application/json"]},
                },
            }
        )
        history = [
            *history,
            {"role": "assistant", "content": answer["content"]},
            {"role": "user", "content": f"result {turn}: " + "x" * result_chars},
        ]
    return yaml.safe_dump({"version": 2, "interactions": interactions}, width=1 << 20)


def write_runs(root: Path, n: int, turns: int = 12, result_chars: int = 3000) -> list[str]:
    root.mkdir(parents=True, exist_ok=True)
    names = [f"run-{k}.yaml" for k in range(n)]
    for k, name in enumerate(names):
        (root / name).write_text(agent_run(turns, result_chars, k))
    return names


def test_a_cache_forgets_the_least_recent_until_it_fits_and_keeps_nothing_too_big() -> None:
    cache: SizedCache[str, str] = SizedCache(lambda: 100)
    cache.put("a", "A", 40)
    cache.put("b", "B", 40)
    assert cache.get("a") == "A"  # now the most recent
    cache.put("c", "C", 40)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    assert cache.used == 80
    cache.put("huge", "H", 101)
    assert cache.get("huge") is None
    assert cache.used == 80


def test_the_budget_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "2")
    assert cache_bytes() == 2_000_000
    assert page_cache_bytes() == 500_000
    monkeypatch.setenv(ENV, "not a number")
    assert cache_bytes() == 256_000_000


def test_decoded_cassettes_stay_within_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "runs"
    names = write_runs(root, 4)
    idx = Index(tmp_path / "index.sqlite3", [root], workers=1)
    idx.refresh()
    one = idx.cassette(names[0])
    assert one is not None
    weight = cassette_weight(one)
    # Room for two and a half runs: opening four keeps the last two, within the bytes.
    monkeypatch.setenv(ENV, str(weight * 2.5 / 1e6))
    idx.decoded.clear()
    for name in names:
        cas = idx.cassette(name)
        assert cas is not None
        assert len(cas.interactions) == 12
        assert idx.decoded.used <= cache_bytes()
    assert len(idx.decoded) == 2
    # A budget smaller than one run: every file is still served in full, none is kept.
    monkeypatch.setenv(ENV, str(weight / 2 / 1e6))
    idx.decoded.clear()
    for name in names:
        cas = idx.cassette(name)
        assert cas is not None
        assert len(cas.interactions) == 12
    assert idx.decoded.used == 0
    idx.close()


def test_cassette_pages_heavier_than_the_budget_are_served_and_the_caches_stay_within_it(
    tmp_path: Path, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "runs"
    names = write_runs(root, 3, result_chars=5000)
    monkeypatch.setenv(ENV, "0.2")  # 200 kB decoded, 50 kB per page cache: less than one run
    # The page caches live in the process: an earlier test that read these same (deterministic)
    # runs under the default budget left readings this one would hit without storing anything,
    # so the lowered budget would never be applied. Start from empty caches.
    lanes._cache.clear()
    lanes._changes_cache.clear()
    client = make_client(root)
    index = client.app.state.live.index  # type: ignore[attr-defined]
    for name in names:
        assert (root / name).stat().st_size > 200_000
        page = client.get(f"/cassettes/{name}")
        assert page.status_code == 200
        assert f"step 11 of run {name[4]}" in page.text
        assert index.decoded.used <= cache_bytes()
        assert lanes._cache.used <= page_cache_bytes()
        assert lanes._changes_cache.used <= page_cache_bytes()
    assert index.decoded.used == 0
