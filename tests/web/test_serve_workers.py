"""`tapedeck serve --workers 2`: several processes answer one port, and nothing a single
process does is lost (auth, live-reload notices, the index status, a clean stop)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.samples import write_tree

REPO = Path(__file__).resolve().parents[2]
TOKEN = "workers-token-0123"
AUTH = {"authorization": f"Bearer {TOKEN}"}
WAIT = 90  # seconds; generous for a shared machine, every wait ends as soon as its condition holds


def wait_for(what: str, check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    root = tmp_path / "cassettes"
    write_tree(root, hostile_name=False)
    env = {k: v for k, v in os.environ.items() if k != "TAPEDECK_AUTH_TOKEN"}
    cmd = [sys.executable, "-m", "app", "serve", str(root), "--port", "0", "--workers", "2"]
    cmd += ["--index", str(tmp_path / "i.sqlite3"), "--auth-token", TOKEN]
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # blocks until serve prints, or exits
        found = re.match(r"Tapedeck on (http://127\.0\.0\.1:(\d+))/", first)
        assert found, (first, proc.poll())
        assert found[2] != "0"
        yield found[1], root, proc
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


def health(base: str) -> dict[str, int]:
    body: dict[str, int] = httpx.get(base + "/healthz", headers=AUTH, timeout=30).json()
    return body


def test_two_workers_answer_with_auth_and_both_see_a_file_change(
    served: tuple[str, Path, subprocess.Popen[str]],
) -> None:
    base, root, proc = served
    for _ in range(6):  # new connections, so more than one worker is asked
        assert httpx.get(base + "/healthz", timeout=30).status_code == 401
        evil = httpx.get(base + "/", headers={**AUTH, "host": "evil.example"}, timeout=30)
        assert evil.status_code == 400

    seen: dict[int, int] = {}  # worker pid -> generation it reported

    def both_report(done: Callable[[int], bool]) -> Callable[[], bool]:
        def check() -> bool:
            body = health(base)  # a new connection each time: the kernel picks the worker
            if done(body["generation"]) and body["cassettes"] == 6:
                seen[body["pid"]] = body["generation"]
            return len(seen) >= 2

        return check

    wait_for("both workers to show the first index", both_report(lambda g: g >= 1))
    assert proc.pid not in seen  # pages come from the workers, not the indexing process
    before = max(seen.values())
    page = httpx.get(base + "/", headers=AUTH, timeout=30)
    assert page.status_code == 200
    assert "weather" in page.text

    target = root / "agents" / "weather.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    seen.clear()
    wait_for("both workers to see the change", both_report(lambda g: g > before))
    status = httpx.get(
        base + "/status", params={"gen": before}, headers={**AUTH, "accept": "application/json"}
    ).json()
    assert status["changed"] is True
    assert "changed on disk" in status["message"]


def test_stopping_serve_stops_every_worker(
    served: tuple[str, Path, subprocess.Popen[str]],
) -> None:
    base, _, proc = served
    pids: set[int] = set()
    wait_for("two workers", lambda: pids.add(health(base)["pid"]) or len(pids) >= 2)
    proc.terminate()
    assert proc.wait(timeout=60) == 0
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_shared_status_carries_progress_failure_and_a_rebuild_request() -> None:
    from app.index import IndexStatus
    from app.web.workers import SharedStatus

    shared = SharedStatus()
    shared.publish(IndexStatus(True, 120, 10_000, 3, first=True), ready=False, failure=None)
    snap = shared.read()
    assert snap.status == IndexStatus(True, 120, 10_000, 3, first=True)
    assert (snap.ready, snap.failure) == (False, None)
    shared.request_rebuild()
    shared.publish(IndexStatus(False, 5, 5, 4, first=False), ready=True, failure="OSError: gone é")
    assert shared.read().failure == "OSError: gone é"
    assert shared.read().status.generation == 4
    assert shared.take_rebuild_request()  # publishing did not drop the worker's request
    assert not shared.take_rebuild_request()
    shared.publish(IndexStatus(False, 5, 5, 4, first=False), ready=True, failure="")
    assert shared.read().failure == ""
