"""A server bound beyond loopback warns, and with a token it is closed to whoever lacks it."""

from __future__ import annotations

import http.client
import importlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.cli import main
from app.cli.serve import open_socket as serve_open
from app.web import Settings, create_app
from tests.browser.server import free_port
from tests.conftest import REPO
from tests.security import hostile
from tests.security.conftest import running

TOKEN = "team-token-3f9a1c2b7d"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "root"
    path.mkdir()
    (path / "chat.yaml").write_bytes(hostile.good_cassette())
    return path


def run_serve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], env: dict[str, str]
) -> tuple[Any, FastAPI | None]:
    """`tapedeck serve` up to the point it would start uvicorn; returns the output and the app.
    The socket is a loopback one whatever the host asked for: these tests read what is printed
    and the app, and an address like 192.168.1.20 may not be this machine's."""
    started: dict[str, Any] = {}
    serve = importlib.import_module("app.cli.serve")  # the module, not the command
    monkeypatch.setattr(serve, "open_socket", lambda host, port: serve_open("127.0.0.1", 0))
    monkeypatch.setattr(serve, "run_server", lambda app, sock: started.update(app=app))
    result = CliRunner().invoke(
        main, ["serve", *args, "--index", str(tmp_path / "i.sqlite3"), "--no-watch"], env=env
    )
    assert result.exit_code == 0, result.output
    return result, started.get("app")


@pytest.mark.parametrize(
    ("host", "warned"),
    [
        ("127.0.0.1", False),
        ("localhost", False),
        ("::1", False),
        ("0.0.0.0", True),
        ("192.168.1.20", True),
        ("::", True),
    ],
)
def test_warning_beyond_loopback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, root: Path, host: str, warned: bool
) -> None:
    result, app = run_serve(monkeypatch, tmp_path, [str(root), "--host", host], {})
    assert app is not None
    assert ("warning" in result.stderr) is warned
    if warned:
        assert "--auth-token" in result.stderr


def test_token_from_env_closes_the_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, root: Path
) -> None:
    result, app = run_serve(
        monkeypatch, tmp_path, [str(root), "--host", "0.0.0.0"], {"TAPEDECK_AUTH_TOKEN": TOKEN}
    )
    assert app is not None
    assert TOKEN not in result.output  # the token is never printed
    with TestClient(app, follow_redirects=False) as client:
        assert app.state.live.ready.wait(30)
        for url in ("/", "/api/cassettes", "/cassettes/chat.yaml", "/healthz", "/usage.csv"):
            denied = client.get(url)
            assert denied.status_code == 401, url
            assert denied.json() == {"detail": "authentication required"}
            assert denied.headers["x-content-type-options"] == "nosniff"
            assert hostile.GOOD_REPLY not in denied.text
        assert client.get("/", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/", params={"token": TOKEN[:-1]}).status_code == 401
        ok = client.get("/api/cassettes", headers={"authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
        assert ok.json()["total"] == 1
        first = client.get("/cassettes/chat.yaml", params={"token": TOKEN, "v": "1"})
        assert first.status_code == 303
        assert first.headers["location"] == "/cassettes/chat.yaml?v=1"  # token out of the URL
        cookie = first.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=strict" in cookie
        assert client.get("/cassettes/chat.yaml").status_code == 200  # the cookie now carries it


def test_cli_flag_on_a_real_socket(tmp_path: Path, root: Path) -> None:
    """The whole command in a process of its own, bound to every interface, with --auth-token."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "TAPEDECK_AUTH_TOKEN"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "serve",
            str(root),
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
            "--index",
            str(tmp_path / "i.sqlite3"),
            "--no-watch",
            "--auth-token",
            TOKEN,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                denied = httpx.get(f"{url}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, "serve exited"
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        assert denied.status_code == 401
        allowed = httpx.get(f"{url}/healthz", headers={"authorization": f"Bearer {TOKEN}"})
        assert allowed.status_code == 200
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert "warning: listening on 0.0.0.0" in err
    assert TOKEN not in out + err


def test_token_redirect_stays_on_this_server(tmp_path: Path, root: Path) -> None:
    """Regression: `GET //evil.example/x?token=...` redirected to `//evil.example/x` (off-site)."""
    app = create_app(
        Settings(roots=[root], index_path=tmp_path / "i.sqlite3", watch=False, auth_token=TOKEN)
    )
    with running(app) as url:
        host = urlsplit(url)
        for target in ("//evil.example/x", "///evil.example", "/\\evil.example/"):
            conn = http.client.HTTPConnection(host.hostname or "", host.port, timeout=10)
            conn.request("GET", f"{target}?token={TOKEN}")
            response = conn.getresponse()
            response.read()
            conn.close()
            assert response.status == 303
            location = response.getheader("location") or ""
            assert location.startswith("/")
            assert not location.startswith("//"), location
            assert urlsplit(location).netloc == ""
