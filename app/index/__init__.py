"""The SQLite index of the served roots: incremental refresh, listing, search and aggregates.

The index is a cache of what the files say. A refresh walks the roots, re-reads only files whose
size or mtime changed (in worker processes when there is much to read), drops rows of files that
vanished, and bumps a generation counter so open pages can tell that something changed. Pages
that need a whole cassette read it from disk again through `cassette()`; the cassette and
interaction pages start from the decoded form kept for costly files (`light()`, app.index.stored)
instead. Both are cached by the file's size and mtime, bounded by bytes (app.index.budget).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from app.formats.base import ReadLimits
from app.index import owner, queries, schema, search, stored
from app.index.budget import SizedCache, cache_bytes, cassette_weight, page_cache_bytes
from app.index.extract import Extracted, extract_file
from app.index.queries import COUNT_LIMIT
from app.index.scan import Found, default_index_path, locate, make_roots, walk, within
from app.index.search import SearchGroup
from app.index.types import (
    CassetteSummary,
    FailedCall,
    FileError,
    Filters,
    IndexStatus,
    RefreshResult,
    Root,
    SearchHit,
    UsageGroup,
    UsageTotals,
    Warned,
)
from app.loader import load_cassette
from app.model import Cassette, Interaction, Note

Progress = Callable[[int, int], None]

# Below this many files to read, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 48
# A file this large is decoded in a worker process even when it is the only one to read: its
# decode holds several times its size at once (a 90 MB agent run peaks near 400 MB), which a
# long-lived `serve` would keep as RSS once freed; a worker gives it back when it exits.
ISOLATE_BYTES = 16_000_000


class IndexLocationError(ValueError):
    """The index file would be written inside a served root, which Tapedeck never does."""


class Index:
    def __init__(
        self,
        db_path: Path,
        roots: Sequence[Path],
        limits: ReadLimits | None = None,
        workers: int | None = None,
    ) -> None:
        self.roots: list[Root] = make_roots(roots)
        self.db_path = Path(db_path).expanduser().resolve()
        for root in self.roots:
            if within(str(self.db_path), str(root.path)):
                raise IndexLocationError(
                    f"the index file {self.db_path} is inside the served root {root.path}; "
                    "choose a place outside it with --index"
                )
        try:
            owner.check(self.db_path)
        except owner.NotAnIndexError as exc:
            raise IndexLocationError(str(exc)) from exc
        # Files a cassette names beside it (WireMock's `__files/`) are read only inside the roots.
        real_roots = tuple(os.path.realpath(r.path) for r in self.roots)
        self.limits = dataclasses.replace(limits or ReadLimits(), roots=real_roots)
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._checked = False
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        # Decoded cassettes by (path, size, mtime, stored form or not), bounded by bytes
        # (app.index.budget), and request bodies read for one interaction of a stored form.
        self.decoded: SizedCache[tuple[str, int, int, bool], Cassette] = SizedCache(cache_bytes)
        self.bodies: SizedCache[tuple[str, int, int, bool, int], tuple[str | None]] = SizedCache(
            page_cache_bytes
        )
        self._loading: dict[tuple[str, int, int, bool], threading.Lock] = {}
        self._status = IndexStatus(False, 0, 0, 0)
        self._connections: list[sqlite3.Connection] = []
        try:
            schema.ensure_schema(self._conn())
        except sqlite3.DatabaseError as exc:
            if not _corrupt(exc):
                raise
            self._rebuild_file()
        owner.claim(self.db_path)

    # -- connections -------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = schema.connect(str(self.db_path))
            self._local.conn = conn
            self._connections.append(conn)
        return conn

    def rebuild(self) -> RefreshResult:
        """Throw the file away and index everything again (after damage found mid-request)."""
        with self._write_lock:
            self._rebuild_file()
        return self.refresh()

    def close(self) -> None:
        for conn in self._connections:
            conn.close()
        self._connections.clear()
        self._local = threading.local()

    def _rebuild_file(self) -> None:
        """The file is only a cache: one left half-written by a crash is rebuilt, not fatal."""
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
        schema.ensure_schema(self._conn())
        owner.claim(self.db_path)
        self.decoded.clear()
        self.bodies.clear()

    # -- refresh -----------------------------------------------------------------------------

    @property
    def status(self) -> IndexStatus:
        return self._status

    def adopt_status(self, status: IndexStatus) -> None:
        """For a `serve` worker reading a file another process refreshes: that process's
        progress and generation are what its pages must show."""
        self._status = status

    def refresh(self, progress: Progress | None = None) -> RefreshResult:
        with self._write_lock:
            if not self._checked:
                # Once per process, before the first refresh: damage in the middle of the file
                # would otherwise surface as an error on every page that reads it.
                self._checked = True
                if not schema.quick_check(self._conn()):
                    self._rebuild_file()
            try:
                return self._refresh(progress)
            except sqlite3.DatabaseError as exc:
                if not _corrupt(exc):
                    raise
                self._rebuild_file()
                return self._refresh(progress)

    def refresh_paths(self, paths: Iterable[Path]) -> RefreshResult:
        """For a file watcher. A warm walk costs well under a second for 10,000 files, so a
        full incremental refresh is both simpler and safer than trusting the event list."""
        del paths
        return self.refresh()

    def _refresh(self, progress: Progress | None) -> RefreshResult:
        conn = self._conn()
        known = {
            path: (cid, size, mtime_ns)
            for cid, path, size, mtime_ns in conn.execute(
                "SELECT id, path, size, mtime_ns FROM cassettes"
            )
        }
        found = list(walk(self.roots))
        seen = {f.path for f in found}
        stale = [p for p in known if p not in seen]
        changed = [
            f for f in found if f.path not in known or known[f.path][1:] != (f.size, f.mtime_ns)
        ]
        generation = self._status.generation
        self._status = IndexStatus(True, 0, len(changed), generation, self._status.first)
        try:
            with conn:
                for path in stale:
                    schema.delete_cassette(conn, known[path][0])
            self._read_all(conn, changed, progress)
        finally:
            if changed or stale:
                generation += 1
            self._status = IndexStatus(False, len(changed), len(changed), generation, first=False)
        n_cassettes, n_interactions = self.counts()
        return RefreshResult(n_cassettes, n_interactions, self.errors(), len(changed), len(stale))

    def _read_all(
        self, conn: sqlite3.Connection, todo: list[Found], progress: Progress | None
    ) -> None:
        total = len(todo)
        done = 0
        batch: list[Extracted] = []

        def flush() -> None:
            try:
                with conn:
                    for ex in batch:
                        schema.insert(conn, ex)
            except (ValueError, OverflowError, sqlite3.IntegrityError):
                # `schema.cell` makes every value storable; should a file still fail, it alone
                # becomes an error entry instead of rolling back its whole batch.
                for ex in batch:
                    try:
                        with conn:
                            schema.insert(conn, ex)
                    except (ValueError, OverflowError, sqlite3.IntegrityError) as exc:
                        with conn:
                            schema.insert(conn, _unstorable(ex, exc))
            batch.clear()

        def step(ex: Extracted) -> None:
            nonlocal done
            batch.append(ex)
            done += 1
            self._status = IndexStatus(
                True, done, total, self._status.generation, self._status.first
            )
            if progress is not None:
                progress(done, total)
            if len(batch) >= 256:
                flush()

        readable = [f for f in todo if f.error is None]
        for f in todo:
            if f.error is not None:
                step(_error_entry(f))
        many = len(readable) >= PARALLEL_THRESHOLD and self.workers > 1
        pooled = readable if many else [f for f in readable if f.size >= ISOLATE_BYTES]
        if pooled:
            ctx = get_context("forkserver")
            # Workers fork from a server that already imported the decoders and the price
            # table, instead of each paying for those imports again.
            ctx.set_forkserver_preload(["app.index.extract", "genai_prices"])
            workers = max(1, min(self.workers, len(pooled)))
            with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
                results = pool.map(
                    extract_file,
                    [f.path for f in pooled],
                    [f.abspath for f in pooled],
                    [f.size for f in pooled],
                    [f.mtime_ns for f in pooled],
                    [self.limits] * len(pooled),
                    chunksize=16 if many else 1,
                )
                for ex in results:
                    step(ex)
        if not many:
            for f in readable:
                if f.size >= ISOLATE_BYTES:
                    continue
                step(extract_file(f.path, f.abspath, f.size, f.mtime_ns, self.limits))
        flush()

    # -- reads -------------------------------------------------------------------------------

    def counts(self) -> tuple[int, int]:
        row = (
            self._conn()
            .execute("SELECT COUNT(*), COALESCE(SUM(n_interactions), 0) FROM cassettes")
            .fetchone()
        )
        return int(row[0]), int(row[1])

    def list_cassettes(
        self,
        f: Filters,
        sort: str = "path",
        desc: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[CassetteSummary], int]:
        return queries.list_cassettes(self._conn(), f, sort, desc, limit, offset)

    def facets(self, f: Filters) -> dict[str, list[tuple[str, int]]]:
        return queries.facets(self._conn(), f)

    def folders(self) -> list[tuple[str, int]]:
        return queries.folders(self._conn())

    def summary(self, path: str) -> CassetteSummary | None:
        return queries.summary(self._conn(), path)

    def search(
        self, q: str, f: Filters | None = None, limit: int = 50, offset: int = 0, role: str = ""
    ) -> tuple[list[SearchHit], int]:
        return search.search(self._conn(), q, f or Filters(), limit, offset, role)

    def search_facets(
        self, q: str, f: Filters | None = None, role: str = ""
    ) -> dict[str, list[tuple[str, int]]]:
        return search.facets(self._conn(), q, f or Filters(), role)

    def search_groups(
        self, q: str, f: Filters | None = None, limit: int = 50, offset: int = 0, role: str = ""
    ) -> tuple[list[SearchGroup], int]:
        return search.groups(self._conn(), q, f or Filters(), limit, offset, role)

    def usage(self, group_by: str, f: Filters) -> list[UsageGroup]:
        return queries.usage(self._conn(), group_by, f)

    def usage_total(self, f: Filters) -> UsageTotals:
        """All interactions that match, as one total (the figure every grouping adds up to)."""
        groups = queries.usage(self._conn(), "format", f)
        return sum_totals([g.usage for g in groups])

    def usage_cube(
        self, f: Filters, edges: Sequence[float]
    ) -> list[tuple[tuple[Any, ...], UsageTotals]]:
        """Usage by (model, provider, api, status, error type, duration bucket), in one scan."""
        return queries.usage_cube(self._conn(), f, edges)

    def cassette_usage_top(self, f: Filters, n: int) -> tuple[list[UsageGroup], int, UsageTotals]:
        """The `n` costliest cassettes, how many others match, and the others' total."""
        return queries.cassette_usage_top(self._conn(), f, n)

    def interaction_rows(self, f: Filters, limit: int = 100_000) -> list[dict[str, Any]]:
        return queries.interaction_rows(self._conn(), f, limit)

    def paths(self) -> list[str]:
        """Every indexed path, in order: the pool an error page's "did you mean" looks in."""
        return [r[0] for r in self._conn().execute("SELECT path FROM cassettes ORDER BY path")]

    def paths_with_version(self, version: str) -> list[str]:
        """Where a content hash is now: a share link's `?v=` finds a renamed cassette."""
        rows = self._conn().execute(
            "SELECT path FROM cassettes WHERE version=? ORDER BY path LIMIT 20", (version,)
        )
        return [r[0] for r in rows]

    def index_one(self, path: str) -> bool:
        """Read and index the file at display path `path` now, if it is a cassette under a root.

        While the first refresh of a large tree runs, a share link must not wait for its turn
        (nor 404): the page reads that one file ahead. The refresh may index it again later,
        which replaces the row."""
        found = locate(self.roots, path)
        if found is None:
            return False
        ex = extract_file(found.path, found.abspath, found.size, found.mtime_ns, self.limits)
        conn = self._conn()
        with conn:
            schema.insert(conn, ex)
        return True

    def failed_calls(self, limit: int = 500) -> tuple[list[FailedCall], int]:
        return queries.failed_calls(self._conn(), limit)

    def warned(self, limit: int = 500) -> tuple[list[Warned], int]:
        return queries.warned(self._conn(), limit)

    def errors(self) -> list[FileError]:
        out = []
        for path, errors, line in self._conn().execute(
            "SELECT path, errors, error_line FROM cassettes WHERE n_errors > 0 ORDER BY path"
        ):
            messages = json.loads(errors)
            out.append(FileError(path, "; ".join(messages), line))
        return out

    def cassette(self, path: str) -> Cassette | None:
        """The decoded cassette at `path`, or None when it is not an indexed cassette."""
        opened = self._open(path)
        if not isinstance(opened, tuple):
            return opened
        abspath, key = opened
        return self._decoded(abspath, key)

    def light(self, path: str) -> tuple[Cassette, bool] | None:
        """The cassette at `path` for pages that show no whole request body, and whether it is
        the stored form (app.index.stored: kept by the index for the file as it is now, every
        field but the request bodies the whole decode's) rather than the whole decode."""
        opened = self._open(path)
        if not isinstance(opened, tuple):
            return None if opened is None else (opened, False)
        abspath, key = opened
        whole = self.decoded.get(key)
        if whole is not None:
            return whole, False
        hit = self._once((*key[:3], True), lambda: self._stored(key))
        if hit is None:
            return self._decoded(abspath, key), False
        return hit, True

    def with_request(self, path: str, version: str | None, it: Interaction) -> Interaction:
        """Interaction `it` of the stored form of `path` (content `version`) with its whole
        request body, rebuilt from the edits the form keeps (`stored.dump_requests`)."""
        opened = self._open(path)
        if not isinstance(opened, tuple):
            return it
        abspath, key = opened
        whole = self.decoded.get(key)
        if whole is None or whole.version != version:
            hit = self.bodies.get((*key, it.index))
            if hit is None:
                found = self._form(key, "requests")
                hit = None if found is None else stored.request_body(found, it.index)
            if hit is not None:
                self.bodies.put((*key, it.index), hit, 100 + len(hit[0] or ""))
                return stored.with_request(it, hit[0])
            # Changed since indexed, or the form does not read: what the whole decode says.
            whole = self._decoded(abspath, key)
        return _at(whole, it.index) or it

    def _open(self, path: str) -> tuple[str, tuple[str, int, int, bool]] | Cassette | None:
        """(absolute path, cache key) of an indexed file that is there, or what to show instead."""
        row = (
            self._conn()
            .execute("SELECT abspath, errors, format FROM cassettes WHERE path=?", (path,))
            .fetchone()
        )
        if row is None:
            return None
        stored_path, errors, fmt = row
        abspath = schema.path_from_cell(stored_path)
        if not self._inside_roots(abspath):
            notes = tuple(Note(m) for m in json.loads(errors)) or (
                Note("file is outside the served roots"),
            )
            return Cassette(path=path, format=fmt, errors=notes)
        try:
            st = os.stat(abspath)
        except OSError:
            return Cassette(path=path, format=fmt, errors=(Note("file vanished since indexed"),))
        return abspath, (path, st.st_size, st.st_mtime_ns, False)

    def _stored(self, key: tuple[str, int, int, bool]) -> Cassette | None:
        """The stored form, if the index kept one for the file at this size and mtime."""
        found = self._form(key, "data")
        cas = None if found is None else stored.load(found)
        return cas if cas is not None and cas.path == key[0] else None

    def _form(self, key: tuple[str, int, int, bool], part: str) -> bytes | None:
        try:
            found = schema.form(self._conn(), key[0], part)
        except sqlite3.DatabaseError:
            return None
        return None if found is None or found[:2] != key[1:3] else found[2]

    def _decoded(self, abspath: str, key: tuple[str, int, int, bool]) -> Cassette:
        hit = self._once(key, lambda: load_cassette(Path(abspath), key[0], self.limits))
        assert hit is not None  # a decode always gives a cassette
        return hit

    def _once(
        self, key: tuple[str, int, int, bool], load: Callable[[], Cassette | None]
    ) -> Cassette | None:
        """`decoded[key]`, loaded by `load` (and kept) when missing; None when `load` has none.

        One load per key at a time: four viewers opening the same large cassette wait for the
        first one's result instead of holding four decoded copies at once."""
        hit = self.decoded.get(key)
        if hit is not None:
            return hit
        with self._cache_lock:
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            hit = self.decoded.get(key)
            if hit is None:
                hit = load()
                if hit is not None:
                    self.decoded.put(key, hit, cassette_weight(hit))
            with self._cache_lock:
                self._loading.pop(key, None)
        return hit

    def _inside_roots(self, abspath: str) -> bool:
        real = os.path.realpath(abspath)
        return any(within(real, os.path.realpath(r.path)) for r in self.roots)


