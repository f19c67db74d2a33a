"""Full-text search over messages, tool names and arguments, with the matches marked.

The page narrows by facet (role, model, API, format; each a link with its count) and can
group hits by cassette; the JSON and CSV twins answer the same query string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from app.index import COUNT_LIMIT, Filters, SearchGroup, SearchHit
from app.index.search import SEARCH_FACETS
from app.web.csvfile import csv_response
from app.web.deps import canonical, index, int_param, live, page_context
from app.web.pagecache import cached
from app.web.render import respond, wants_json
from app.web.urls import interaction_url, message_url, query

router = APIRouter()

PAGE_SIZE = 50
# The query string keys a search page reads; links keep them and drop the rest.
KEYS = ("q", *SEARCH_FACETS, "group")


@dataclass(frozen=True)
class Results:
    q: str
    hits: list[SearchHit]
    total: int
    offset: int
    limit: int
    params: dict[str, str] = field(default_factory=dict)
    groups: list[SearchGroup] | None = None

    @property
    def capped(self) -> bool:
        """True when there are more matches than search counts; `shown_total` is then a floor."""
        return self.total > COUNT_LIMIT

    @property
    def shown_total(self) -> int:
        return min(self.total, COUNT_LIMIT)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "hits": [{**h.to_json(), "url": hit_url(h, self.q)} for h in self.hits],
            "total": self.shown_total,
            "total_capped": self.capped,
        }
        if self.groups is not None:
            out["groups"] = [g.to_json() for g in self.groups]
        return out


def _params(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in KEYS}


def results(request: Request) -> Results:
    params = _params(request)
    q = params["q"]
    limit = int_param(request, "limit", PAGE_SIZE, 1, 500)
    offset = int_param(request, "offset", 0)
    if not q:
        return Results(q, [], 0, offset, limit, params)
    f = Filters.from_query(request.query_params)
    idx = index(request)
    role = params["role"]
    if params["group"] == "cassette":
        groups, total = idx.search_groups(q, f, limit, offset, role)
        return Results(q, [g.hit for g in groups], total, offset, limit, params, groups)
    hits, total = idx.search(q, f, limit, offset, role)
    return Results(q, hits, total, offset, limit, params)


def hit_url(hit: SearchHit, q: str = "") -> str:
    """The message inside its thread's section, with `?q=` so the page highlights the match."""
    version = hit.version or None
    if hit.message is not None:
        return message_url(hit.path, hit.message, version, q)
    if hit.interaction is not None:
        return interaction_url(hit.path, hit.interaction, version)
    return message_url(hit.path, 0, version, q)


def _facet_links(request: Request, res: Results) -> list[dict[str, Any]]:
    """Each facet's values as links that set (or, when set, clear) that filter."""
    idx = index(request)
    f = Filters.from_query(request.query_params)
    key = ("search-facets", res.q, f, res.params["role"])
    found = live(request).memo(key, lambda: idx.search_facets(res.q, f, res.params["role"]))
    out = []
    for name in SEARCH_FACETS:
        current = res.params[name]
        values = [
            {
                "value": value,
                "count": count,
                "current": value == current,
                "url": "/search" + query({**res.params, name: "" if value == current else value}),
            }
            for value, count in found[name][:12]
        ]
        if values:
            out.append({"name": name, "values": values, "current": current})
    return out


@router.get("/search")
@cached
def search_page(request: Request) -> Response:
    redirect = canonical(request)
    if redirect is not None:
        return redirect
    res = results(request)
    page = {**res.params, "limit": "" if res.limit == PAGE_SIZE else res.limit}
    prev_url = next_url = None
    if res.offset > 0:
        prev_url = "/search" + query({**page, "offset": max(0, res.offset - res.limit) or ""})
    if res.offset + res.limit < res.total:
        next_url = "/search" + query({**page, "offset": res.offset + res.limit})
    grouped = res.params["group"] == "cassette"
    ctx = page_context(
        request,
        f"Search: {res.q}" if res.q else "Search",
        "search",
        results=res,
        links=[hit_url(h, res.q) for h in res.hits],
        prev_url=prev_url,
        next_url=next_url,
        facets=_facet_links(request, res) if res.q and not wants_json(request) else [],
        group_url="/search" + query({**res.params, "group": "" if grouped else "cassette"}),
        grouped=grouped,
        json_url="/api/search" + query(res.params),
        csv_url="/search.csv" + query(res.params),
    )
    return respond(request, "search.html", ctx, res.to_json, partial="_partials/hits.html")


# A CSV download lists up to this many hits.
CSV_LIMIT = 2000


@router.get("/search.csv")
def search_csv(request: Request) -> Response:
    params = _params(request)
    f = Filters.from_query(request.query_params)
    idx = index(request)
    rows: list[list[Any]] = []
    for offset in range(0, CSV_LIMIT, 500):
        hits, _total = idx.search(params["q"], f, 500, offset, params["role"])
        rows += [[h.path, h.interaction, h.message, h.role, h.snippet] for h in hits]
        if len(hits) < 500:
            break
    return csv_response(
        "tapedeck-search.csv", ("path", "interaction", "message", "role", "snippet"), rows
    )
