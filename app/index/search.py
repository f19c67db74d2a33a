"""Full-text search over messages: hits, their facets, and hits grouped by cassette.

FTS5 finds the messages; snippets are cut here, from the message text with Markdown markup
taken out, so a hit reads as prose and starts at a word. Identifiers split where FTS5 splits
them: "weather" finds and marks `get_weather`. Facets and groups are counted over at most
COUNT_LIMIT matches, so a broad query costs the same at any corpus size.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from app.index import queries
from app.index.queries import fts_query, query_terms, where
from app.index.types import MATCH_END, MATCH_START, Filters, SearchHit

# Facets of a search, in the order the page shows them: message role, then the interaction's
# model and API, then the cassette's format.
SEARCH_FACETS = ("role", "model", "api", "format")
# Piece of text for snippets: runs of letters and digits (so `_` splits `get_weather` as FTS5
# does), and everything between them.
_TOKEN = re.compile(r"[^\W_]+|[\W_]+", re.UNICODE)
_MARKDOWN = [
    (re.compile(r"^\s*(```|~~~).*$", re.M), " "),  # code fences
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"^\s{0,3}(#{1,6}|>+|[-*+]|\d+[.)])\s+", re.M), ""),  # headings, quotes, lists
    (re.compile(r"^\s*([-*_=|:]\s*){3,}$", re.M), " "),  # rules and table separators
    (re.compile(r"(\*\*|__|~~|`+)"), ""),  # bold, strike, code spans
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"\s*\|\s*"), " "),  # table cells
    (re.compile(r"<[^>\n]{1,80}>"), " "),  # html tags
    (re.compile(r"\s+"), " "),
]


def plain_text(text: str) -> str:
    """Message text as a reader sees it rendered: Markdown markup gone, whitespace folded."""
    for pattern, repl in _MARKDOWN:
        text = pattern.sub(repl, text)
    return text.strip()


def make_snippet(text: str, q: str, width: int = 16) -> str:
    """About `width` words around the first match, starting at a word, matches marked."""
    terms = query_terms(q)
    if not terms:
        return plain_text(text)[:200]
    exact: set[str] = set()
    for term, _phrase in terms:
        exact.update(w.lower() for w in _TOKEN.findall(term) if w[:1].isalnum())
    prefix = ""
    if not terms[-1][1]:
        parts = [w.lower() for w in _TOKEN.findall(terms[-1][0]) if w[:1].isalnum()]
        prefix = parts[-1] if parts else ""
        exact.discard(prefix)

    def hit(tok: str) -> bool:
        low = tok.lower()
        return low in exact or (bool(prefix) and low.startswith(prefix))

    # Tokens are read only as far as the snippet needs: up to one word past its end (to know
    # whether "…" follows), not through the rest of a long message.
    tokens: list[str] = []
    word_at: list[int] = []
    found = -1
    for m in _TOKEN.finditer(plain_text(text)):
        tok = m.group()
        if tok[:1].isalnum():
            if found < 0 and hit(tok):
                found = len(word_at)
            word_at.append(len(tokens))
        tokens.append(tok)
        if found >= 0 and len(word_at) > max(0, found - width // 2) + width:
            break
    first = max(0, found)
    lo = max(0, first - width // 2)
    hi = min(len(word_at), lo + width)
    start = word_at[lo] if word_at else 0
    end = word_at[hi - 1] + 1 if word_at and hi < len(word_at) else len(tokens)
    out = "…" if lo > 0 else ""
    for tok in tokens[start:end]:
        out += f"{MATCH_START}{tok}{MATCH_END}" if tok[:1].isalnum() and hit(tok) else tok
    return out + ("…" if hi < len(word_at) else "")


@dataclass(frozen=True, slots=True)
class SearchGroup:
    """One cassette's matches: how many (of the first COUNT_LIMIT) and the first of them."""

    hit: SearchHit
    matches: int

    def to_json(self) -> dict[str, Any]:
        return {**self.hit.to_json(), "matches": self.matches}


_FROM = (
    "FROM fts JOIN docs d ON d.rowid = fts.rowid JOIN cassettes c ON c.id = d.cassette_id"
    " LEFT JOIN interactions i ON i.cassette_id = d.cassette_id AND i.idx = d.interaction"
)


