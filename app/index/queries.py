"""Read-side SQL: filters, listing, facets, search and usage, all answered from the index."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

from app.index.extract import TOKEN_FIELDS
from app.index.types import (
    CassetteSummary,
    FailedCall,
    Filters,
    UsageGroup,
    UsageTotals,
    Warned,
)

TAG_KINDS = ("provider", "model", "api", "tool", "status", "format")
SORTS = {
    "path": "c.path",
    "format": "c.format",
    "interactions": "c.n_interactions",
    "tokens": "COALESCE(c.total_tokens, 0)",
    "cost": "COALESCE(c.cost_reported, 0) + COALESCE(c.cost_estimated, 0)",
    "failed": "c.failed",
    "warnings": "json_array_length(c.warnings) + c.n_errors",
    "mtime": "c.mtime_ns",
}
GROUPS = {
    "model": "COALESCE(i.model, '(none)')",
    "provider": "COALESCE(i.provider, '(none)')",
    "api": "i.api",
    "cassette": "c.path",
    "status": "COALESCE(CAST(i.status AS TEXT), '(none)')",
    "format": "c.format",
    "finish_reason": "COALESCE(i.finish_reason, '(none)')",
}

_WORD = re.compile(r"\w+", re.UNICODE)
# Above this many matching messages, search lists hits in index order instead of ranking them.
RANK_LIMIT = 2000
# Search counts at most this many matches, then says "COUNT_LIMIT+": a broad query at 50,000
# cassettes matches hundreds of thousands of messages, and counting them all would make the page
# slow in proportion to the corpus rather than to the 50 hits it shows.
COUNT_LIMIT = 10_000


# A quoted phrase, or a run of other text.
_PART = re.compile(r'"([^"]*)"?|([^"]+)')


def query_terms(q: str) -> list[tuple[str, bool]]:
    """The words and quoted phrases of a query, each with whether it is a phrase."""
    terms: list[tuple[str, bool]] = []
    for m in _PART.finditer(q):
        if m[1] is not None:
            words = _WORD.findall(m[1])
            if words:
                terms.append((" ".join(words), True))
        else:
            terms += [(w, False) for w in _WORD.findall(m[2])]
    return terms[:20]


def fts_query(q: str) -> str | None:
    """User text -> a safe FTS5 query: every word and "quoted phrase" must match; a last bare
    word matches as a prefix, so results narrow as the reader types."""
    terms = query_terms(q)
    if not terms:
        return None
    quoted = [f'"{t}"' for t, _ in terms]
    if not terms[-1][1]:
        quoted[-1] += "*"
    return " AND ".join(quoted)


def where(f: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    for kind in TAG_KINDS:
        value = getattr(f, kind)
        if value:
            clauses.append("c.id IN (SELECT cassette_id FROM tags WHERE kind=? AND value=?)")
            args += [kind, value]
    # `has_error` means failed calls (an HTTP error status or an error event), as the Problems
    # page's first section and the home page's Failed column do.
    if f.has_error is True:
        clauses.append("c.failed > 0")
    elif f.has_error is False:
        clauses.append("c.failed = 0")
    span = f.duration_range()
    if span is not None:
        low, high = span
        bound = "" if high is None else " AND duration_ms < ?"
        clauses.append(
            f"c.id IN (SELECT cassette_id FROM interactions WHERE duration_ms >= ?{bound})"
        )
        args += [low] if high is None else [low, high]
    if f.folder:
        clauses.append("(c.folder = ? OR c.folder LIKE ? ESCAPE '\\')")
        folder = f.folder.strip("/")
        args += [folder, _like_prefix(folder) + "/%"]
    if f.q:
        match = fts_query(f.q)
        text_clause = "c.path LIKE ? ESCAPE '\\'"
        args_q: list[Any] = ["%" + _like_escape(f.q) + "%"]
        if match:
            text_clause += (
                " OR c.id IN (SELECT d.cassette_id FROM fts JOIN docs d ON d.rowid = fts.rowid"
                " WHERE fts MATCH ?)"
            )
            args_q.append(match)
        clauses.append(f"({text_clause})")
        args += args_q
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_prefix(s: str) -> str:
    return _like_escape(s)


_SUMMARY_COLS = (
    "c.path, c.format, c.n_interactions, c.errors, c.warnings, c.version, c.size, c.mtime_ns, "
    "c.streaming, c.failed, c.duration_ms, c.folder, c.cost_reported, c.cost_estimated, "
    f"c.unpriced, {', '.join('c.' + t for t in TOKEN_FIELDS)}, c.id"
)


def list_cassettes(
    conn: sqlite3.Connection, f: Filters, sort: str, desc: bool, limit: int, offset: int
) -> tuple[list[CassetteSummary], int]:
    clause, args = where(f)
    total = conn.execute(f"SELECT COUNT(*) FROM cassettes c{clause}", args).fetchone()[0]
    order = SORTS.get(sort, "c.path")
    direction = "DESC" if desc else "ASC"
    # Sort and skip ids only, then read the page's full rows: sorting whole rows (thirty
    # columns, JSON lists among them) cost up to twice as much on a sorted or filtered listing.
    ordered = f"ORDER BY {order} {direction}, c.path"
    rows = conn.execute(
        f"SELECT {_SUMMARY_COLS} FROM cassettes c WHERE c.id IN"
        f" (SELECT c.id FROM cassettes c{clause} {ordered} LIMIT ? OFFSET ?) {ordered}",
        [*args, max(0, min(limit, 1000)), max(0, offset)],
    ).fetchall()
    return summaries(conn, rows), total


def summary(conn: sqlite3.Connection, path: str) -> CassetteSummary | None:
    rows = conn.execute(f"SELECT {_SUMMARY_COLS} FROM cassettes c WHERE c.path=?", (path,))
    found = summaries(conn, rows.fetchall())
    return found[0] if found else None


def summaries(conn: sqlite3.Connection, rows: list[Any]) -> list[CassetteSummary]:
    if not rows:
        return []
    ids = [r[-1] for r in rows]
    tags: dict[int, dict[str, list[str]]] = {i: {} for i in ids}
    marks = ",".join("?" * len(ids))
    for cid, kind, value in conn.execute(
        f"SELECT cassette_id, kind, value FROM tags WHERE cassette_id IN ({marks})"
        " ORDER BY kind, value",
        ids,
    ):
        tags[cid].setdefault(kind, []).append(value)
    out = []
    for r in rows:
        (path, fmt, n, errors, warnings, version, size, mtime_ns, streaming, failed) = r[:10]
        (duration, folder, reported, estimated, unpriced) = r[10:15]
        tok = r[15 : 15 + len(TOKEN_FIELDS)]
        t = tags[r[-1]]
        out.append(
            CassetteSummary(
                path=path,
                format=fmt,
                interactions=n,
                apis=t.get("api", []),
                providers=t.get("provider", []),
                models=t.get("model", []),
                tools=t.get("tool", []),
                statuses=sorted(int(s) for s in t.get("status", [])),
                errors=json.loads(errors),
                warnings=json.loads(warnings),
                usage=_totals(n, tok, reported, estimated, unpriced),
                version=version,
                size=size,
                mtime=mtime_ns / 1e9,
                streaming=bool(streaming),
                failed=failed,
                duration_ms=duration,
                folder=folder,
            )
        )
    return out


def _totals(
    n: int, tok: tuple[Any, ...], reported: Any, estimated: Any, unpriced: int
) -> UsageTotals:
    named = dict(zip(TOKEN_FIELDS, tok, strict=True))
    return UsageTotals(
        interactions=n,
        cost_reported_usd=reported,
        cost_estimated_usd=estimated,
        unpriced=unpriced,
        **named,
    )


def facets(conn: sqlite3.Connection, f: Filters) -> dict[str, list[tuple[str, int]]]:
    clause, args = where(f)
    out: dict[str, list[tuple[str, int]]] = {k: [] for k in TAG_KINDS}
    sql = (
        "SELECT t.kind, t.value, COUNT(*) FROM tags t"
        + (f" WHERE t.cassette_id IN (SELECT c.id FROM cassettes c{clause})" if clause else "")
        + " GROUP BY t.kind, t.value ORDER BY t.kind, COUNT(*) DESC, t.value"
    )
    for kind, value, count in conn.execute(sql, args):
        if kind in out:
            out[kind].append((value, count))
    return out


def folders(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for folder, n in conn.execute("SELECT folder, COUNT(*) FROM cassettes GROUP BY folder"):
        parts = folder.split("/") if folder else []
        for i in range(1, len(parts) + 1):
            key = "/".join(parts[:i])
            counts[key] = counts.get(key, 0) + n
    return sorted(counts.items())


_USAGE_AGG = (
    "COUNT(*), "
    + ", ".join(f"SUM(i.{t})" for t in TOKEN_FIELDS)
    + ", SUM(CASE WHEN i.cost_source='reported' THEN i.cost_usd END)"
    + ", SUM(CASE WHEN i.cost_source='estimated' THEN i.cost_usd END)"
    + ", SUM(CASE WHEN i.cost_usd IS NULL AND COALESCE(i.total_tokens, 0) > 0 THEN 1 ELSE 0 END)"
)


def usage(conn: sqlite3.Connection, group_by: str, f: Filters) -> list[UsageGroup]:
    key = GROUPS.get(group_by)
    if key is None:
        raise ValueError(f"group_by must be one of {', '.join(GROUPS)}")
    clause, args = where(f)
    # Most groupings need nothing from the cassettes table; skipping the join halves the scan.
    join = " JOIN cassettes c ON c.id = i.cassette_id" if clause or "c." in key else ""
    rows = conn.execute(
        f"SELECT {key} AS k, {_USAGE_AGG} FROM interactions i{join}{clause} GROUP BY k"
        " ORDER BY COALESCE(SUM(i.cost_usd), 0) DESC, COALESCE(SUM(i.total_tokens), 0) DESC, k",
        args,
    ).fetchall()
    return [UsageGroup(str(r[0]), UsageTotals(*r[1:])) for r in rows]


_ROW_COLS = (
    "c.path, i.idx, i.method, i.url, i.api, i.provider, i.model, i.status, i.duration_ms, "
    "i.streaming, i.finish_reason, i.error_type, "
    + ", ".join(f"i.{t}" for t in TOKEN_FIELDS)
    + ", i.cost_usd, i.cost_source, i.n_chunks"
)


def interaction_rows(conn: sqlite3.Connection, f: Filters, limit: int) -> list[dict[str, Any]]:
    clause, args = where(f)
    cur = conn.execute(
        f"SELECT {_ROW_COLS} FROM interactions i JOIN cassettes c ON c.id = i.cassette_id"
        f"{clause} ORDER BY c.path, i.idx LIMIT ?",
        [*args, limit],
    )
    names = [d[0] for d in cur.description]
    out = []
    for r in cur.fetchall():
        row = dict(zip(names, r, strict=True))
        row["index"] = row.pop("idx")
        row["streaming"] = bool(row["streaming"])
        out.append(row)
    return out


def usage_cube(
    conn: sqlite3.Connection, f: Filters, edges: Sequence[float]
) -> list[tuple[tuple[Any, ...], UsageTotals]]:
    """Usage by (model, provider, api, status, error type, duration bucket), in one pass.

    These combinations are few even over a large index, so the usage page folds them into its
    model, provider and API groups, status codes, errors and latency histogram in Python
    instead of scanning the interactions once per chart. The bucket is the index of the first
    edge above the duration (len(edges) past the last), None when no duration was recorded.
    (Added for the usage charts.)
    """
    clause, args = where(f)
    steps = " ".join(f"WHEN i.duration_ms < ? THEN {k}" for k in range(len(edges)))
    bucket = f"CASE WHEN i.duration_ms IS NULL THEN NULL {steps} ELSE {len(edges)} END"
    keys = "i.model, i.provider, i.api, i.status, i.error_type, b"
    rows = conn.execute(
        f"SELECT {keys.replace(', b', f', {bucket} AS b')}, {_USAGE_AGG} FROM interactions i"
        f" JOIN cassettes c ON c.id = i.cassette_id{clause} GROUP BY {keys}",
        [*edges, *args],
    ).fetchall()
    return [(tuple(r[:6]), UsageTotals(*r[6:])) for r in rows]


# A cassette's own totals, in UsageTotals order.
_CASSETTE_USAGE = ("n_interactions", *TOKEN_FIELDS, "cost_reported", "cost_estimated", "unpriced")


def cassette_usage_top(
    conn: sqlite3.Connection, f: Filters, n: int
) -> tuple[list[UsageGroup], int, UsageTotals]:
    """The `n` costliest cassettes, how many others there are, and the others' sum.

    Answered from the per-cassette totals the index keeps, so it never groups interactions;
    the order is `usage("cassette", f)`'s. (Added for the usage charts.)
    """
    clause, args = where(f)
    clause += (" AND " if clause else " WHERE ") + "c.n_interactions > 0"
    ranked = (
        f"SELECT c.path, {', '.join('c.' + col for col in _CASSETTE_USAGE)}"
        f" FROM cassettes c{clause} ORDER BY"
        " COALESCE(c.cost_reported, 0) + COALESCE(c.cost_estimated, 0) DESC,"
        " COALESCE(c.total_tokens, 0) DESC, c.path"
    )
    top = conn.execute(f"{ranked} LIMIT ?", [*args, n]).fetchall()
    counted = ("n_interactions", "unpriced")  # counts: 0 when there are no others, not NULL
    sums = ", ".join(
        f"COALESCE(SUM(c.{col}), 0)" if col in counted else f"SUM(c.{col})"
        for col in _CASSETTE_USAGE
    )
    # The others are every match but the top: a plain scan, no second sort.
    shown = ",".join("?" * len(top)) or "NULL"
    rest = conn.execute(
        f"SELECT COUNT(*), {sums} FROM cassettes c{clause} AND c.path NOT IN ({shown})",
        [*args, *(r[0] for r in top)],
    ).fetchone()
    others = UsageTotals(*rest[1:])
    return [UsageGroup(r[0], UsageTotals(*r[1:])) for r in top], rest[0], others


def failed_calls(conn: sqlite3.Connection, limit: int) -> tuple[list[FailedCall], int]:
    """Failed interactions in path order (the first `limit`), and how many there are."""
    base = (
        "FROM interactions i JOIN cassettes c ON c.id = i.cassette_id"
        " WHERE i.error_type IS NOT NULL"
    )
    total = conn.execute(f"SELECT COUNT(*) {base}").fetchone()[0]
    rows = conn.execute(
        "SELECT c.path, c.version, i.idx, i.status, i.error_type, COALESCE(i.error_message, ''),"
        f" i.model {base} ORDER BY c.path, i.idx LIMIT ?",
        [limit],
    ).fetchall()
    return [FailedCall(*r) for r in rows], int(total)


def warned(conn: sqlite3.Connection, limit: int) -> tuple[list[Warned], int]:
    """Read cassettes with warnings in path order (the first `limit`), and how many there are."""
    base = "FROM cassettes WHERE n_errors = 0 AND warnings != '[]'"
    total = conn.execute(f"SELECT COUNT(*) {base}").fetchone()[0]
    rows = conn.execute(
        f"SELECT path, version, warnings {base} ORDER BY path LIMIT ?", [limit]
    ).fetchall()
    return [Warned(p, v, json.loads(w)) for p, v, w in rows], int(total)
