"""The /usage page, its JSON twin and CSV downloads, and the cassette page's charts, as a user
(or a screen reader, or a spreadsheet) would see them."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest
from fastapi.testclient import TestClient

from app.index import Filters, Index
from tests.charts.conftest import FORMULA, HOSTILE

SVG = "{http://www.w3.org/2000/svg}"


def svgs(html: str) -> dict[str, ET.Element]:
    """Every inline chart of a page, parsed as XML, by id."""
    found = {}
    for text in re.findall(r"<svg\b.*?</svg>", html, re.S):
        root = ET.fromstring(text)
        found[root.attrib["id"]] = root
    return found


def child_text(el: ET.Element, tag: str) -> str:
    found = el.find(f"{SVG}{tag}")
    assert found is not None, tag
    return found.text or ""


def segments(chart: ET.Element) -> list[tuple[str, str, float, float, float]]:
    """(row label, series, value, y, width) of each drawn bar segment."""
    out = []
    for bar in chart.iter():
        if bar.get("class") != "bar":
            continue
        label = child_text(bar, "text")
        for rect in bar.iter(f"{SVG}rect"):
            series = rect.attrib["class"].split()[1].removeprefix("s-")
            value = float(rect.attrib["data-value"])
            out.append((label, series, value, float(rect.attrib["y"]), float(rect.attrib["width"])))
    return out


@pytest.fixture(scope="module")
def page(client: TestClient) -> str:
    r = client.get("/usage")
    assert r.status_code == 200
    return r.text


def test_every_chart_parses_and_bars_are_proportional(page: str) -> None:
    charts = svgs(page)
    expected = {"model", "provider", "api", "cassette"}
    assert {f"u-{g}-{k}" for g in expected for k in ("tokens", "cost")} <= set(charts)
    assert {"u-cache", "u-latency", "u-status", "u-errors"} <= set(charts)
    for chart_id, chart in charts.items():
        assert chart.get("aria-labelledby") == f"{chart_id}-title"
        assert child_text(chart, "title")
        drawn = [(v, w) for *_, v, _y, w in segments(chart) if v > 0]
        assert drawn, chart_id
        scale = drawn[0][1] / drawn[0][0]
        for v, w in drawn:
            assert w == pytest.approx(v * scale, rel=1e-3, abs=0.01), chart_id


def test_token_stacks_show_each_model_total(page: str, index: Index) -> None:
    stacks: dict[str, float] = defaultdict(float)
    for label, _series, value, _y, _w in segments(svgs(page)["u-model-tokens"]):
        stacks[label] += value
    totals = {g.key: g.usage.total_tokens for g in index.usage("model", Filters())}
    assert stacks["gpt-4o"] == totals["gpt-4o"] == 5000 + 800 + 6000 + 400
    assert stacks["o3-mini"] == 5000


def test_reported_and_estimated_cost_never_mix(page: str, index: Index) -> None:
    rows = index.interaction_rows(Filters())
    reported = sum(r["cost_usd"] for r in rows if r["cost_source"] == "reported")
    estimated = sum(r["cost_usd"] for r in rows if r["cost_source"] == "estimated")
    for grouping in ("model", "provider", "api", "cassette"):
        segs = segments(svgs(page)[f"u-{grouping}-cost"])
        assert {s[1] for s in segs} == {"reported", "estimated"}
        assert sum(s[2] for s in segs if s[1] == "reported") == pytest.approx(reported)
        assert sum(s[2] for s in segs if s[1] == "estimated") == pytest.approx(estimated)
        lanes = defaultdict(set)
        for label, series, _v, y, _w in segs:
            lanes[(label, y)].add(series)
        assert all(len(s) == 1 for s in lanes.values()), "a bar mixes reported and estimated"
    estimated_rects = re.findall(r'<rect class="seg s-estimated"[^>]*>', page)
    assert estimated_rects
    assert all('fill="url(#' in r for r in estimated_rects)
    assert not re.search(r'<rect class="seg s-reported"[^>]*fill="url', page)  # solid


def test_totals_name_both_costs_and_the_price_source(client: TestClient, index: Index) -> None:
    data = client.get("/usage", headers={"accept": "application/json"}).json()
    rows = index.interaction_rows(Filters())
    total = data["total"]
    assert total["cost_reported_usd"] == pytest.approx(0.0143)
    assert total["cost_estimated_usd"] == pytest.approx(
        sum(r["cost_usd"] for r in rows if r["cost_source"] == "estimated")
    )
    assert total["unpriced"] == 3  # mystery model, hostile and formula names: no price known
    price = data["price_source"]
    assert price["name"] == "genai-prices"
    assert price["version"]
    assert price["data_date"]
    page = client.get("/usage").text
    assert f"genai-prices {price['version']}" in page
    assert price["data_date"] in page


def test_a_model_without_price_says_no_price_not_zero(page: str) -> None:
    chart = svgs(page)["u-model-cost"]
    for bar in chart.iter():
        if bar.get("class") == "bar" and child_text(bar, "text") == "mystery-model-x":
            assert list(bar.iter(f"{SVG}rect")) == []
            notes = [t.text for t in bar.iter(f"{SVG}text") if t.get("class") == "note"]
            assert notes == ["no price"]
            assert "$0" not in child_text(bar, "title")
            break
    else:
        pytest.fail("no bar for the unpriced model")


def test_hostile_names_are_escaped_in_svg_and_tables(page: str) -> None:
    assert HOSTILE not in page
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    assert f'text-anchor="end">{escaped}</text>' in page  # SVG label
    assert f">{escaped}</a></th>" in page  # table cell
    labels = [
        t.text
        for chart in svgs(page).values()
        for t in chart.iter(f"{SVG}text")
        if t.get("class") == "label"
    ]
    assert HOSTILE in labels  # parsed back, it is the name as recorded


def test_bars_are_focusable_links_with_their_numbers(page: str) -> None:
    chart = svgs(page)["u-model-tokens"]
    links = list(chart.iter(f"{SVG}a"))
    by_label = {child_text(a, "text"): a for a in links}
    gpt = by_label["gpt-4o"]
    assert gpt.attrib["href"] == "/?model=gpt-4o"
    assert child_text(gpt, "title") == (
        "gpt-4o: uncached input 8,000; cached input 3,000; output 1,200"
    )
    cassettes = svgs(page)["u-cassette-tokens"]
    hrefs = {a.attrib["href"] for a in cassettes.iter(f"{SVG}a")}
    assert "/cassettes/agents/plan.yaml" in hrefs
    others = [g for g in cassettes.iter(f"{SVG}g") if g.get("class") == "bar"]
    assert others
    assert others[0].get("tabindex") == "0"
    assert "other cassettes" in child_text(others[0], "text")


def test_filters_in_the_query_string_narrow_every_chart(client: TestClient) -> None:
    data = client.get("/usage?model=o3-mini", headers={"accept": "application/json"}).json()
    assert data["filters"] == {"model": "o3-mini"}
    assert [g["key"] for g in data["groups"]["cassette"]] == ["agents/plan.yaml"]
    page = client.get("/usage?model=o3-mini").text
    assert 'href="/?model=gpt-4o"' in page  # the same cassette's other models still count
    assert "/usage.csv?table=model&amp;model=o3-mini" in page


def test_status_errors_and_latency(client: TestClient) -> None:
    data = client.get("/usage", headers={"accept": "application/json"}).json()
    statuses = {s["key"]: s["interactions"] for s in data["statuses"]}
    assert statuses == {"200": 22, "429": 1}
    assert data["errors"] == [{"key": "rate_limit_exceeded", "interactions": 1}]
    buckets = [b["interactions"] for b in data["latency"]["buckets"]]
    # 40 and 80 ms; 300 ms; 2 s and 17 x 1.25 s; 14 s; one without a duration
    assert buckets == [2, 0, 1, 0, 18, 0, 0, 1, 0, 0]
    assert data["latency"]["not_recorded"] == 1


def test_latency_bars_lead_to_the_cassettes_with_such_a_call(client: TestClient, page: str) -> None:
    chart = svgs(page)["u-latency"]
    hrefs = {child_text(a, "text"): a.attrib["href"] for a in chart.iter(f"{SVG}a")}
    assert hrefs["10 s – 30 s"] == "/?duration=10000-30000"
    assert "100 ms – 250 ms" not in hrefs  # an empty bucket leads nowhere
    assert 'href="/?duration=10000-30000"' in page  # and so does the table beside the chart
    slow = client.get(hrefs["10 s – 30 s"], headers={"accept": "application/json"}).json()
    assert [c["path"] for c in slow["cassettes"]] == ["agents/plan.yaml"]  # the 14 s call
    home = client.get(hrefs["10 s – 30 s"]).text
    assert "with a call that took 10 s – 30 s" in home
    assert 'name="duration" value="10000-30000"' in home  # kept when other filters change
    everything = client.get("/api/cassettes").json()["total"]
    fast = client.get("/api/cassettes", params={"duration": "0-100"}).json()["total"]
    assert 0 < fast < everything
    assert client.get("/api/cassettes", params={"duration": "60000-"}).json()["total"] == 0
    assert client.get("/api/cassettes", params={"duration": "fast"}).json()["total"] == everything


def test_csv_downloads(client: TestClient, index: Index) -> None:
    r = client.get("/usage.csv?table=model")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    groups = {g.key: g.usage for g in index.usage("model", Filters())}
    by_key = {row["key"]: row for row in rows}
    assert set(by_key) == {k if k != FORMULA else "'" + k for k in groups}
    assert int(by_key["gpt-4o"]["total_tokens"]) == groups["gpt-4o"].total_tokens
    assert by_key["mystery-model-x"]["cost_estimated_usd"] == ""  # unknown, not 0
    assert by_key["mystery-model-x"]["unpriced"] == "1"
    cassettes = list(csv.DictReader(io.StringIO(client.get("/usage.csv?table=cassette").text)))
    assert len(cassettes) == 19  # every cassette, not only the top of the chart
    for table in ("provider", "api", "status", "errors", "latency", "interactions"):
        r = client.get(f"/usage.csv?table={table}&provider=openai")
        assert r.status_code == 200, table
        assert len(r.text.splitlines()) > 1, table
    one = client.get("/usage.csv?table=interactions&path=agents/plan.yaml").text
    assert len(list(csv.DictReader(io.StringIO(one)))) == 4
    assert client.get("/usage.csv?table=nope").status_code == 400


def test_api_usage_groups(client: TestClient) -> None:
    r = client.get("/api/usage?group_by=provider")
    assert {g["key"] for g in r.json()["groups"]} == {"openai", "openrouter"}


def test_cassette_page_charts_per_interaction(client: TestClient) -> None:
    page = client.get("/cassettes/agents/plan.yaml").text
    charts = svgs(page)
    assert set(charts) == {"c-tokens", "c-cost", "c-duration"}
    tokens = segments(charts["c-tokens"])
    first = {s: v for label, s, v, _y, _w in tokens if label.startswith("#0 ")}
    assert first == {"uncached": 2000, "cached": 3000, "output": 800}
    third = {s: v for label, s, v, _y, _w in tokens if label.startswith("#2 ")}
    assert third == {"uncached": 2000, "output": 500, "reasoning": 2500}
    links = [a.attrib["href"] for a in charts["c-tokens"].iter(f"{SVG}a")]
    assert links == [f"/cassettes/agents/plan.yaml/interactions/{i}" for i in range(4)]
    durations = [s[2] for s in segments(charts["c-duration"])]
    assert durations == [80, 300, 14000, 40]
    assert "no usage recorded" in page  # the rate-limited call
    cost = segments(charts["c-cost"])
    assert {s[1] for s in cost} == {"estimated"}


def test_cassette_page_reported_cost_is_solid(client: TestClient) -> None:
    page = client.get("/cassettes/agents/router.yaml").text
    cost = segments(svgs(page)["c-cost"])
    assert [(s[1], s[2]) for s in cost] == [("reported", 0.0123), ("reported", 0.002)]
    assert "c-duration" in svgs(page)  # one of the two has a duration
