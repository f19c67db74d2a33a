"""The usage page: where tokens, money and time go, grouped, charted and downloadable.

Everything is answered from the index (no cassette is read again): four groupings from
`Index.usage`, and status codes, errors and the latency histogram from one extra pass over the
interactions. The page, its JSON twin and the CSV downloads are built from the same `UsageView`,
so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app import charts
from app.charts import Chart, Item, PriceSource
from app.index import Filters, Index, UsageGroup, UsageTotals, sum_totals
from app.index.schema import folder_of
from app.web.browse import FACETS
from app.web.csvfile import csv_response
from app.web.deps import canonical, index, live, page_context
from app.web.pagecache import cached
from app.web.render import respond
from app.web.urls import cassette_url, query

router = APIRouter()

# Rows shown per grouping before the rest is folded into one "others" row.
TOP_N = 12
# The first three are positions 0-2 of the usage cube's keys.
GROUPINGS = (("model", "Model"), ("provider", "Provider"), ("api", "API"), ("cassette", "Cassette"))
TOKEN_COLUMNS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "total_tokens",
)
GROUP_CSV_COLUMNS = (
    "key",
    "interactions",
    *TOKEN_COLUMNS,
    "cache_hit_ratio",
    "cost_reported_usd",
    "cost_estimated_usd",
    "unpriced",
)
# Tables the CSV download knows, beyond the groupings.
EXTRA_TABLES = ("status", "errors", "latency", "interactions")
INTERACTION_CSV_COLUMNS = (
    "path",
    "index",
    "api",
    "provider",
    "model",
    "status",
    "duration_ms",
    "streaming",
    "finish_reason",
    "error_type",
    *TOKEN_COLUMNS,
    "cost_usd",
    "cost_source",
)


@dataclass(frozen=True, slots=True)
class GroupRow:
    key: str
    label: str
    href: str | None
    usage: UsageTotals
    hit_ratio: float | None
    others: int = 0  # groups folded into this row; 0 for a real group

    def to_json(self) -> dict[str, Any]:
        out = {
            "key": self.key,
            "interactions": self.usage.interactions,
            "usage": self.usage.to_json(),
            "cache_hit_ratio": self.hit_ratio,
        }
        if self.others:
            out["others"] = self.others
        return out


@dataclass(frozen=True, slots=True)
class Grouping:
    name: str
    title: str
    rows: list[GroupRow]
    groups: int  # before folding into "others"
    tokens: Chart
    cost: Chart | None  # None when no group has a known price: the page says so instead


@dataclass(frozen=True, slots=True)
class CountRow:
    key: str
    label: str
    href: str | None
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "interactions": self.count}


@dataclass(frozen=True, slots=True)
class LatencyRow:
    low_ms: float
    high_ms: float | None
    label: str
    count: int
    href: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"low_ms": self.low_ms, "high_ms": self.high_ms, "interactions": self.count}


@dataclass(frozen=True, slots=True)
class UsageView:
    filters: Filters
    total: UsageTotals
    groupings: list[Grouping]
    cache: Chart
    cache_rows: list[GroupRow]
    latency: Chart
    latency_rows: list[LatencyRow]
    no_duration: int
    statuses: Chart
    status_rows: list[CountRow]
    errors: Chart
    error_rows: list[CountRow]
    price: PriceSource

    def to_json(self) -> dict[str, Any]:
        return {
            "filters": self.filters.to_query(),
            "total": {**self.total.to_json(), "cache_hit_ratio": _hit(self.total)},
            "groups": {g.name: [r.to_json() for r in g.rows] for g in self.groupings},
            "latency": {
                "buckets": [r.to_json() for r in self.latency_rows],
                "not_recorded": self.no_duration,
            },
            "statuses": [r.to_json() for r in self.status_rows],
            "errors": [r.to_json() for r in self.error_rows],
            "price_source": self.price.to_json(),
        }


def _hit(u: UsageTotals) -> float | None:
    return charts.ratio(u.cached_input_tokens, u.input_tokens)


def _filter_url(f: Filters, **extra: str) -> str:
    """The cassette browser showing what a bar counts: the page's filters plus the bar's own."""
    return "/" + query({**f.to_query(), **extra})


def _group_href(name: str, key: str, f: Filters) -> str | None:
    if key == "(none)":
        return None
    if name == "cassette":
        return cassette_url(key)
    return _filter_url(f, **{name: key})


def group_rows(
    name: str, shown: Sequence[UsageGroup], f: Filters, n_others: int, others: UsageTotals
) -> list[GroupRow]:
    """The groups shown one by one, then the rest folded into one "others" row."""
    rows = [
        GroupRow(g.key, g.key, _group_href(name, g.key, f), g.usage, _hit(g.usage)) for g in shown
    ]
    if n_others:
        noun = "cassettes" if name == "cassette" else f"{name}s"
        label = f"{n_others:,} other {noun}"
        rows.append(GroupRow("(others)", label, None, others, _hit(others), n_others))
    return rows


def _rank(g: UsageGroup) -> tuple[float, int, str]:
    """Index.usage's order: most cost first (any source), then most tokens, then by name."""
    u = g.usage
    return (
        -((u.cost_reported_usd or 0) + (u.cost_estimated_usd or 0)),
        -(u.total_tokens or 0),
        g.key,
    )


