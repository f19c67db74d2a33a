"""app.charts as data: scales, bar lengths, stacks, lanes, histogram buckets, price source."""

from __future__ import annotations

import datetime as dt
from importlib.metadata import version

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import charts
from app.charts import COST_SERIES, TOKEN_SERIES, Item, Series
from app.model import Cassette, Interaction, Usage


@pytest.mark.parametrize(
    ("biggest", "top"),
    [(0, 1.0), (7, 8.0), (10, 10.0), (11, 15.0), (999, 1000.0), (0.0123, 0.015), (26, 30.0)],
)
def test_scale_top_is_a_round_number_at_or_above_the_biggest(biggest: float, top: float) -> None:
    ticks = charts.nice_scale(biggest)
    assert ticks[0] == 0
    assert ticks[-1] == pytest.approx(top)
    assert ticks == sorted(ticks)


def test_count_scales_step_by_whole_numbers() -> None:
    assert charts.nice_scale(2, integer=True) == [0, 1, 2]


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=30))
def test_bar_lengths_are_proportional_to_values(values: list[int]) -> None:
    c = charts.bar_chart("t", "t", "count", (charts.COUNT,), [Item(str(v), (v,)) for v in values])
    assert max(values) <= c.scale_max
    for row, v in zip(c.rows, values, strict=True):
        width = sum(s.width for s in row.segments)
        assert width == pytest.approx(v / c.scale_max * c.plot_width, abs=0.01)
        assert width <= c.plot_width + 0.01


def test_token_parts_add_up_to_the_total() -> None:
    # input 5000 of which 3000 cache reads and 500 cache writes; output 800 of which 300 reasoning
    parts = charts.token_values(5000, 800, 3000, 500, 300)
    assert parts == (1500, 3000, 500, 500, 300)
    assert sum(p or 0 for p in parts) == 5800


def test_unreported_parts_stay_unreported() -> None:
    assert charts.token_values(100, None, None, None, None) == (100, None, None, None, None)
    assert charts.usage_token_values(None) == (None,) * 5


def test_stacked_segments_touch_and_end_at_the_total() -> None:
    c = charts.bar_chart("t", "t", "tokens", TOKEN_SERIES, [Item("a", (1500, 3000, 500, 500, 300))])
    (row,) = c.rows
    for left, right in zip(row.segments, row.segments[1:], strict=False):
        assert right.x == pytest.approx(left.x + left.width, abs=0.01)
    assert row.ends[0].value == 5800
    assert sum(s.width for s in row.segments) == pytest.approx(c.length(5800), abs=0.01)


def test_reported_and_estimated_cost_are_separate_bars() -> None:
    c = charts.bar_chart("t", "t", "usd", COST_SERIES, [Item("m", (0.5, 0.25))])
    (row,) = c.rows
    reported, estimated = row.segments
    assert reported.series.key == "reported"
    assert estimated.series.key == "estimated"
    assert estimated.series.hatched
    assert not reported.series.hatched
    assert reported.y != estimated.y  # two lanes: never one stack
    assert reported.x == estimated.x == c.plot_x
    assert [e.value for e in row.ends] == [0.5, 0.25]  # each lane's own total, no sum
    assert c.hatched


def test_a_row_without_values_draws_no_bar_and_keeps_its_note() -> None:
    c = charts.bar_chart("t", "t", "usd", COST_SERIES, [Item("m", (None, None), note="no price")])
    assert c.rows[0].empty
    assert c.rows[0].note == "no price"


def test_fixed_scale_for_ratios() -> None:
    c = charts.bar_chart("t", "t", "ratio", (Series("hit", "hit"),), [Item("a", (0.25,))], 1.0)
    assert c.scale_max == 1.0
    assert c.rows[0].segments[0].width == pytest.approx(c.plot_width / 4)


def test_legend_fits_inside_the_chart() -> None:
    c = charts.bar_chart("t", "t", "tokens", TOKEN_SERIES, [Item("a", (1, 1, 1, 1, 1))])
    last = c.legend[-1]
    assert last.text_x + len(last.series.label) * charts.CHAR_WIDTH <= c.width


def test_long_labels_keep_their_head_and_their_end() -> None:
    label = "very/deep/folder/structure/with/a/long/name/session-0042.yaml"
    short = charts.shorten(label)
    assert len(short) == charts.LABEL_CHARS
    assert short.startswith("very/dee…")
    assert short.endswith("session-0042.yaml")
    # What tells a cassette's interactions apart survives: "#0" and "#1" stay.
    a, b = (charts.shorten(f"#{n} moonshotai/kimi-k2-instruct-0905-preview") for n in (0, 1))
    assert a.startswith("#0 ")
    assert b.startswith("#1 ")
    assert a != b


