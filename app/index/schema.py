"""The SQLite layout of the index and how rows get in and out of it.

One row per cassette carries everything the browser list needs (so listing never touches the
interactions table); one row per interaction feeds filters and charts; `tags` answers facet
and filter queries from an index; `fts` is the full-text table. The file is a cache: when its
schema version differs it is rebuilt rather than migrated.
"""

from __future__ import annotations

import math
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.index.extract import TOKEN_FIELDS, Extracted
from app.index.owner import APPLICATION_ID
from app.index.stored import FORM_VERSION

SCHEMA_VERSION = 5

_TOKENS_DDL = ", ".join(f"{f} INTEGER" for f in TOKEN_FIELDS)

DDL = f"""
CREATE TABLE IF NOT EXISTS cassettes(
  id INTEGER PRIMARY KEY,
  path TEXT UNIQUE NOT NULL,
  abspath TEXT NOT NULL,
  folder TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  version TEXT NOT NULL,
  format TEXT NOT NULL,
  n_interactions INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  streaming INTEGER NOT NULL,
  errors TEXT NOT NULL,
  error_line INTEGER,
  warnings TEXT NOT NULL,
  n_errors INTEGER NOT NULL,
  duration_ms REAL,
  cost_reported REAL,
  cost_estimated REAL,
  unpriced INTEGER NOT NULL,
  {_TOKENS_DDL}
);
CREATE INDEX IF NOT EXISTS cassettes_folder ON cassettes(folder);
CREATE TABLE IF NOT EXISTS interactions(
  cassette_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  method TEXT, url TEXT, status INTEGER, api TEXT, provider TEXT, model TEXT,
  streaming INTEGER, duration_ms REAL, finish_reason TEXT, error_type TEXT, error_message TEXT,
  {_TOKENS_DDL},
  cost_usd REAL, cost_source TEXT, n_chunks INTEGER, thread INTEGER, retry_of INTEGER,
  PRIMARY KEY(cassette_id, idx)
) WITHOUT ROWID;
-- Columns in primary-key order: with another order SQLite 3.40's quick_check reports a
-- false "NULL value in tags.cassette_id" for every row of this WITHOUT ROWID table.
CREATE TABLE IF NOT EXISTS tags(
  kind TEXT NOT NULL, value TEXT NOT NULL, cassette_id INTEGER NOT NULL,
  PRIMARY KEY(kind, value, cassette_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_cassette ON tags(cassette_id);
CREATE TABLE IF NOT EXISTS docs(
  rowid INTEGER PRIMARY KEY, cassette_id INTEGER NOT NULL,
  interaction INTEGER, message INTEGER, role TEXT, thread INTEGER
);
CREATE INDEX IF NOT EXISTS docs_cassette ON docs(cassette_id);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(text, tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
-- The decoded form of a cassette whose decode is costly (app.index.stored); an index file
-- from before it gains the empty table, and its cassettes are decoded from disk as before.
CREATE TABLE IF NOT EXISTS forms(
  cassette_id INTEGER PRIMARY KEY, version INTEGER NOT NULL, data BLOB NOT NULL,
  requests BLOB NOT NULL
);
"""

_INTERACTION_COLS = (
    "cassette_id, idx, method, url, status, api, provider, model, streaming, duration_ms, "
    "finish_reason, error_type, error_message, "
    f"{', '.join(TOKEN_FIELDS)}, cost_usd, cost_source, n_chunks, thread, retry_of"
)
_INTERACTION_SQL = (
    f"INSERT INTO interactions({_INTERACTION_COLS}) "
    f"VALUES ({', '.join('?' * len(_INTERACTION_COLS.split(',')))})"
)


# A recorded integer (status, token count, index) can be any size; SQLite holds 64 bits and
# SUM() fails on overflow. Every recorded integer is clamped here so that even millions of
# clamped rows still add up; no real count comes near 2^40 (about 1.1e12).
INT_BOUND = 2**40


