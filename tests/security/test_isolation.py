"""Isolation: one odd interaction, name or neighbour costs only itself.

Inputs are generated (tests/security/hostile.py); servers are real sockets on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
from pathlib import Path
from urllib.parse import quote, urlsplit

from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.index import Index, schema
from app.index.extract import extract_file
from app.index.scan import walk
from app.loader import load_bytes
from app.web import Settings, create_app
from app.web.urls import cassette_url, interaction_url
from tests.review.helpers import commit_all, git, init_repo
from tests.security import hostile
from tests.security.conftest import running


def test_an_unparseable_url_costs_only_its_interaction(tmp_path: Path) -> None:
    cassette = load_bytes(hostile.unparseable_url_cassette(), "u.yaml")
    assert cassette.errors == ()
    assert len(cassette.interactions) == 3
    broken = cassette.interactions[1]
    assert broken.error is not None
    assert "cannot be parsed" in broken.error.message
    assert [i.response.parts[0].text for i in cassette.interactions if i.response] == [  # type: ignore[attr-defined]
        "answer 0",
        "answer 1",
        "answer 2",
    ]
    root = tmp_path / "root"
    root.mkdir()
    (root / "u.yaml").write_bytes(hostile.unparseable_url_cassette())
    lint = CliRunner().invoke(main, ["lint", str(root)])
    assert lint.exit_code == 1
    assert "interaction 1: the request URL cannot be parsed" in lint.stdout
    idx = Index(tmp_path / "i.sqlite3", [root], workers=1)
    try:
        assert idx.refresh().interactions == 3
    finally:
        idx.close()


def test_export_beside_a_folder_named_like_its_page(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "b.yaml.html").mkdir(parents=True)
    (root / "b.yaml").write_bytes(hostile.good_cassette("the file"))
    (root / "b.yaml.html" / "c.yaml").write_bytes(hostile.good_cassette("the folder's file"))
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["export", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert "cassettes/b.yaml.html/c.yaml.html" in pages
    assert "cassettes/b.yaml/index.html" in pages
    assert "the file" in (out / "cassettes/b.yaml/index.html").read_text()
    index = (out / "index.html").read_text()
    assert 'href="cassettes/b.yaml/index.html' in index
    assert 'href="cassettes/b.yaml.html/c.yaml.html' in index


def test_awkward_names_are_listed_and_open_on_a_real_server(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    for name in hostile.AWKWARD_NAMES:
        (root / name).write_bytes(hostile.good_cassette(f"inside {name!r}"))
    app = create_app(Settings(roots=[root], index_path=tmp_path / "i.sqlite3", watch=False))
    with running(app) as base:
        parts = urlsplit(base)

        def get(target: str) -> tuple[int, str]:
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
            conn.request("GET", target, headers={"accept": "text/html"})
            response = conn.getresponse()
            body = response.read().decode()
            conn.close()
            return response.status, body

        status, home = get("/")
        assert status == 200
        for name in hostile.AWKWARD_NAMES:
            link = cassette_url(name)
            assert link.replace("&", "&amp;") in home or link in home, name
            for target in (link, interaction_url(name, 0), f"/api/cassettes/{quote(name)}"):
                status, body = get(target)
                assert status == 200, (name, target, body[:200])
                assert "inside" in body


def test_two_servers_on_one_index(tmp_path: Path) -> None:
    """Another server inserts the same file between this one's look-up and its insert (its
    transaction commits just as this one's first write starts): the insert must replace that
    row, not fail with a UNIQUE IntegrityError, and the page must list the file once."""
    root = tmp_path / "root"
    root.mkdir()
    (root / "both.yaml").write_bytes(hostile.good_cassette("seen by two servers"))
    db = tmp_path / "shared.sqlite3"
    this = Index(db, [root], workers=1)
    other = schema.connect(str(db))
    found = next(walk(this.roots))
    schema.insert(
        other, extract_file(found.path, found.abspath, found.size, found.mtime_ns, this.limits)
    )  # its transaction stays open: not committed
    committed = []

    def commit_the_other_at_our_first_write(sql: str) -> None:
        if not committed and sql.lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE")):
            other.commit()
            committed.append(sql)

    this._conn().set_trace_callback(commit_the_other_at_our_first_write)
    try:
        result = this.refresh()
    finally:
        this._conn().set_trace_callback(None)
        other.close()
    assert committed
    assert result.cassettes == 1
    assert result.errors == []
    this.close()
    app = create_app(Settings(roots=[root], index_path=db, watch=False))
    with TestClient(app) as client:
        assert app.state.live.ready.wait(60)
        assert app.state.live.failure is None
        assert client.get("/api/cassettes").json()["total"] == 1


def test_review_never_follows_a_committed_symlink_out_of_the_repository(tmp_path: Path) -> None:
    outside = tmp_path / "private.yaml"
    outside.write_bytes(hostile.good_cassette("PRIVATE-CONTENT-OUTSIDE"))
    repo = init_repo(tmp_path / "repo")
    (repo / "cassettes").mkdir()
    (repo / "cassettes" / "ok.yaml").write_bytes(hostile.good_cassette("base"))
    commit_all(repo, "base")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "cassettes" / "leak.yaml").symlink_to(outside)
    commit_all(repo, "add a link")
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        results = [
            CliRunner().invoke(main, ["review", base, *fmt]) for fmt in ([], ["--format", "json"])
        ]
    finally:
        os.chdir(cwd)
    for result in results:
        assert "PRIVATE-CONTENT-OUTSIDE" not in result.output
