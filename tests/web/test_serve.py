"""`tapedeck serve`: where it binds, what it prints and when, and the app it runs."""

from __future__ import annotations

import importlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.cli.serve import is_loopback
from tests.web.samples import write_tree

REPO = Path(__file__).resolve().parents[2]
# The module, not the `serve` command that app.cli exports under the same name.
SERVE = importlib.import_module("app.cli.serve")


def index_args(tmp: Path) -> list[str]:
    return ["--index", str(tmp / "i.sqlite3"), "--no-watch"]


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `serve` would have run: the app and the address of the socket it listens on."""
    seen: dict[str, Any] = {}

    def fake_run(app: Any, sock: socket.socket) -> None:
        seen.update(app=app, address=sock.getsockname())

    monkeypatch.setattr(SERVE, "run_server", fake_run)
    return seen


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "cassettes"
    write_tree(path)
    return path


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port some other program is listening on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def test_serve_defaults_to_loopback_on_8000() -> None:
    defaults = {p.name: p.default for p in SERVE.serve.params}
    assert (defaults["host"], defaults["port"]) == ("127.0.0.1", 8000)


def test_serve_listens_before_it_prints_the_url_and_the_index(
    tmp_path: Path, root: Path, captured: dict[str, Any]
) -> None:
    index = tmp_path / "idx.sqlite3"
    result = CliRunner().invoke(
        main,
        ["serve", str(root), "--port", "0", "--index", str(index), "--no-watch", "--workers", "1"],
    )
    assert result.exit_code == 0, result.output
    host, port = captured["address"]
    assert host == "127.0.0.1"
    assert port != 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"Tapedeck on http://127.0.0.1:{port}/"
    assert lines[1] == f"index: {index}"
    assert "read-only" in lines[2]
    assert "sqlite3" in lines[2]
    assert "datasette" in lines[2]
    with TestClient(captured["app"], base_url=f"http://127.0.0.1:{port}") as client:
        assert captured["app"].state.live.ready.wait(30)
        assert client.get("/healthz").json()["cassettes"] == 6


def test_port_0_prints_the_real_port_and_the_page_answers_there(tmp_path: Path, root: Path) -> None:
    """The whole command in a process of its own, as a user starts it."""
    env = {k: v for k, v in os.environ.items() if k != "TAPEDECK_AUTH_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", str(root), "--port", "0", *index_args(tmp_path)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # blocks until serve prints, or exits
        found = re.fullmatch(r"Tapedeck on http://127\.0\.0\.1:(\d+)/\n", first)
        assert found, (first, proc.poll())
        port = int(found[1])
        assert port != 0
        # Printed once listening: the first request may wait for start-up, but is never refused.
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=60)
        assert page.status_code == 200
        assert "Tapedeck" in page.text
        deadline = time.monotonic() + 60
        while httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).json()["cassettes"] != 6:
            assert time.monotonic() < deadline, "the first index never finished"
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_a_port_in_use_is_one_clear_line_and_exit_2(
    tmp_path: Path, root: Path, busy_port: int, captured: dict[str, Any]
) -> None:
    result = CliRunner().invoke(
        main,
        ["serve", str(root), "--port", str(busy_port), "--index", str(tmp_path / "i.sqlite3")],
    )
    assert result.exit_code == 2
    assert result.stdout == ""  # no URL that does not answer
    assert result.stderr == (
        f"tapedeck serve: port {busy_port} on 127.0.0.1 is already in use; "
        "choose another with --port (--port 0 picks a free one)\n"
    )
    assert not captured
    assert not (tmp_path / "i.sqlite3").exists()


def test_an_address_not_of_this_machine_is_exit_2(
    tmp_path: Path, root: Path, captured: dict[str, Any]
) -> None:
    # 192.0.2.0/24 is reserved for documentation: no machine has it, so bind fails at once.
    result = CliRunner().invoke(
        main,
        ["serve", str(root), "--host", "192.0.2.7", "--index", str(tmp_path / "i.sqlite3")],
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("tapedeck serve: cannot listen on 192.0.2.7")
    assert not captured


def test_serve_beyond_loopback_warns_and_takes_a_token_from_env(
    tmp_path: Path, root: Path, captured: dict[str, Any]
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "serve",
            str(root),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--workers",
            "1",
            *index_args(tmp_path),
        ],
        env={"TAPEDECK_AUTH_TOKEN": "tok-123"},
    )
    assert result.exit_code == 0, result.output
    assert "warning: listening on 0.0.0.0" in result.output
    assert captured["address"][0] == "0.0.0.0"
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