def test_a_bar_is_nearer_its_own_label_than_any_other() -> None:
    items = [Item("a", (0.5, None)), Item("b", (None, 0.25)), Item("c", (0.1, 0.2))]
    c = charts.bar_chart("t", "t", "usd", COST_SERIES, items)
    labels = [r.text_y - 3 for r in c.rows]  # the label's vertical centre
    for n, row in enumerate(c.rows):
        for seg in row.segments:
            middle = seg.y + seg.height / 2
            nearest = min(range(len(labels)), key=lambda k: abs(labels[k] - middle))
            assert nearest == n, (row.label, seg.series.key)
    # An estimated-only row takes one lane, not an empty reported lane above its bar.
    assert c.rows[1].segments[0].y == c.rows[1].y


@pytest.mark.parametrize(
    ("ms", "bucket"), [(0, 0), (99.9, 0), (100, 1), (1000, 4), (59_999, 8), (60_000, 9), (1e9, 9)]
)
def test_duration_buckets(ms: float, bucket: int) -> None:
    assert charts.bucket_of(ms) == bucket


def test_bucket_labels() -> None:
    labels = [charts.bucket_label(lo, hi) for lo, hi in charts.duration_buckets()]
    assert labels[0] == "< 100 ms"
    assert labels[4] == "1 s – 2.5 s"
    assert labels[-1] == "≥ 60 s"


def test_cost_note_never_turns_a_missing_price_into_zero() -> None:
    assert charts.cost_note(has_cost=False, unpriced=2) == "no price"
    assert charts.cost_note(has_cost=True, unpriced=2) == "+ 2 without a price"
    assert charts.cost_note(has_cost=True, unpriced=0) == ""


def test_price_source_names_the_package_and_a_past_data_date() -> None:
    p = charts.price_source()
    assert p.name == "genai-prices"
    assert p.version == version("genai-prices")
    assert dt.date.fromisoformat(p.data_date) <= dt.date.today()


def _interaction(i: int, usage: Usage | None, duration: float | None = None) -> Interaction:
    return Interaction(i, None, "POST", "https://x/v1/chat/completions", 200, duration, None,
                       model="m", usage=usage)  # fmt: skip


def test_cassette_charts_cap_bars_but_sum_every_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "MAX_BARS", 3)
    est = Usage(10, 2, total_tokens=12, cost_usd=0.5, cost_source="estimated")
    rep = Usage(10, 2, total_tokens=12, cost_usd=0.25, cost_source="reported")
    calls = [_interaction(i, est if i % 2 else rep) for i in range(6)]
    cc = charts.cassette_charts(Cassette("a.yaml", "go-vcr-v2", tuple(calls)), lambda p, i: f"#{i}")
    assert cc.shown == 3
    assert cc.interactions == 6
    assert cc.tokens is not None
    assert len(cc.tokens.rows) == 3
    assert cc.cost_reported == pytest.approx(0.75)
    assert cc.cost_estimated == pytest.approx(1.5)
    assert cc.duration is None  # nothing recorded: no empty chart


def test_cost_rows_say_no_usage_or_no_price() -> None:
    est = Usage(10, 2, total_tokens=12, cost_usd=0.5, cost_source="estimated")
    unpriced = Usage(10, 2, total_tokens=12)
    calls = (_interaction(0, None), _interaction(1, unpriced), _interaction(2, est))
    cc = charts.cassette_charts(Cassette("a.yaml", "go-vcr-v2", calls), lambda p, i: f"#{i}")
    assert cc.cost is not None
    assert [r.note for r in cc.cost.rows] == [charts.NO_USAGE, "no price", ""]


def test_cassette_charts_mark_calls_without_usage_or_price() -> None:
    unpriced = Usage(10, 2, total_tokens=12)
    calls = (_interaction(0, None, 5.0), _interaction(1, unpriced, 7.0))
    cc = charts.cassette_charts(Cassette("a.yaml", "go-vcr-v2", calls), lambda p, i: f"#{i}")
    assert cc.cost is None  # nothing priced: no empty $0–$1 axis, the totals say "no price"
    assert cc.unpriced == 1
    assert cc.cost_reported is None
    assert cc.cost_estimated is None
    assert cc.duration is not None
    assert [r.href for r in cc.duration.rows] == ["#0", "#1"]
