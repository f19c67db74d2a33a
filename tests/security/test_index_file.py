"""`--index FILE` never costs another program its file, and a damaged index never means a 500.

Foreign files are generated here: a text file, random bytes, and another program's SQLite
database with a table of its own.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.index import Filters, Index, schema
from app.web import Settings, create_app
from tests.security import hostile


def other_programs_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes(body) VALUES ('my only copy')")
    conn.commit()
    conn.close()


def other_program_with_a_cassettes_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cassettes(id INTEGER PRIMARY KEY, label TEXT)")
    conn.execute("CREATE TABLE shelves(id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()


FOREIGN: dict[str, Callable[[Path], None]] = {
    "text": lambda p: p.write_text("notes I keep here\n"),
    "random": lambda p: p.write_bytes(hostile.binary_noise(8192, seed=3)),
    "sqlite": other_programs_db,
    "sqlite-lookalike": other_program_with_a_cassettes_table,
}


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()
    }


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "root"
    path.mkdir()
    for i in range(5):
        (path / f"c{i}.yaml").write_bytes(hostile.good_cassette(f"reply {i}"))
    return path


@pytest.mark.parametrize("kind", sorted(FOREIGN))
@pytest.mark.parametrize("command", ["index", "serve"])
def test_a_file_tapedeck_did_not_make_is_refused_untouched(
    tmp_path: Path, root: Path, kind: str, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve = importlib.import_module("app.cli.serve")
    monkeypatch.setattr(serve, "run_server", lambda app, sock: None)
    home = tmp_path / "home"
    home.mkdir()
    target = home / "data.db"
    FOREIGN[kind](target)
    before = fingerprint(home)
    result = CliRunner().invoke(
        main,
        [command, str(root), "--index", str(target), "--no-watch", "--port", "0"]
        if command == "serve"
        else [command, str(root), "--index", str(target)],
    )
    assert result.exit_code == 2, result.output
    assert "not a Tapedeck index" in result.output
    assert fingerprint(home) == before  # same files, same bytes, no -wal or sidecar beside it


def test_own_index_and_old_indexes_are_reused(tmp_path: Path, root: Path) -> None:
    db = tmp_path / "i.sqlite3"
    for _ in range(2):
        idx = Index(db, [root], workers=1)
        assert idx.refresh().cassettes == 5
        idx.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x54415044
    assert ("application", "tapedeck") in conn.execute("SELECT key, value FROM meta").fetchall()
    # An index written before the marker existed: no application id, no sidecar.
    conn.execute("PRAGMA application_id=0")
    conn.execute("PRAGMA user_version=3")
    conn.commit()
    conn.close()
    Path(f"{db}.tapedeck").unlink()
    idx = Index(db, [root], workers=1)
    assert idx.refresh().cassettes == 5
    idx.close()


@pytest.mark.parametrize("name", ["%2E%2E", "a#b", "q?mode=memory", "%23x", "sp ace"])
def test_the_index_path_is_taken_literally(tmp_path: Path, root: Path, name: str) -> None:
    """`--index DIR/%2E%2E/root/i.sqlite3` once put the file in `DIR/../root`: inside a root."""
    tricky = tmp_path / "out" / name / "root" / "i.sqlite3"
    before = sorted(p.name for p in root.iterdir())
    result = CliRunner().invoke(main, ["index", str(root), "--index", str(tricky)])
    assert result.exit_code == 0, result.output
    assert tricky.is_file()
    assert sorted(p.name for p in root.iterdir()) == before
    assert not (tmp_path / "root" / "i.sqlite3").exists()
    assert not list((tmp_path / "out").glob("*.sqlite3*"))


def test_an_index_inside_a_root_is_refused_through_a_symlink(tmp_path: Path, root: Path) -> None:
    (tmp_path / "link").symlink_to(root)
    result = CliRunner().invoke(
        main, ["index", str(root), "--index", str(tmp_path / "link" / "i.db")]
    )
    assert result.exit_code == 2
    assert "inside the served root" in result.output
    assert not (root / "i.db").exists()


def damage_the_middle(db: Path) -> None:
    """Random bytes over pages in the middle: the header, and so the marker, survive."""
    data = bytearray(db.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, 3 * page):
        data[start : start + page] = hostile.binary_noise(page, seed=start)
    db.write_bytes(bytes(data))


def test_damage_in_the_middle_is_found_on_open_and_rebuilt(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    for i in range(300):
        (root / f"c{i:03}.yaml").write_bytes(hostile.good_cassette(f"reply number {i} " * 20))
    db = tmp_path / "i.sqlite3"
    idx = Index(db, [root], workers=1)
    idx.refresh()
    idx.close()
    damage_the_middle(db)
    conn = schema.connect(str(db))
    assert not schema.quick_check(conn)
    conn.close()
    app = create_app(Settings(roots=[root], index_path=db, watch=False))
    with TestClient(app) as client:
        assert app.state.live.ready.wait(60)
        assert app.state.live.failure is None
        for url in ("/usage", "/usage.csv", "/", "/search?q=number", "/api/cassettes"):
            assert client.get(url).status_code == 200, url
        assert client.get("/api/cassettes").json()["total"] == 300


def test_damage_found_by_a_request_is_a_page_and_a_rebuild(
    tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(Settings(roots=[root], index_path=tmp_path / "i.sqlite3", watch=False))
    real = Index.usage_cube
    calls = {"n": 0}

    def fails_once(self: Index, f: Filters, edges: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return real(self, f, edges)  # type: ignore[arg-type]

    monkeypatch.setattr(Index, "usage_cube", fails_once)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert app.state.live.ready.wait(60)
        page = client.get("/usage", headers={"accept": "text/html"})
        assert page.status_code == 503
        assert "being rebuilt" in page.text
        api = client.get("/api/cassettes", headers={"accept": "application/json"})
        assert api.status_code in (200, 503)
        deadline = time.monotonic() + 30
        while client.get("/api/cassettes").json().get("total") != 5:  # rebuilt and refilled
            assert time.monotonic() < deadline, "never recovered"
            time.sleep(0.1)
        assert client.get("/usage").status_code == 200
    assert os.path.exists(tmp_path / "i.sqlite3")
