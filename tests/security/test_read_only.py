"""Tapedeck never writes under a root: every command, the index and a busy server leave it as is.

The roots are the bundled `cassettes/` tree and a temporary tree with good, hostile and special
entries; both are fingerprinted (names, sizes, mtimes, SHA-256) before and after.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.index import Filters, Index
from app.web import Settings, create_app
from tests.conftest import REPO
from tests.security import hostile

BUNDLED = REPO / "cassettes"


def fingerprint(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every entry under `root` (links not followed) -> (size, mtime_ns, content hash or target)."""
    out: dict[str, tuple[int, int, str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            digest = ""
            if stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(st.st_mode):
                digest = os.readlink(path)
            key = path.relative_to(root).as_posix()
            out[key] = (st.st_size if not stat.S_ISDIR(st.st_mode) else 0, st.st_mtime_ns, digest)
    return out


def scratch_root(base: Path) -> Path:
    root = base / "root"
    (root / "sub").mkdir(parents=True)
    (root / "good.yaml").write_bytes(hostile.good_cassette())
    (root / "sub" / "other.yaml").write_bytes(hostile.good_cassette("another reply"))
    (root / "bomb.yaml").write_bytes(hostile.alias_bomb())
    (root / "deep.json").write_bytes(hostile.deep_json(5_000))
    (root / "link.yaml").symlink_to(root / "good.yaml")
    os.mkfifo(root / "pipe.yaml")
    return root


def test_nothing_under_any_root_changes(tmp_path: Path) -> None:
    root = scratch_root(tmp_path)
    roots = [root, BUNDLED]
    before = {str(r): fingerprint(r) for r in roots}
    assert before[str(BUNDLED)], "the bundled cassettes are missing"
    runner = CliRunner()
    cassettes = [*sorted(str(p) for p in BUNDLED.rglob("*.yaml"))[:6], str(root / "good.yaml")]
    for args in (
        ["index", str(root), str(BUNDLED), "--index", str(tmp_path / "cli.sqlite3")],
        ["index", str(root), str(BUNDLED), "--index", str(tmp_path / "cli.sqlite3"), "--json"],
        ["lint", str(root), str(BUNDLED)],
        ["diff", cassettes[0], cassettes[1]],
        *(["show", c, "--json"] for c in cassettes),
        *(["show", c] for c in cassettes),
    ):
        result = runner.invoke(main, args)
        assert result.exit_code in (0, 1), (args, result.output[-300:])
    index = Index(tmp_path / "direct.sqlite3", roots, workers=1)
    try:
        index.refresh()
        paths = [s.path for s in index.list_cassettes(Filters(), limit=1000)[0]]
        for path in paths:
            index.cassette(path)
    finally:
        index.close()
    app = create_app(Settings(roots=roots, index_path=tmp_path / "web.sqlite3", watch=True))
    with TestClient(app) as client:
        assert app.state.live.ready.wait(60)
        served = 0
        for url in ("/", "/usage", "/errors", "/search?q=reply", "/api/cassettes?limit=1000"):
            assert client.get(url).status_code == 200
        # The 20,000-chunk stream is left out: it only makes the test slow, not stricter.
        sample = [p for p in paths if "long-stream" not in p][:12]
        for path in sample:
            for url in (
                f"/cassettes/{path}",
                f"/api/cassettes/{path}",
                f"/cassettes/{path}/interactions/0",
            ):
                assert client.get(url).status_code in (200, 404)
                served += 1
    assert served > 30
    after = {str(r): fingerprint(r) for r in roots}
    assert after == before
