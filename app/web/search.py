"""Full-text search over messages, tool names and arguments, with the matches marked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from app.index import COUNT_LIMIT, Filters, SearchHit
from app.web.deps import index, int_param, page_context
from app.web.render import respond
from app.web.urls import interaction_url, message_url, query

router = APIRouter()

PAGE_SIZE = 50


@dataclass(frozen=True)
class Results:
    q: str
    hits: list[SearchHit]
    total: int
    offset: int
    limit: int

    @property
    def capped(self) -> bool:
        """True when there are more matches than search counts; `shown_total` is then a floor."""
        return self.total > COUNT_LIMIT

    @property
    def shown_total(self) -> int:
        return min(self.total, COUNT_LIMIT)

    def to_json(self) -> dict[str, Any]:
        return {
            "hits": [h.to_json() for h in self.hits],
            "total": self.shown_total,
            "total_capped": self.capped,
        }


def results(request: Request) -> Results:
    q = request.query_params.get("q", "").strip()
    limit = int_param(request, "limit", PAGE_SIZE, 1, 500)
    offset = int_param(request, "offset", 0)
    if not q:
        return Results(q, [], 0, offset, limit)
    hits, total = index(request).search(q, Filters.from_query(request.query_params), limit, offset)
    return Results(q, hits, total, offset, limit)


def hit_url(hit: SearchHit, q: str = "") -> str:
    version = hit.version or None
    if hit.message is not None:
        return message_url(hit.path, hit.message, version, q)
    if hit.interaction is not None:
        return interaction_url(hit.path, hit.interaction, version)
    return message_url(hit.path, 0, version)


@router.get("/search")
def search_page(request: Request) -> Response:
    res = results(request)
    page = {"q": res.q, "limit": "" if res.limit == PAGE_SIZE else res.limit}
    prev_url = next_url = None
    if res.offset > 0:
        prev_url = "/search" + query({**page, "offset": max(0, res.offset - res.limit) or ""})
    if res.offset + res.limit < res.total:
        next_url = "/search" + query({**page, "offset": res.offset + res.limit})
    ctx = page_context(
        request,
        f"Search: {res.q}" if res.q else "Search",
        "search",
        results=res,
        links=[hit_url(h, res.q) for h in res.hits],
        prev_url=prev_url,
        next_url=next_url,
    )
    return respond(request, "search.html", ctx, res.to_json, partial="_partials/hits.html")
