"""The tree itself as an attacker: links out of the root, loops, FIFOs, sockets, files in flux."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.index import Filters, Index
from app.loader import load_cassette
from tests.security import hostile
from tests.security.conftest import bounded

SECRET_TEXT = "outside-the-root-secret"


@pytest.fixture
def tree(tmp_path: Path) -> Iterator[Path]:
    """A root with one good cassette and every kind of special entry next to it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "stolen.yaml").write_bytes(hostile.good_cassette(SECRET_TEXT))
    root = tmp_path / "root"
    root.mkdir()
    (root / "good.yaml").write_bytes(hostile.good_cassette())
    (root / "escape.yaml").symlink_to(outside / "stolen.yaml")
    (root / "escape-dir").symlink_to(outside, target_is_directory=True)
    (root / "abs.yaml").symlink_to("/etc/passwd")
    (root / "loop-a.yaml").symlink_to(root / "loop-b.yaml")
    (root / "loop-b.yaml").symlink_to(root / "loop-a.yaml")
    (root / "self-dir").symlink_to(root, target_is_directory=True)
    (root / "dangling.yaml").symlink_to(root / "missing.yaml")
    os.mkfifo(root / "pipe.yaml")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(root / "sock.yaml"))
    try:
        yield root
    finally:
        sock.close()


EXPECTED_ERRORS = {
    "escape.yaml": "outside the root",
    "escape-dir": "outside the root",
    "abs.yaml": "outside the root",
    "loop-a.yaml": "symlink loop",
    "loop-b.yaml": "symlink loop",
    "dangling.yaml": "its target does not exist",
    "pipe.yaml": "not a regular file",
    "sock.yaml": "not a regular file",
}


def test_index_reads_nothing_outside_and_never_hangs(tree: Path, tmp_path: Path) -> None:
    idx = Index(tmp_path / "index.sqlite3", [tree], workers=1)
    try:
        result = bounded(idx.refresh, seconds=20, max_mb=128)
        errors = {e.path: e.error for e in result.errors}
        for path, reason in EXPECTED_ERRORS.items():
            assert reason in errors.get(path, ""), (path, errors)
        listed, _ = idx.list_cassettes(Filters(), limit=100)
        readable = {s.path for s in listed if not s.errors}
        assert readable == {"good.yaml"}  # self-dir did not index good.yaml twice
        escaped = idx.cassette("escape.yaml")
        assert escaped is not None
        assert escaped.interactions == ()
        hits, _ = idx.search(SECRET_TEXT)
        assert hits == []
    finally:
        idx.close()


def test_cli_index_lists_each_special_entry_once(tree: Path, tmp_path: Path) -> None:
    args = ["index", str(tree), "--index", str(tmp_path / "i.sqlite3")]
    result = bounded(lambda: CliRunner().invoke(main, args), seconds=20, max_mb=128)
    assert result.exit_code == 1
    named = sorted(line.split(":", 1)[0] for line in result.stderr.splitlines())
    assert named == sorted(EXPECTED_ERRORS)
    assert SECRET_TEXT not in result.output


@pytest.mark.parametrize("name", ["pipe.yaml", "sock.yaml", "loop-a.yaml"])
def test_show_on_a_special_file_fails_fast(tree: Path, name: str) -> None:
    result = bounded(
        lambda: CliRunner().invoke(main, ["show", str(tree / name)]), seconds=5, max_mb=32
    )
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root reads a chmod 000 file anyway (CI runs as root)"
)
def test_permission_denied_is_a_per_file_error(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "good.yaml").write_bytes(hostile.good_cassette())
    locked = root / "locked.yaml"
    locked.write_bytes(hostile.good_cassette())
    locked.chmod(0)
    try:
        cassette = load_cassette(locked, "locked.yaml")
        assert "permission denied" in cassette.errors[0].message
        idx = Index(tmp_path / "i.sqlite3", [root], workers=1)
        try:
            errors = {e.path: e.error for e in idx.refresh().errors}
            assert "permission denied" in errors["locked.yaml"]
            assert idx.counts() == (2, 1)
        finally:
            idx.close()
    finally:
        locked.chmod(0o600)


def test_file_vanishing_after_indexing_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    path = root / "gone.yaml"
    path.write_bytes(hostile.good_cassette())
    idx = Index(tmp_path / "i.sqlite3", [root], workers=1)
    try:
        idx.refresh()
        path.unlink()
        cassette = idx.cassette("gone.yaml")
        assert cassette is not None
        assert "vanished" in cassette.errors[0].message
        path.write_bytes(hostile.truncated(hostile.good_cassette()))
        cassette = idx.cassette("gone.yaml")
        assert cassette is not None
        assert cassette.errors
        assert "invalid YAML" in cassette.errors[0].message
    finally:
        idx.close()


def test_files_rewritten_truncated_and_deleted_during_refresh(tmp_path: Path) -> None:
    """A writer churns half the files while the index refreshes again and again."""
    root = tmp_path / "root"
    root.mkdir()
    stable = [root / f"stable-{i}.yaml" for i in range(5)]
    churned = [root / f"churn-{i}.yaml" for i in range(5)]
    for p in stable + churned:
        p.write_bytes(hostile.good_cassette())
    stop = threading.Event()

    def churn() -> None:
        n = 0
        while not stop.is_set():
            p = churned[n % len(churned)]
            step = n % 4
            if step == 0:
                p.write_bytes(hostile.truncated(hostile.good_cassette(), 0.3))
            elif step == 1:
                p.unlink(missing_ok=True)
            elif step == 2:
                p.write_bytes(hostile.good_cassette(f"version {n}"))
            else:
                with p.open("ab") as fh:
                    fh.write(b"\x00\xff")
            n += 1

    writer = threading.Thread(target=churn, daemon=True)
    idx = Index(tmp_path / "i.sqlite3", [root], workers=1)
    try:
        writer.start()
        for _ in range(15):
            bounded(idx.refresh, seconds=20, max_mb=128)
            for p in stable:
                summary = idx.summary(p.name)
                assert summary is not None
                assert summary.interactions == 1
                assert not summary.errors
    finally:
        stop.set()
        writer.join(5)
    try:
        for p in churned:
            p.write_bytes(hostile.good_cassette(f"final {p.name}"))
        idx.refresh()
        listed, total = idx.list_cassettes(Filters(), limit=100)
        assert total == 10
        assert all(s.interactions == 1 and not s.errors for s in listed)
        final = idx.cassette("churn-3.yaml")
        assert final is not None
        assert final.interactions[0].response is not None
        assert final.interactions[0].response.text == "final churn-3.yaml"
    finally:
        idx.close()
