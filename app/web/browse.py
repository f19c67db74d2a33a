"""The home page: every cassette, grouped by folder, filtered, sorted and paged by the URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app import charts
from app.index import CassetteSummary, Filters
from app.web.csvfile import csv_response
from app.web.deps import canonical, index, int_param, live, page_context
from app.web.pagecache import cached
from app.web.render import is_partial, respond, wants_json
from app.web.urls import query

router = APIRouter()

SORTS = ("path", "format", "interactions", "tokens", "cost", "failed", "warnings", "mtime")
FACETS = ("provider", "model", "api", "tool", "status", "format")
PAGE_SIZE = 50


@dataclass(frozen=True)
class Listing:
    filters: Filters
    sort: str
    desc: bool
    limit: int
    offset: int
    rows: list[CassetteSummary]
    total: int

    def to_json(self) -> dict[str, Any]:
        return {"cassettes": [r.to_json() for r in self.rows], "total": self.total}

    @property
    def duration_label(self) -> str | None:
        """The duration filter in words ("1 s – 2 s"), None when there is none in force."""
        span = self.filters.duration_range()
        return None if span is None else charts.bucket_label(*span)


def listing(request: Request) -> Listing:
    """Shared by the page and /api/cassettes so both read the query string the same way."""
    params = request.query_params
    sort = params.get("sort") or "path"
    if sort not in SORTS:
        raise HTTPException(400, f"sort must be one of {', '.join(SORTS)}")
    desc = params.get("desc") in ("1", "true")
    limit = int_param(request, "limit", PAGE_SIZE, 1, 1000)
    offset = int_param(request, "offset", 0)
    filters = Filters.from_query(params)
    rows, total = index(request).list_cassettes(filters, sort, desc, limit, offset)
    return Listing(filters, sort, desc, limit, offset, rows, total)


def _groups(lst: Listing) -> list[tuple[str, list[CassetteSummary]]]:
    """Consecutive rows of one folder under one heading (only when sorted by path)."""
    if lst.sort != "path":
        return [("", lst.rows)]
    groups: list[tuple[str, list[CassetteSummary]]] = []
    for row in lst.rows:
        if not groups or groups[-1][0] != row.folder:
            groups.append((row.folder, []))
        groups[-1][1].append(row)
    return groups


def _links(lst: Listing) -> dict[str, Any]:
    base = lst.filters.to_query()
    state = {"sort": lst.sort if lst.sort != "path" else "", "desc": "1" if lst.desc else ""}
    sort_links = {}
    for col in SORTS:
        flip = col == lst.sort and not lst.desc
        sort_links[col] = "/" + query(
            {**base, "sort": "" if col == "path" else col, "desc": "1" if flip else ""}
        )
    limit = "" if lst.limit == PAGE_SIZE else lst.limit
    prev_url = next_url = None
    if lst.offset > 0:
        prev_url = "/" + query(
            {**base, **state, "limit": limit, "offset": max(0, lst.offset - lst.limit) or ""}
        )
    if lst.offset + lst.limit < lst.total:
        next_url = "/" + query({**base, **state, "limit": limit, "offset": lst.offset + lst.limit})
    data = query({**base, **state})
    return {
        "sort_links": sort_links,
        "prev_url": prev_url,
        "next_url": next_url,
        "json_url": "/api/cassettes" + data,
        "csv_url": "/cassettes.csv" + data,
    }


def _folder_tree(request: Request, lst: Listing) -> list[dict[str, Any]]:
    """Top-level folders, plus the children of the open folder and of each of its ancestors.

    A tree of thousands of folders would weigh more than the page it sits on; this way the
    reader walks down one level per click, and the open path stays visible.
    """
    current = lst.filters.folder
    open_folders = {""} | {
        "/".join(current.split("/")[:i]) for i in range(1, current.count("/") + 2)
    }
    base = {k: v for k, v in lst.filters.to_query().items() if k != "folder"}
    folders = live(request).memo("folders", index(request).folders)
    parents = {folder.rpartition("/")[0] for folder, _ in folders}
    tree = []
    for folder, count in folders:
        parent = folder.rpartition("/")[0]
        if parent not in open_folders:
            continue
        tree.append(
            {
                "folder": folder,
                "name": folder.rsplit("/", 1)[-1],
                "depth": min(folder.count("/"), 6),
                "count": count,
                "url": "/" + query({**base, "folder": folder}),
                "current": folder == current,
                "open": folder in open_folders,
                "has_children": folder in parents,
            }
        )
    return tree


@router.get("/")
@cached
def home(request: Request) -> Response:
    if request.headers.get("hx-trigger") == "indexing-poll" and not live(request).status.building:
        # The first index is done: reload the whole page, so the filters get their facets too.
        return Response(status_code=204, headers={"hx-refresh": "true"})
    redirect = canonical(request)
    if redirect is not None:
        return redirect
    lst = listing(request)
    ctx = page_context(
        request, "Cassettes", "cassettes", listing=lst, groups=_groups(lst), **_links(lst)
    )
    if not wants_json(request) and not is_partial(request):
        idx = index(request)
        ctx["facets"] = live(request).memo(("facets", lst.filters), lambda: idx.facets(lst.filters))
        ctx["facet_names"] = FACETS
        ctx["folders"] = _folder_tree(request, lst)
        ctx["all_url"] = "/" + query(
            {k: v for k, v in lst.filters.to_query().items() if k != "folder"}
        )
    return respond(request, "index.html", ctx, lst.to_json, partial="_partials/cassettes.html")


# A CSV download lists every match, read from the index a page at a time, up to this many.
CSV_LIMIT = 50_000
CSV_COLUMNS = (
    "path", "format", "interactions", "apis", "models", "tools", "statuses", "failed",
    "warnings", "unreadable", "input_tokens", "output_tokens", "total_tokens",
    "cost_reported_usd", "cost_estimated_usd", "unpriced",
)  # fmt: skip


def _csv_row(s: CassetteSummary) -> list[Any]:
    u = s.usage
    return [
        s.path, s.format, s.interactions, " ".join(s.apis), " ".join(s.models),
        " ".join(s.tools), " ".join(str(c) for c in s.statuses), s.failed, len(s.warnings),
        "; ".join(s.errors), u.input_tokens, u.output_tokens, u.total_tokens,
        u.cost_reported_usd, u.cost_estimated_usd, u.unpriced,
    ]  # fmt: skip


@router.get("/cassettes.csv")
def cassettes_csv(request: Request) -> Response:
    lst = listing(request)
    idx = index(request)
    rows: list[list[Any]] = []
    offset = 0
    while offset < CSV_LIMIT:
        page, _total = idx.list_cassettes(lst.filters, lst.sort, lst.desc, 1000, offset)
        rows += [_csv_row(s) for s in page]
        if len(page) < 1000:
            break
        offset += 1000
    return csv_response("tapedeck-cassettes.csv", CSV_COLUMNS, rows)
