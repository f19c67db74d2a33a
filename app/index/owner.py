"""Whether the file at `--index PATH` is one Tapedeck may write, rebuild or delete.

The index is a cache, so a damaged one is thrown away and built again. That is only safe for a
file Tapedeck made: `--index ~/notes.db` must never cost another program its database. A
Tapedeck index says so twice: `PRAGMA application_id` in the SQLite header (survives damage to
the pages) and a small sidecar file `PATH.tapedeck` holding the index file's inode (survives
damage to the header). Indexes from before the marker are recognised by their tables.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

# "TAPD" as a big-endian 32-bit integer, at byte 68 of the SQLite header.
APPLICATION_ID = 0x54415044
SQLITE_MAGIC = b"SQLite format 3\x00"
_APP_ID_OFFSET = 68
# Tables of a Tapedeck index (fts5 adds its shadow tables), for indexes made before the marker.
_OUR_TABLES = frozenset(
    {"cassettes", "interactions", "tags", "docs", "fts", "meta", "forms"}
    | {f"fts_{s}" for s in ("data", "idx", "content", "docsize", "config")}
)


class NotAnIndexError(ValueError):
    """The path holds a file Tapedeck did not make; it is left exactly as it is."""


def sidecar(path: Path) -> Path:
    return Path(f"{path}.tapedeck")


def claim(path: Path) -> None:
    """Record that the file now at `path` is ours (called right after creating it)."""
    try:
        inode = os.stat(path).st_ino
    except OSError:
        return
    sidecar(path).write_text(f"{inode}\n", encoding="ascii")


def check(path: Path) -> None:
    """Raise NotAnIndexError unless `path` is absent, empty, or a Tapedeck index (even a damaged
    one). Reads at most the SQLite header and, for a marker-less SQLite file, its table names."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    if not os.path.isfile(path):
        raise NotAnIndexError(f"--index {path} is not a regular file")
    if st.st_size == 0 or _claimed(path, st.st_ino):
        return
    with open(path, "rb") as f:
        header = f.read(100)
    if header.startswith(SQLITE_MAGIC) and len(header) >= _APP_ID_OFFSET + 4:
        app_id = int.from_bytes(header[_APP_ID_OFFSET : _APP_ID_OFFSET + 4], "big")
        if app_id == APPLICATION_ID:
            return
        if app_id == 0 and _made_before_the_marker(path):
            return
    raise NotAnIndexError(
        f"--index {path} is an existing file that is not a Tapedeck index; Tapedeck will not "
        "overwrite it. Name a new file, or one Tapedeck created."
    )


def _claimed(path: Path, inode: int) -> bool:
    try:
        return sidecar(path).read_text(encoding="ascii").strip() == str(inode)
    except (OSError, UnicodeDecodeError):
        return False


def _made_before_the_marker(path: Path) -> bool:
    """An empty SQLite file, or an index from before the marker: a `cassettes` table, an old
    schema version, and no table a Tapedeck index does not have."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    if not names:
        return True
    indexes = {
        n for n in names if n.startswith(("sqlite_autoindex", "cassettes_", "tags_", "docs_"))
    }
    return "cassettes" in names and version in (1, 2, 3) and names - indexes <= _OUR_TABLES
