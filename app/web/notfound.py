"""Errors a browser reads: an HTML page in the layout that says what was asked and a way on.

API and JSON requests keep the contract's `{detail}`. A page that could not be found offers the
nearest indexed paths (difflib over a bounded pool), a search box, and — for a share link whose
`?v=` no longer matches — what changed: the same content under another name, or a cassette with
fewer interactions than the link expects.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.web.deps import live, page_context
from app.web.formatting import plural
from app.web.render import render
from app.web.urls import cassette_url, interaction_url

# At most this many indexed paths are compared by difflib (each costs a SequenceMatcher).
POOL_LIMIT = 200
SUGGESTIONS = 5
_TITLES = {400: "Bad request", 404: "Not found", 503: "Still indexing"}
_INTERACTION = re.compile(r"^(?P<path>.+)/interactions/(?P<n>[0-9]+)/?(?:chunks/?)?$")


class NotFound(HTTPException):
    """A cassette (or one of its interactions) the index does not hold."""

    def __init__(
        self, detail: str, asked: str, interaction: int | None = None, count: int | None = None
    ) -> None:
        super().__init__(404, detail)
        self.asked = asked
        self.interaction = interaction
        self.count = count


class StillIndexing(HTTPException):
    """The first index is not finished and the file asked for is not (yet) in it."""

    def __init__(self, asked: str) -> None:
        super().__init__(503, "still indexing: try again in a moment", {"retry-after": "2"})
        self.asked = asked


def wants_page(request: Request) -> bool:
    """A browser navigation: it asks for HTML, and not from the JSON API."""
    return "text/html" in request.headers.get("accept", "") and not request.url.path.startswith(
        "/api/"
    )


@dataclass(frozen=True)
class Asked:
    """The cassette path a failed request named, if any, and the interaction it wanted."""

    path: str
    interaction: int | None


def _asked(request: Request, exc: HTTPException) -> Asked:
    if isinstance(exc, NotFound):
        return Asked(exc.asked, exc.interaction)
    if isinstance(exc, StillIndexing):
        return Asked(exc.asked, None)
    for key in ("old", "new", "path"):
        if request.query_params.get(key):
            return Asked(request.query_params[key], None)
    url = unquote(request.url.path)
    for prefix in ("/cassettes/", "/"):
        if url.startswith(prefix):
            url = url[len(prefix) :]
            break
    match = _INTERACTION.match(url)
    if match:
        return Asked(match["path"], int(match["n"]))
    return Asked(url.strip("/"), None)


@dataclass(frozen=True)
class PathBook:
    """Every indexed path sorted forwards and, reversed, backwards: the paths sharing the
    longest start (or end) with any string sit next to where it would be inserted."""

    forwards: list[str]
    backwards: list[str]

    @classmethod
    def of(cls, paths: list[str]) -> PathBook:
        return cls(sorted(paths), sorted(p[::-1] for p in paths))


def _around(ordered: list[str], key: str, k: int) -> list[str]:
    i = bisect.bisect_left(ordered, key)
    return ordered[max(0, i - k) : i + k]


def nearest(book: PathBook, asked: str, n: int = SUGGESTIONS) -> list[str]:
    """Indexed paths closest to `asked`: the same file name anywhere first, then by difflib.

    difflib sees at most POOL_LIMIT paths: those that share the longest start with the asked
    path and those that share the longest end (a typo in the folder, or in the name), found by
    bisection, so the page costs the same at 100 or 100,000 files.
    """
    if not asked:
        return []
    k = POOL_LIMIT // 4
    ends = [p[::-1] for p in _around(book.backwards, asked[::-1], k)]
    pool = list(dict.fromkeys([*_around(book.forwards, asked, k), *ends]))
    name = asked.rsplit("/", 1)[-1]
    same_name = [p for p in ends if p.rsplit("/", 1)[-1] == name]
    close = difflib.get_close_matches(asked, pool, n=n, cutoff=0.5)
    by_name = difflib.get_close_matches(
        name, sorted({p.rsplit("/", 1)[-1] for p in pool}), n=n, cutoff=0.6
    )
    named = [p for p in pool if p.rsplit("/", 1)[-1] in by_name]
    return list(dict.fromkeys([*same_name, *close, *named]))[:n]


def _changes(request: Request, asked: Asked, exc: HTTPException) -> list[str]:
    """What a stale share link (`?v=`) or an out-of-range interaction can tell the reader."""
    idx = live(request).index
    version = request.query_params.get("v", "")
    notes: list[str] = []
    if version:
        summary = idx.summary(asked.path)
        moved = [p for p in idx.paths_with_version(version) if p != asked.path]
        if summary is None and moved:
            notes.append(f"The content this link was made for is now at {moved[0]}.")
        elif summary is not None and summary.version != version:
            notes.append(
                f"This cassette changed since the link was made (version {version} → "
                f"{summary.version}); it now has {plural(summary.interactions, 'interaction')}."
            )
        elif summary is None:
            notes.append(f"No indexed cassette has the content this link was made for ({version}).")
    if isinstance(exc, NotFound) and exc.count is not None and not notes:
        notes.append(
            f"{asked.path} has {plural(exc.count, 'interaction')}"
            + (f"; their links end in /interactions/0 to /{exc.count - 1}." if exc.count else ".")
        )
    return notes


def error_page(request: Request, exc: HTTPException) -> Response:
    state = live(request)
    asked = _asked(request, exc)
    book = state.memo("paths", lambda: PathBook.of(state.index.paths()))
    suggestions = nearest(book, asked.path)
    links: list[dict[str, Any]] = [{"path": p, "url": cassette_url(p)} for p in suggestions]
    if asked.interaction is not None and isinstance(exc, NotFound) and exc.count:
        last = f"{asked.path} · interaction {exc.count} of {exc.count}"
        links.insert(0, {"path": last, "url": interaction_url(asked.path, exc.count - 1)})
    url = unquote(request.url.path)
    if request.url.query:
        url += "?" + unquote(request.url.query)
    ctx = page_context(
        request,
        _TITLES.get(exc.status_code, "Error"),
        "",
        status=exc.status_code,
        detail="there is no such page" if exc.detail == "Not Found" else str(exc.detail),
        asked_url=url,
        suggestions=links,
        changes=_changes(request, asked, exc),
        search_q=asked.path.rsplit("/", 1)[-1].rsplit(".", 1)[0],
        retry=isinstance(exc, StillIndexing),
    )
    response = render(request, "error.html", ctx, status=exc.status_code)
    response.headers.update(exc.headers or {})
    return response
