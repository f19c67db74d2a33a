"""`tapedeck serve`: what it prints, where it binds, and the app it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.cli.serve import is_loopback
from tests.web.samples import write_tree


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def fake_run(app: Any, host: str, port: int, **_kw: Any) -> None:
        seen.update(app=app, host=host, port=port)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    return seen


def test_serve_defaults_to_loopback_and_prints_the_url(
    tmp_path: Path, captured: dict[str, Any]
) -> None:
    root = tmp_path / "cassettes"
    write_tree(root)
    index = tmp_path / "idx.sqlite3"
    result = CliRunner().invoke(main, ["serve", str(root), "--index", str(index), "--no-watch"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/" in result.output
    assert captured["host"] == "127.0.0.1"
    assert captured["port"] == 8000
    with TestClient(captured["app"], base_url="http://127.0.0.1:8000") as client:
        assert captured["app"].state.live.ready.wait(30)
        assert client.get("/healthz").json()["cassettes"] == 6


def test_serve_beyond_loopback_warns_and_takes_a_token_from_env(
    tmp_path: Path, captured: dict[str, Any]
) -> None:
    root = tmp_path / "cassettes"
    write_tree(root)
    result = CliRunner().invoke(
        main,
        [
            "serve",
            str(root),
            "--host",
            "0.0.0.0",
            "--port",
            "9001",
            "--index",
            str(tmp_path / "i.sqlite3"),
        ],
        env={"TAPEDECK_AUTH_TOKEN": "tok-123"},
    )
    assert result.exit_code == 0, result.output
    assert "warning: listening on 0.0.0.0" in result.output
    assert captured["app"].state.settings.auth_token == "tok-123"
    with TestClient(captured["app"], base_url="http://127.0.0.1:8000") as client:
        assert client.get("/healthz").status_code == 401


def test_serve_refuses_a_missing_root(tmp_path: Path, captured: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["serve", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert not captured


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