def fold(cube: Iterable[tuple[tuple[Any, ...], UsageTotals]], position: int) -> list[UsageGroup]:
    """Groups by one key of the usage cube, named and ordered as Index.usage names them."""
    parts: dict[str, list[UsageTotals]] = {}
    for keys, u in cube:
        key = keys[position]
        parts.setdefault("(none)" if key is None else str(key), []).append(u)
    return sorted((UsageGroup(k, sum_totals(us)) for k, us in parts.items()), key=_rank)


def _token_item(r: GroupRow) -> Item:
    u = r.usage
    values = charts.token_values(
        u.input_tokens,
        u.output_tokens,
        u.cached_input_tokens,
        u.cache_write_tokens,
        u.reasoning_tokens,
    )
    return Item(r.label, values, r.href)


def _cost_item(r: GroupRow) -> Item:
    u = r.usage
    has_cost = u.cost_reported_usd is not None or u.cost_estimated_usd is not None
    values = (u.cost_reported_usd, u.cost_estimated_usd)
    return Item(r.label, values, r.href, charts.cost_note(has_cost, u.unpriced))


def grouping(name: str, title: str, rows: list[GroupRow], groups: int) -> Grouping:
    tokens = charts.bar_chart(
        f"u-{name}-tokens",
        f"Tokens by {title.lower()}",
        "tokens",
        charts.TOKEN_SERIES,
        [_token_item(r) for r in rows],
    )
    cost = charts.bar_chart(
        f"u-{name}-cost",
        f"Cost by {title.lower()}",
        "usd",
        charts.COST_SERIES,
        [_cost_item(r) for r in rows],
    )
    priced = any(not r.empty for r in cost.rows)
    return Grouping(name, title, rows, groups, tokens, cost if priced else None)


def _groupings(
    idx: Index, f: Filters, cube: list[tuple[tuple[Any, ...], UsageTotals]]
) -> list[Grouping]:
    out = []
    for position, (name, title) in enumerate(GROUPINGS):
        if name == "cassette":
            shown, n_others, others = idx.cassette_usage_top(f, TOP_N)
        else:
            groups = fold(cube, position)
            shown, rest = groups[:TOP_N], groups[TOP_N:]
            n_others, others = len(rest), sum_totals([g.usage for g in rest])
        rows = group_rows(name, shown, f, n_others, others)
        out.append(grouping(name, title, rows, len(shown) + n_others))
    return out


def _cache_item(r: GroupRow) -> Item:
    if r.hit_ratio is not None:
        return Item(r.label, (r.hit_ratio,), r.href)
    note = "no input counts" if not r.usage.input_tokens else "no cache figures"
    return Item(r.label, (None,), r.href, note)


