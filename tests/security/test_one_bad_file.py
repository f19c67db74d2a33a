"""One bad file is one error entry: out-of-range numbers, names that are not UTF-8, deep trees.

Each case sits beside a good cassette and goes through every command and the dashboard; all of
them must keep listing and opening the good one. Inputs come from tests/security/hostile.py.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.web import Settings, create_app
from tests.review.helpers import commit_all, init_repo
from tests.security import hostile


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def every_surface(root: Path, tmp_path: Path, expected: int) -> list[str]:
    """index, lint, export and the dashboard each see `expected` cassettes; returns their paths."""
    code, out = cli("index", str(root), "--index", str(tmp_path / "i.sqlite3"), "--json")
    listed = json.loads(out)
    assert listed["cassettes"] == expected, out
    assert code == (1 if listed["errors"] else 0)
    code, out = cli("lint", str(root), "--format", "json")
    assert "findings" in json.loads(out)
    code, out = cli("export", str(root), "--out", str(tmp_path / "site"))
    assert code in (0, 1)
    assert f"{expected} cassettes" in out, out
    app = create_app(Settings(roots=[root], index_path=tmp_path / "web.sqlite3", watch=False))
    with TestClient(app) as client:
        assert app.state.live.ready.wait(60)
        assert app.state.live.failure is None
        items = client.get("/api/cassettes", params={"limit": 100}).json()["cassettes"]
        paths = [c["path"] for c in items]
        assert len(paths) == expected
        assert "Indexing failed" not in client.get("/").text
        for path in paths:
            for url in (f"/cassettes/{quote(path)}", f"/api/cassettes/{quote(path)}"):
                assert client.get(url).status_code == 200, (url, path)
        for url in ("/usage", "/usage.csv", "/errors", "/api/usage?group_by=model"):
            assert client.get(url).status_code == 200, url
    return paths


def test_integers_past_64_bits_cost_nothing(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "good.yaml").write_bytes(hostile.good_cassette())
    files = hostile.out_of_range_numbers()
    for name, data in files.items():
        (root / name).write_bytes(data)
    every_surface(root, tmp_path, expected=len(files) + 1)
    for name in files:
        code, out = cli("show", str(root / name), "--json")
        assert code == 0, out
        json.loads(out)
        assert cli("show", str(root / name))[0] == 0


def test_names_that_are_not_utf8_are_listed_opened_and_json_safe(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "good.yaml").write_bytes(hostile.good_cassette())
    written = hostile.write_non_utf8_names(root)
    paths = every_surface(root, tmp_path, expected=len(written) + 1)
    assert len(set(paths)) == len(paths), "two names look alike once replaced, yet differ"
    assert all("\ufffd" in p for p in paths if p != "good.yaml")
    for path in written:
        code, out = cli("show", str(path), "--json")
        assert code == 0
        assert "a name that is not UTF-8" in out


def test_review_json_with_names_that_are_not_utf8(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "cassettes").mkdir()
    (repo / "cassettes" / "good.yaml").write_bytes(hostile.good_cassette())
    commit_all(repo, "first")
    hostile.write_non_utf8_names(repo / "cassettes")
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        _code, out = cli("review", "HEAD", "--format", "json")
    finally:
        os.chdir(cwd)
    document = json.loads(out)
    assert "\ufffd" in json.dumps(document, ensure_ascii=False)


def test_a_tree_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    """The recursion limit is lowered below the tree's depth instead of making a tree 1,000 deep:
    the same proof that nothing recurses per folder, and pytest (whose clean-up of old temporary
    folders does recurse) can still remove the tree."""
    root = tmp_path / "root"
    root.mkdir()
    (root / "good.yaml").write_bytes(hostile.good_cassette())
    depth = 400
    hostile.write_deep_tree(root, depth)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth - 50)
    try:
        paths = every_surface(root, tmp_path, expected=2)
    finally:
        sys.setrecursionlimit(limit)
    assert any(p.endswith("/d/deep.yaml") and p.count("/") == depth for p in paths)


def test_failure_banner_clears_once_a_refresh_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.index import Index

    root = tmp_path / "root"
    root.mkdir()
    (root / "good.yaml").write_bytes(hostile.good_cassette())
    real = Index._refresh
    calls = {"n": 0}

    def first_fails(self: Index, progress: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return real(self, progress)  # type: ignore[arg-type]

    monkeypatch.setattr(Index, "_refresh", first_fails)
    app = create_app(Settings(roots=[root], index_path=tmp_path / "web.sqlite3", watch=True))
    with TestClient(app) as client:
        assert app.state.live.ready.wait(60)
        assert "Indexing failed" in client.get("/").text
        (root / "second.yaml").write_bytes(hostile.good_cassette("second"))
        deadline = time.monotonic() + 30
        while "Indexing failed" in client.get("/").text:
            assert time.monotonic() < deadline, "the banner stayed after a good refresh"
            time.sleep(0.1)
        assert client.get("/api/cassettes").json()["total"] == 2
