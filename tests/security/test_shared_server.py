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
        main,
        ["serve", *args, "--index", str(tmp_path / "i.sqlite3"), "--no-watch", "--workers", "1"],
        env=env,
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
    with TestClient(app, base_url="http://127.0.0.1:8000", follow_redirects=False) as client:
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
        assert cookie.startswith("tapedeck_token_8000=")  # one name per port
        assert TOKEN.lower() not in cookie  # a derived value, never the token
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


def raw_get(base: str, target: str, host: str, accept: str = "*/*", cookie: str = "") -> Any:
    """One request with exactly the Host header given, as a rebinding page's browser sends it."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host)
    conn.putheader("Accept", accept)
    if cookie:
        conn.putheader("Cookie", cookie)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, response.getheader("content-type") or "", body, response


def served_app(root: Path, tmp_path: Path, args: list[str], env: dict[str, str]) -> FastAPI:
    """The app exactly as `tapedeck serve ARGS` builds it (its server is not started)."""
    started: dict[str, Any] = {}
    serve = importlib.import_module("app.cli.serve")
    mp = pytest.MonkeyPatch()
    mp.setattr(serve, "open_socket", lambda host, port: serve_open("127.0.0.1", 0))
    mp.setattr(serve, "run_server", lambda app, sock: started.update(app=app))
    try:
        result = CliRunner().invoke(
            main,
            [
                "serve",
                str(root),
                "--index",
                str(tmp_path / "h.sqlite3"),
                "--no-watch",
                "--workers",
                "1",
                *args,
            ],
            env=env,
        )
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    app: FastAPI = started["app"]
    return app


def test_dns_rebinding_only_own_host_names_are_answered(tmp_path: Path, root: Path) -> None:
    app = served_app(root, tmp_path, ["--allow-host", "deck.example.internal"], {})
    with running(app) as url:
        port = urlsplit(url).port
        for host in (
            "localhost",
            f"localhost:{port}",
            "127.0.0.1",
            f"127.0.0.1:{port}",
            "[::1]",
            f"[::1]:{port}",
            "LOCALHOST.",
            "deck.example.internal:80",
        ):
            status, _, body, _ = raw_get(url, "/api/cassettes", host)
            assert status == 200, host
            assert "chat.yaml" in body
        for host in (
            "attacker.example",
            f"attacker.example:{port}",
            "127.0.0.1.nip.io",
            "localhost.attacker.example",
            "",
            "[::2]",
            "0.0.0.0",
        ):
            for target in ("/", "/api/cassettes", "/cassettes/chat.yaml", "/healthz"):
                status, kind, body, response = raw_get(url, target, host)
                assert status == 400, (host, target)
                assert kind.startswith("application/json")
                assert "chat.yaml" not in body
                assert hostile.GOOD_REPLY not in body
                assert response.getheader("x-content-type-options") == "nosniff"
            status, kind, body, _ = raw_get(url, "/", "attacker.example", accept="text/html")
            assert status == 400
            assert kind.startswith("text/html")
            assert "Unknown host" in body
            assert "--allow-host" in body


def test_the_bound_host_is_answered(tmp_path: Path, root: Path) -> None:
    app = served_app(root, tmp_path, ["--host", "192.0.2.7"], {})
    with TestClient(app, base_url="http://192.0.2.7:8000") as client:
        assert app.state.live.ready.wait(30)
        assert client.get("/api/cassettes").status_code == 200
    with TestClient(app, base_url="http://other.example:8000") as client:
        assert client.get("/api/cassettes").status_code == 400


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--auth-token", ""], {}),
        (["--auth-token", "   "], {}),
        ([], {"TAPEDECK_AUTH_TOKEN": ""}),
    ],
)
def test_an_empty_token_is_a_usage_error(
    tmp_path: Path, root: Path, args: list[str], env: dict[str, str]
) -> None:
    result = CliRunner().invoke(
        main,
        ["serve", str(root), "--index", str(tmp_path / "e.sqlite3"), "--no-watch", *args],
        env=env,
    )
    assert result.exit_code == 2, result.output
    assert "empty" in result.output


def test_the_cookie_is_derived_scoped_and_per_port(tmp_path: Path, root: Path) -> None:
    app = served_app(root, tmp_path, [], {"TAPEDECK_AUTH_TOKEN": TOKEN})
    with running(app) as url:
        port = urlsplit(url).port
        status, _, _, response = raw_get(url, f"/?token={TOKEN}", f"127.0.0.1:{port}")
        assert status == 303
        set_cookie = response.getheader("set-cookie") or ""
        name, _, rest = set_cookie.partition("=")
        value = rest.split(";", 1)[0]
        assert name == f"tapedeck_token_{port}"
        assert TOKEN not in set_cookie
        assert "httponly" in set_cookie.lower()
        assert "samesite=strict" in set_cookie.lower()
        ok = raw_get(url, "/api/cassettes", f"127.0.0.1:{port}", cookie=f"{name}={value}")
        assert ok[0] == 200
        # The raw token as a cookie, or our cookie under another port's name, opens nothing.
        for cookie in (f"{name}={TOKEN}", f"tapedeck_token_1={value}", f"tapedeck_token={TOKEN}"):
            assert raw_get(url, "/api/cassettes", f"127.0.0.1:{port}", cookie=cookie)[0] == 401
