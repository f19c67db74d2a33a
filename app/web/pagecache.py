"""Whole answers of the list pages, kept per index generation.

Home, search and usage (and their JSON twins) are functions of the URL, a few request headers
and the index; readers ask for the same ones again and again (a shared link, a tab polling,
back and forward), and building one costs 5–10 ms of Python that a worker serving 32 clients
does not have to spare. An answer is kept under the index status it was built for: a refresh
that changes anything bumps the generation, so the next request builds the page anew (live
reload still shows new files), and nothing is kept while the index is being built (the page
shows progress then). A rebuilt index file clears it. Its budget is a sixteenth of
`TAPEDECK_CACHE_MB` (16 MB by default), least recently used answers forgotten first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from app.index import budget

if TYPE_CHECKING:
    from app.web.live import LiveIndex

# The request headers a cached page's answer may depend on: the shape asked for (page, htmx
# swap, JSON) and the home page's "first index done" poll.
VARY = ("accept", "hx-request", "hx-history-restore-request", "hx-trigger", "hx-target")

Route = Callable[[Request], Response]


def page_bytes() -> int:
    return budget.cache_bytes() // 16


class PageCache:
    def __init__(self) -> None:
        self._kept: budget.SizedCache[Hashable, tuple[int, bytes, list[tuple[bytes, bytes]]]]
        self._kept = budget.SizedCache(page_bytes)

    @property
    def used(self) -> int:
        return self._kept.used

    def answer(self, state: LiveIndex, request: Request, build: Callable[[], Response]) -> Response:
        status = state.status  # read before building: the answer is at least this new
        if status.building:
            return build()
        key = (
            status,
            state.failure,
            request.url.path,
            request.url.query,
            *(request.headers.get(h) for h in VARY),
        )
        hit = self._kept.get(key)
        if hit is not None:
            code, kept, raw = hit
            response = Response(kept, status_code=code)
            response.raw_headers = list(raw)
            return response
        response = build()
        body = getattr(response, "body", None)
        if response.status_code == 200 and isinstance(body, bytes):
            headers = list(response.raw_headers)
            weight = len(body) + sum(len(k) + len(v) for k, v in headers) + 200
            self._kept.put(key, (200, body, headers), weight)
        return response

    def clear(self) -> None:
        self._kept.clear()


def cached(route: Route) -> Route:
    """A route whose answer is kept per index generation (see the module's docstring)."""

    @functools.wraps(route)
    def answer(request: Request) -> Response:
        state: Any = request.app.state.live
        pages: PageCache = state.pages
        return pages.answer(state, request, lambda: route(request))

    return answer