def cell(value: Any) -> Any:
    """One value as SQLite can always store it: the single place hostile values are made safe.

    Integers out of range are clamped, NaN becomes NULL, and text with lone surrogates (a file
    name that is not UTF-8, a JSON body escaping half a pair) gets U+FFFD instead of failing the
    insert of every file in the batch.
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return max(-INT_BOUND, min(INT_BOUND, value))
    if isinstance(value, float):
        return None if math.isnan(value) else max(-1e300, min(1e300, value))
    if isinstance(value, str):
        return safe_text(value)
    return value


def safe_text(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def cells(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(cell(v) for v in values)


def path_cell(abspath: str) -> bytes:
    """File system paths are stored as the bytes the OS gave, so a non-UTF-8 name still opens."""
    return os.fsencode(abspath)


def path_from_cell(stored: str | bytes) -> str:
    return os.fsdecode(stored)


def connect(path: str, *, readonly: bool = False) -> sqlite3.Connection:
    # As a `file:` URI built from the path, so `%2E%2E`, `#` and `?` in a name are taken
    # literally instead of being read by SQLite's URI parser.
    base = Path(path).absolute().as_uri()
    uri = f"{base}?mode=ro" if readonly else base
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA busy_timeout=30000")
    if not readonly:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-32000")
    return conn


def ensure_schema(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version not in (0, SCHEMA_VERSION):
        for table in ("cassettes", "interactions", "tags", "docs", "fts", "meta", "forms"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.executescript(DDL)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    # The marker that says this file is a Tapedeck index (app.index.owner reads it).
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('application', 'tapedeck')")
    conn.commit()


def quick_check(conn: sqlite3.Connection) -> bool:
    """SQLite's own check of every page's structure (not of index contents): damage in the
    middle of the file is otherwise only found by the query that happens to read it."""
    try:
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError:
        return False
    return rows == [("ok",)]


def delete_cassette(conn: sqlite3.Connection, cassette_id: int) -> None:
    conn.execute(
        "DELETE FROM fts WHERE rowid IN (SELECT rowid FROM docs WHERE cassette_id=?)",
        (cassette_id,),
    )
    for table in ("docs", "tags", "interactions", "forms"):
        conn.execute(f"DELETE FROM {table} WHERE cassette_id=?", (cassette_id,))
    conn.execute("DELETE FROM cassettes WHERE id=?", (cassette_id,))


def delete_path(conn: sqlite3.Connection, path: str) -> None:
    ids = "SELECT id FROM cassettes WHERE path=?"
    # A plain table first: its DELETE takes the write lock even when it matches no row.
    conn.execute(f"DELETE FROM tags WHERE cassette_id IN ({ids})", (path,))
    conn.execute(
        f"DELETE FROM fts WHERE rowid IN (SELECT rowid FROM docs WHERE cassette_id IN ({ids}))",
        (path,),
    )
    for table in ("docs", "interactions", "forms"):
        conn.execute(f"DELETE FROM {table} WHERE cassette_id IN ({ids})", (path,))
    conn.execute("DELETE FROM cassettes WHERE path=?", (path,))


def folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def insert(conn: sqlite3.Connection, ex: Extracted) -> int:
    # Delete first, by path: a write as the transaction's first statement takes the write lock
    # before anything is read, so a second server refreshing the same index waits for this one
    # (busy_timeout) instead of racing it to a UNIQUE(path) IntegrityError or a stale snapshot.
    delete_path(conn, cell(ex.path))
    c = ex.cassette
    cols = ["path", "abspath", "folder", "size", "mtime_ns", *c.keys()]
    values = [
        *cells([ex.path]),
        path_cell(ex.abspath),
        cell(folder_of(ex.path)),
        ex.size,  # from the OS, 64-bit already, and compared exactly on every refresh
        ex.mtime_ns,
        *cells(list(c.values())),
    ]
    cur = conn.execute(
        f"INSERT INTO cassettes({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        values,
    )
    cid = cur.lastrowid
    assert cid is not None
    conn.executemany(_INTERACTION_SQL, [cells((cid, *r)) for r in ex.interactions])
    conn.executemany(
        "INSERT OR IGNORE INTO tags(cassette_id, kind, value) VALUES (?, ?, ?)",
        [cells((cid, k, v)) for k, v in ex.tags],
    )
    for interaction, message, role, thread, text in ex.docs:
        cur = conn.execute(
            "INSERT INTO docs(cassette_id, interaction, message, role, thread)"
            " VALUES (?, ?, ?, ?, ?)",
            cells((cid, interaction, message, role, thread)),
        )
        conn.execute("INSERT INTO fts(rowid, text) VALUES (?, ?)", (cur.lastrowid, cell(text)))
    if ex.form is not None:
        conn.execute(
            "INSERT INTO forms(cassette_id, version, data, requests) VALUES (?, ?, ?, ?)",
            (cid, FORM_VERSION, *ex.form),
        )
    return cid


def form(conn: sqlite3.Connection, path: str, part: str) -> tuple[int, int, bytes] | None:
    """(size, mtime_ns, bytes) of the file's row as indexed and of `part` of its stored form
    ("data" or "requests", app.index.stored), when it has a form of this version."""
    column = {"data": "f.data", "requests": "f.requests"}[part]
    row = conn.execute(
        f"SELECT c.size, c.mtime_ns, {column} FROM cassettes c"
        " JOIN forms f ON f.cassette_id = c.id WHERE c.path=? AND f.version=?",
        (path, FORM_VERSION),
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]), bytes(row[2]))