def build_view(idx: Index, f: Filters) -> UsageView:
    """One scan of the interactions (the usage cube) and one of the cassettes feed every chart."""
    cube = idx.usage_cube(f, charts.DURATION_EDGES)
    groupings = _groupings(idx, f, cube)
    total = sum_totals([u for _, u in cube])
    cache_rows = groupings[0].rows
    cache = charts.bar_chart(
        "u-cache",
        "Cache-hit ratio by model (cached input / input)",
        "ratio",
        (charts.Series("hit", "cache-hit ratio"),),
        [_cache_item(r) for r in cache_rows],
        scale_max=1.0,
    )
    statuses: dict[int | None, int] = {}
    errors: dict[str, int] = {}
    buckets = [0] * (len(charts.DURATION_EDGES) + 1)
    no_duration = 0
    for (_model, _provider, _api, status, error_type, bucket), u in cube:
        n = u.interactions
        statuses[status] = statuses.get(status, 0) + n
        if error_type is not None:
            errors[error_type] = errors.get(error_type, 0) + n
        if bucket is None:
            no_duration += n
        else:
            buckets[bucket] += n
    status_rows = [
        CountRow(
            "(none)" if s is None else str(s),
            "no response" if s is None else str(s),
            None if s is None else _filter_url(f, status=str(s)),
            n,
        )
        for s, n in sorted(statuses.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    ]
    error_rows = [
        CountRow(e, e, _filter_url(f, has_error="true"), n)
        for e, n in sorted(errors.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    latency_rows = [
        LatencyRow(
            lo,
            hi,
            charts.bucket_label(lo, hi),
            n,
            _filter_url(f, duration=charts.duration_filter(lo, hi)) if n else None,
        )
        for (lo, hi), n in zip(charts.duration_buckets(), buckets, strict=True)
    ]
    return UsageView(
        filters=f,
        total=total,
        groupings=groupings,
        cache=cache,
        cache_rows=cache_rows,
        latency=charts.histogram_chart(
            "u-latency",
            "Latency of recorded interactions",
            buckets,
            [r.href for r in latency_rows],
        ),
        latency_rows=latency_rows,
        no_duration=no_duration,
        statuses=_count_chart("u-status", "Interactions by HTTP status", status_rows),
        status_rows=status_rows,
        errors=_count_chart("u-errors", "Interactions with an error, by error type", error_rows),
        error_rows=error_rows,
        price=charts.price_source(),
    )


def _count_chart(chart_id: str, title: str, rows: Sequence[CountRow]) -> Chart:
    items = [Item(r.label, (float(r.count),), r.href) for r in rows]
    return charts.bar_chart(chart_id, title, "count", (charts.COUNT,), items)


def _csv_url(table: str, f: Filters) -> str:
    return "/usage.csv" + query({"table": table, **f.to_query()})


def cached_view(request: Request, f: Filters) -> UsageView:
    """The view is a pure function of the index, so it is computed once per index generation."""
    idx = index(request)
    return live(request).memo(("usage", f), lambda: build_view(idx, f), keep_warm=True)


@router.get("/usage")
@cached
def usage_page(request: Request) -> Response:
    redirect = canonical(request)
    if redirect is not None:
        return redirect
    f = Filters.from_query(request.query_params)
    view = cached_view(request, f)
    idx = index(request)
    ctx = page_context(
        request,
        "Usage",
        "usage",
        view=view,
        filters=f,
        facets=live(request).memo(("usage-facets", f), lambda: idx.facets(f), keep_warm=True),
        facet_names=FACETS,
        api_url="/api/usage" + query({"group_by": "model", **f.to_query()}),
        csv_urls={t: _csv_url(t, f) for t in (*(n for n, _ in GROUPINGS), *EXTRA_TABLES)},
    )
    return respond(request, "usage.html", ctx, view.to_json)


def _csv_rows(request: Request, table: str, f: Filters) -> tuple[Sequence[str], list[Any]]:
    idx = index(request)
    path = request.query_params.get("path", "")
    if table in (name for name, _ in GROUPINGS):
        rows = []
        for g in idx.usage(table, f):
            u = g.usage
            tokens = [getattr(u, c) for c in TOKEN_COLUMNS]
            costs = [u.cost_reported_usd, u.cost_estimated_usd, u.unpriced]
            rows.append([g.key, u.interactions, *tokens, _hit(u), *costs])
        return GROUP_CSV_COLUMNS, rows
    if table == "interactions":
        # One cassette's rows (from its page): its folder narrows the query, the path picks it.
        found = idx.interaction_rows(replace(f, folder=folder_of(path)) if path else f)
        if path:
            found = [r for r in found if r["path"] == path]
        return INTERACTION_CSV_COLUMNS, [[r[c] for c in INTERACTION_CSV_COLUMNS] for r in found]
    view = cached_view(request, f)
    if table == "status":
        return ("status", "interactions"), [[r.key, r.count] for r in view.status_rows]
    if table == "errors":
        return ("error_type", "interactions"), [[r.key, r.count] for r in view.error_rows]
    latency = [[r.label, r.low_ms, r.high_ms, r.count] for r in view.latency_rows]
    latency.append(["not recorded", None, None, view.no_duration])
    return ("bucket", "low_ms", "high_ms", "interactions"), latency


@router.get("/usage.csv")
def usage_csv(request: Request) -> Response:
    params = request.query_params
    table = params.get("table", "model")
    known = (*(n for n, _ in GROUPINGS), *EXTRA_TABLES)
    if table not in known:
        raise HTTPException(400, f"table must be one of {', '.join(known)}")
    f = Filters.from_query(params)
    header, rows = _csv_rows(request, table, f)
    return csv_response(f"tapedeck-usage-{table}.csv", header, rows)
