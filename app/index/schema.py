"""The SQLite layout of the index and how rows get in and out of it.

One row per cassette carries everything the browser list needs (so listing never touches the
interactions table); one row per interaction feeds filters and charts; `tags` answers facet
and filter queries from an index; `fts` is the full-text table. The file is a cache: when its
schema version differs it is rebuilt rather than migrated.
"""

from __future__ import annotations

import sqlite3

from app.index.extract import TOKEN_FIELDS, Extracted

SCHEMA_VERSION = 4

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
  cost_usd REAL, cost_source TEXT, n_chunks INTEGER,
  PRIMARY KEY(cassette_id, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tags(
  cassette_id INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY(kind, value, cassette_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_cassette ON tags(cassette_id);
CREATE TABLE IF NOT EXISTS docs(
  rowid INTEGER PRIMARY KEY, cassette_id INTEGER NOT NULL,
  interaction INTEGER, message INTEGER, role TEXT
);
CREATE INDEX IF NOT EXISTS docs_cassette ON docs(cassette_id);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(text, tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
"""

_INTERACTION_COLS = (
    "cassette_id, idx, method, url, status, api, provider, model, streaming, duration_ms, "
    "finish_reason, error_type, error_message, "
    f"{', '.join(TOKEN_FIELDS)}, cost_usd, cost_source, n_chunks"
)
_INTERACTION_SQL = (
    f"INSERT INTO interactions({_INTERACTION_COLS}) "
    f"VALUES ({', '.join('?' * len(_INTERACTION_COLS.split(',')))})"
)


def connect(path: str, *, readonly: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
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
        for table in ("cassettes", "interactions", "tags", "docs", "fts", "meta"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.executescript(DDL)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    conn.commit()


def delete_cassette(conn: sqlite3.Connection, cassette_id: int) -> None:
    conn.execute(
        "DELETE FROM fts WHERE rowid IN (SELECT rowid FROM docs WHERE cassette_id=?)",
        (cassette_id,),
    )
    for table in ("docs", "tags", "interactions"):
        conn.execute(f"DELETE FROM {table} WHERE cassette_id=?", (cassette_id,))
    conn.execute("DELETE FROM cassettes WHERE id=?", (cassette_id,))


def folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def insert(conn: sqlite3.Connection, ex: Extracted) -> int:
    row = conn.execute("SELECT id FROM cassettes WHERE path=?", (ex.path,)).fetchone()
    if row is not None:
        delete_cassette(conn, row[0])
    c = ex.cassette
    cols = ["path", "abspath", "folder", "size", "mtime_ns", *c.keys()]
    values = [ex.path, ex.abspath, folder_of(ex.path), ex.size, ex.mtime_ns, *c.values()]
    cur = conn.execute(
        f"INSERT INTO cassettes({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        values,
    )
    cid = cur.lastrowid
    assert cid is not None
    conn.executemany(_INTERACTION_SQL, [(cid, *r) for r in ex.interactions])
    conn.executemany(
        "INSERT OR IGNORE INTO tags(cassette_id, kind, value) VALUES (?, ?, ?)",
        [(cid, k, v) for k, v in ex.tags],
    )
    for interaction, message, role, text in ex.docs:
        cur = conn.execute(
            "INSERT INTO docs(cassette_id, interaction, message, role) VALUES (?, ?, ?, ?)",
            (cid, interaction, message, role),
        )
        conn.execute("INSERT INTO fts(rowid, text) VALUES (?, ?)", (cur.lastrowid, text))
    return cid