def _at(cas: Cassette, index: int) -> Interaction | None:
    return next((it for it in cas.interactions if it.index == index), None)


def _corrupt(exc: sqlite3.DatabaseError) -> bool:
    """A damaged file ("malformed", "not a database"), not a lock or a constraint."""
    return type(exc) is sqlite3.DatabaseError


def _unstorable(ex: Extracted, exc: Exception) -> Extracted:
    reason = f"could not be stored in the index ({type(exc).__name__}: {exc})"
    return _error_entry(Found(ex.path, ex.abspath, ex.size, ex.mtime_ns, reason))


def _error_entry(f: Found) -> Extracted:
    return Extracted(
        path=f.path,
        abspath=f.abspath,
        size=f.size,
        mtime_ns=f.mtime_ns,
        cassette={
            "format": "unknown",
            "version": "",
            "n_interactions": 0,
            "failed": 0,
            "streaming": 0,
            "errors": json.dumps([f.error]),
            "error_line": None,
            "warnings": "[]",
            "n_errors": 1,
            "duration_ms": None,
            "cost_reported": None,
            "cost_estimated": None,
            "unpriced": 0,
        },
        interactions=[],
        docs=[],
        tags=[("format", "unknown")],
    )


def sum_totals(items: list[UsageTotals]) -> UsageTotals:
    """Several totals as one; a count nobody reported stays null rather than becoming 0."""

    def add(name: str) -> Any:
        values = [getattr(u, name) for u in items if getattr(u, name) is not None]
        return sum(values) if values else None

    return UsageTotals(
        interactions=sum(u.interactions for u in items),
        input_tokens=add("input_tokens"),
        output_tokens=add("output_tokens"),
        cached_input_tokens=add("cached_input_tokens"),
        cache_write_tokens=add("cache_write_tokens"),
        reasoning_tokens=add("reasoning_tokens"),
        total_tokens=add("total_tokens"),
        cost_reported_usd=add("cost_reported_usd"),
        cost_estimated_usd=add("cost_estimated_usd"),
        unpriced=sum(u.unpriced for u in items),
    )


__all__ = [
    "COUNT_LIMIT",
    "CassetteSummary",
    "FailedCall",
    "FileError",
    "Filters",
    "Index",
    "IndexLocationError",
    "IndexStatus",
    "RefreshResult",
    "Root",
    "SearchGroup",
    "SearchHit",
    "UsageGroup",
    "UsageTotals",
    "Warned",
    "default_index_path",
    "sum_totals",
]
