"""Many clients while the tree changes underneath, and restarts on a damaged index file."""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.index import Filters, Index
from app.web import Settings, create_app
from tests.security import hostile
from tests.security.conftest import running

CLIENTS = 32
SECONDS = 8.0
# Each client makes at least this many requests, however slow the machine: the churn goes on
# until they have, so a loaded CI machine tests as much as a quiet one instead of failing.
PER_CLIENT = 6
STABLE = 12


def on_disk(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*.yaml")}


def test_32_clients_while_files_churn(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "churn").mkdir(parents=True)
    for i in range(STABLE):
        (root / f"stable-{i}.yaml").write_bytes(hostile.good_cassette(f"stable reply {i}"))
    app = create_app(Settings(roots=[root], index_path=tmp_path / "i.sqlite3", watch=False))
    stop = threading.Event()
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    finished = threading.Semaphore(0)

    def churn() -> None:
        rng = random.Random(1)
        n = 0
        while not stop.is_set():
            p = root / "churn" / f"c{rng.randrange(20)}.yaml"
            action = rng.randrange(4)
            if action == 0:
                p.unlink(missing_ok=True)
            elif action == 1:
                p.write_bytes(hostile.truncated(hostile.good_cassette(), 0.6))
            else:
                p.write_bytes(hostile.good_cassette(f"churn {n}"))
            n += 1
            if n % 10 == 0:
                app.state.live.index.refresh()
            time.sleep(0.005)

    def client(base: str, seed: int) -> None:
        rng = random.Random(seed)
        made = 0
        with httpx.Client(base_url=base, timeout=30) as http:
            while not stop.is_set() or made < PER_CLIENT:
                made += 1
                if made == PER_CLIENT:
                    finished.release()
                i = rng.randrange(STABLE)
                url = rng.choice(
                    [
                        f"/api/cassettes/stable-{i}.yaml",
                        f"/cassettes/stable-{i}.yaml",
                        f"/cassettes/stable-{i}.yaml/interactions/0",
                        f"/api/cassettes/churn/c{rng.randrange(20)}.yaml",
                        f"/cassettes/churn/c{rng.randrange(20)}.yaml",
                        "/api/cassettes?limit=100",
                        "/",
                        "/api/search?q=reply",
                        "/usage",
                        "/errors",
                        "/healthz",
                    ]
                )
                response = http.get(url)
                with lock:
                    statuses[response.status_code] += 1
                    stable = "stable-" in url
                    if response.status_code >= 500 or (stable and response.status_code != 200):
                        failures.append(f"{url} -> {response.status_code} {response.text[:120]}")
                    elif url.startswith("/api/cassettes?"):
                        listed = {c["path"] for c in response.json()["cassettes"]}
                        lost = {f"stable-{k}.yaml" for k in range(STABLE)} - listed
                        if lost:
                            failures.append(f"list lost {sorted(lost)}")

    with running(app) as base:
        workers = [threading.Thread(target=client, args=(base, s)) for s in range(CLIENTS)]
        writer = threading.Thread(target=churn)
        for t in [writer, *workers]:
            t.start()
        time.sleep(SECONDS)
        for _ in workers:  # the files keep changing until every client made its requests
            assert finished.acquire(timeout=120), "a client could not make its requests"
        stop.set()
        for t in [writer, *workers]:
            t.join(60)
        assert not any(t.is_alive() for t in [writer, *workers])
        app.state.live.index.refresh()
        with httpx.Client(base_url=base) as http:
            listed = http.get("/api/cassettes?limit=1000").json()
    assert failures == [], failures[:5]
    assert sum(statuses.values()) >= CLIENTS * PER_CLIENT, statuses  # the clients were served
    assert {c["path"] for c in listed["cassettes"]} == on_disk(root)


CORRUPTIONS: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda data: data[: len(data) // 2],
    "header-overwritten": lambda data: b"\x00not sqlite" * 16 + data[176:],
    "middle-garbage": lambda data: data[:4096] + os.urandom(len(data) - 8192) + data[-4096:],
    "empty": lambda data: b"",
}


@pytest.mark.parametrize("how", sorted(CORRUPTIONS))
def test_restart_on_a_damaged_index(tmp_path: Path, how: str) -> None:
    root = tmp_path / "root"
    root.mkdir()
    for i in range(40):
        (root / f"c{i}.yaml").write_bytes(hostile.good_cassette(f"reply {i}"))
    db = tmp_path / "i.sqlite3"
    first = Index(db, [root], workers=1)
    first.refresh()
    first.close()
    data = db.read_bytes()
    db.write_bytes(CORRUPTIONS[how](data))
    Path(f"{db}-wal").write_bytes(os.urandom(4096))  # and a torn write-ahead log beside it
    app = create_app(Settings(roots=[root], index_path=db, watch=False))
    with TestClient(app) as client:
        assert app.state.live.ready.wait(30)
        assert app.state.live.failure is None
        health = client.get("/healthz").json()
        assert health["cassettes"] == 40
        assert client.get("/api/cassettes/c7.yaml").status_code == 200
        hits = client.get("/api/search?q=reply").json()["hits"]
        assert hits
    reopened = Index(db, [root], workers=1)
    try:
        assert reopened.list_cassettes(Filters())[1] == 40
    finally:
        reopened.close()
