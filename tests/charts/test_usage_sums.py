"""Every grouping of the usage page adds up to the per-interaction figures it is built from."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from app import charts
from app.index import Filters, Index, UsageTotals, sum_totals
from app.index.extract import TOKEN_FIELDS
from app.web import usage

GROUP_KEY = {
    "model": lambda r: r["model"] or "(none)",
    "provider": lambda r: r["provider"] or "(none)",
    "api": lambda r: r["api"],
    "cassette": lambda r: r["path"],
    "status": lambda r: "(none)" if r["status"] is None else str(r["status"]),
}


def _expected(rows: list[dict[str, Any]], key: Any) -> dict[str, dict[str, Any]]:
    """What a group must say, summed here by hand from the interaction rows."""
    out: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"interactions": 0, "unpriced": 0, "reported": None, "estimated": None}
    )
    for r in rows:
        g = out[key(r)]
        g["interactions"] += 1
        for t in TOKEN_FIELDS:
            if r[t] is not None:
                g[t] = g.get(t, 0) + r[t]
        source = r["cost_source"]
        if r["cost_usd"] is not None:
            g[source] = (g[source] or 0.0) + r["cost_usd"]
        elif r["total_tokens"]:
            g["unpriced"] += 1
    return out


FILTERS = [Filters(), Filters(provider="openai"), Filters(folder="agents"), Filters(has_error=True)]


@pytest.mark.parametrize("group_by", list(GROUP_KEY))
@pytest.mark.parametrize("f", FILTERS, ids=lambda f: str(f.to_query()) or "all")
def test_groups_add_up_to_the_interactions(index: Index, group_by: str, f: Filters) -> None:
    rows = index.interaction_rows(f)
    assert rows, "the filter should leave some interactions"
    expected = _expected(rows, GROUP_KEY[group_by])
    groups = index.usage(group_by, f)
    assert {g.key for g in groups} == set(expected)
    for g in groups:
        want = expected[g.key]
        u = g.usage
        assert u.interactions == want["interactions"], g.key
        for t in TOKEN_FIELDS:
            assert getattr(u, t) == want.get(t), (g.key, t)
        assert u.cost_reported_usd == pytest.approx(want["reported"]), g.key
        assert u.cost_estimated_usd == pytest.approx(want["estimated"]), g.key
        assert u.unpriced == want["unpriced"], g.key


def test_the_fixture_has_both_cost_sources_and_an_unpriced_model(index: Index) -> None:
    rows = index.interaction_rows(Filters())
    sources = {r["cost_source"] for r in rows}
    assert {"reported", "estimated", None} <= sources
    mystery = [r for r in rows if r["model"] == "mystery-model-x"]
    assert mystery
    assert mystery[0]["cost_usd"] is None


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: str(f.to_query()) or "all")
def test_usage_cube_counts_every_interaction_once(index: Index, f: Filters) -> None:
    rows = index.interaction_rows(f)
    cube = index.usage_cube(f, charts.DURATION_EDGES)
    assert sum(u.interactions for _, u in cube) == len(rows)
    by_bucket: dict[int | None, int] = defaultdict(int)
    by_status: dict[int | None, int] = defaultdict(int)
    for (_m, _p, _a, status, _error, bucket), u in cube:
        by_bucket[bucket] += u.interactions
        by_status[status] += u.interactions
    want_bucket: dict[int | None, int] = defaultdict(int)
    want_status: dict[int | None, int] = defaultdict(int)
    for r in rows:
        ms = r["duration_ms"]
        want_bucket[None if ms is None else charts.bucket_of(ms)] += 1
        want_status[r["status"]] += 1
    assert dict(by_bucket) == dict(want_bucket)
    assert dict(by_status) == dict(want_status)


def _same(a: UsageTotals, b: UsageTotals) -> None:
    assert a.interactions == b.interactions
    for t in TOKEN_FIELDS:
        assert getattr(a, t) == getattr(b, t), t
    assert a.cost_reported_usd == pytest.approx(b.cost_reported_usd)
    assert a.cost_estimated_usd == pytest.approx(b.cost_estimated_usd)
    assert a.unpriced == b.unpriced


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: str(f.to_query()) or "all")
def test_the_page_groups_are_index_usage_groups(index: Index, f: Filters) -> None:
    """The page folds one pass over the index into groups; they must be Index.usage's."""
    view = usage.build_view(index, f)
    for g in view.groupings:
        want = index.usage(g.name, f)
        shown = [r for r in g.rows if not r.others]
        assert [r.key for r in shown] == [w.key for w in want[: len(shown)]], g.name
        for r, w in zip(shown, want, strict=False):
            _same(r.usage, w.usage)
        folded = [r for r in g.rows if r.others]
        if folded:
            assert folded[0].others == len(want) - len(shown)
            _same(folded[0].usage, sum_totals([w.usage for w in want[len(shown) :]]))
        assert g.groups == len(want)
    _same(view.total, index.usage_total(f))


def test_others_fold_the_long_tail(index: Index) -> None:
    view = usage.build_view(index, Filters())
    cassettes = next(g for g in view.groupings if g.name == "cassette")
    assert len(cassettes.rows) == usage.TOP_N + 1
    assert cassettes.rows[-1].label == f"{19 - usage.TOP_N} other cassettes"