def _source(match: str, f: Filters, role: str) -> tuple[str, list[Any]]:
    """FROM … WHERE for the matches under the filters: role, model, API and format per message
    (the interaction that carried it), the rest per cassette as on the home page."""
    clause, args = where(replace(f, q="", model="", api="", format=""))
    sql = _FROM + " WHERE fts MATCH ?" + clause.replace(" WHERE ", " AND ", 1)
    params: list[Any] = [match, *args]
    for column, value in (("d.role", role), ("i.model", f.model), ("i.api", f.api)):
        if value:
            sql += f" AND {column} = ?"
            params.append(value)
    if f.format:
        sql += " AND c.format = ?"
        params.append(f.format)
    return sql, params


def _count(conn: sqlite3.Connection, source: str, args: list[Any]) -> int:
    """How many rows `source` yields, counting no further than COUNT_LIMIT + 1."""
    sql = f"SELECT COUNT(*) FROM (SELECT 1 {source} LIMIT ?)"
    return int(conn.execute(sql, [*args, queries.COUNT_LIMIT + 1]).fetchone()[0])


def _hits(conn: sqlite3.Connection, rowids: list[int], q: str) -> dict[int, SearchHit]:
    if not rowids:
        return {}
    marks = ",".join("?" * len(rowids))
    return {
        r[0]: SearchHit(r[1], r[2], r[3], r[4], make_snippet(r[5], q), r[6], r[7])
        for r in conn.execute(
            "SELECT fts.rowid, c.path, d.interaction, d.message, d.role, fts.text, c.version,"
            " d.thread FROM fts JOIN docs d ON d.rowid = fts.rowid"
            " JOIN cassettes c ON c.id = d.cassette_id"
            f" WHERE fts.rowid IN ({marks})",
            rowids,
        )
    }


def search(
    conn: sqlite3.Connection, q: str, f: Filters, limit: int, offset: int, role: str = ""
) -> tuple[list[SearchHit], int]:
    match = fts_query(q)
    if not match:
        return [], 0
    limit, offset = max(0, min(limit, 500)), max(0, offset)
    filtered = bool(role) or not replace(f, q="").empty
    # Unfiltered, count and page inside FTS alone. Ranking is what costs on a broad query, so
    # past RANK_LIMIT matches hits come in index order.
    source, args = _source(match, f, role) if filtered else ("FROM fts WHERE fts MATCH ?", [match])
    total = _count(conn, source, args)
    order = " ORDER BY rank" if total <= queries.RANK_LIMIT else ""
    page = [
        r[0]
        for r in conn.execute(
            f"SELECT fts.rowid {source}{order} LIMIT ? OFFSET ?", [*args, limit, offset]
        )
    ]
    found = _hits(conn, page, q)
    return [found[r] for r in page if r in found], total


def facets(
    conn: sqlite3.Connection, q: str, f: Filters, role: str = ""
) -> dict[str, list[tuple[str, int]]]:
    """How the (first COUNT_LIMIT) matches split by role, model, API and format."""
    match = fts_query(q)
    out: dict[str, list[tuple[str, int]]] = {k: [] for k in SEARCH_FACETS}
    if not match:
        return out
    source, args = _source(match, f, role)
    rows = conn.execute(
        f"SELECT d.role, i.model, i.api, c.format {source} LIMIT ?", [*args, queries.COUNT_LIMIT]
    ).fetchall()
    for k, name in enumerate(SEARCH_FACETS):
        counts = Counter(r[k] for r in rows if r[k])
        out[name] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return out


def groups(
    conn: sqlite3.Connection, q: str, f: Filters, limit: int, offset: int, role: str = ""
) -> tuple[list[SearchGroup], int]:
    """Matches by cassette, most matches first, each with its first hit; and how many cassettes."""
    match = fts_query(q)
    if not match:
        return [], 0
    source, args = _source(match, f, role)
    first: dict[int, int] = {}
    counts: Counter[int] = Counter()
    for cid, rowid in conn.execute(
        f"SELECT d.cassette_id, fts.rowid {source} LIMIT ?", [*args, queries.COUNT_LIMIT]
    ):
        counts[cid] += 1
        first[cid] = min(rowid, first.get(cid, rowid))
    ranked = sorted(counts, key=lambda cid: (-counts[cid], first[cid]))
    page = ranked[max(0, offset) : max(0, offset) + max(0, min(limit, 500))]
    found = _hits(conn, [first[cid] for cid in page], q)
    out = [SearchGroup(found[first[cid]], counts[cid]) for cid in page if first[cid] in found]
    return out, len(ranked)
