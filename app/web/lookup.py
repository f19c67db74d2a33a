"""From a URL path to an indexed cassette (and interaction), or a 404 — never a stray read.

Cassette paths contain slashes, so `/interactions/{n}` is split off here rather than by the
router. Only paths the index holds resolve; `..` and friends never reach the file system. While
the first index builds, a path not yet indexed is read ahead if it names a cassette file under
a root (a share link opened at startup), else the answer is "still indexing", not a 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.index import CassetteSummary, Index
from app.model import Cassette, Interaction
from app.web.notfound import NotFound, StillIndexing

_SUFFIX = re.compile(r"^(?P<path>.+)/interactions/(?P<index>[0-9]{1,9})/?$", re.S)


@dataclass(frozen=True)
class Found:
    """`cassette` may be the index's stored form (`stored`): every field the whole decode's
    but the request bodies, cut to their parameters; `whole` gives one interaction's body."""

    summary: CassetteSummary
    cassette: Cassette
    interaction: Interaction | None = None
    stored: bool = False


def _plausible(path: str) -> bool:
    """Cheap refusals before the index is asked. A backslash is an ordinary character in a
    POSIX file name (only paths the index holds resolve, so it cannot climb out of a root)."""
    parts = path.split("/")
    return bool(path) and "\x00" not in path and all(p not in ("", ".", "..") for p in parts)


def _load(idx: Index, path: str) -> tuple[CassetteSummary, Cassette, bool] | None:
    if not _plausible(path):
        return None
    summary = idx.summary(path)
    if summary is None and idx.status.building and idx.status.first and idx.index_one(path):
        summary = idx.summary(path)
    if summary is None:
        return None
    loaded = idx.light(path)
    if loaded is None:
        return None
    return summary, *loaded


def find(idx: Index, path: str) -> Found:
    """The cassette at `path`, or the interaction when `path` ends in /interactions/N."""
    loaded = _load(idx, path)
    if loaded is not None:
        summary, cassette, stored = loaded
        return Found(summary, cassette, stored=stored)
    match = _SUFFIX.match(path)
    if match:
        loaded = _load(idx, match["path"])
        if loaded is not None:
            summary, cassette, stored = loaded
            n = int(match["index"])
            count = len(cassette.interactions)
            if n >= count:
                raise NotFound(f"cassette has no interaction {n}", match["path"], n, count)
            return Found(summary, cassette, cassette.interactions[n], stored)
    if idx.status.building and idx.status.first:
        raise StillIndexing(match["path"] if match else path)
    raise NotFound("not a cassette in the index", match["path"] if match else path)


def whole(idx: Index, found: Found) -> Interaction | None:
    """The found interaction with its whole request body (the raw view, curl, its JSON)."""
    it = found.interaction
    if it is None or not found.stored:
        return it
    return idx.with_request(found.cassette.path, found.cassette.version, it)


def whole_cassette(idx: Index, found: Found) -> Cassette:
    """The whole decode, request bodies and all: the cassette's JSON document."""
    if not found.stored:
        return found.cassette
    return idx.cassette(found.cassette.path) or found.cassette
