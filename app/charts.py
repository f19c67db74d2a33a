"""Chart geometry: numbers in, positions and lengths out.

The SVG macros in templates/_charts.html only draw what this module measured, so a chart can be
checked as data (a bar's length is its value over the scale) without rendering anything, and the
templates stay free of arithmetic. Lengths are SVG user units; one unit is one CSS pixel at the
chart's natural width.

Every chart is a list of rows; a row holds one or more lanes (thin bars stacked vertically) and a
lane holds segments stacked end to end. Series that must never be added up (reported and
estimated cost) live in different lanes, so no bar ever shows their sum.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from app.model import Cassette, Usage
from app.usage import PRICE_SOURCE

# Layout, in user units.
WIDTH = 660.0
LABEL_WIDTH = 190.0
PLOT_X = LABEL_WIDTH + 6
PLOT_WIDTH = 370.0
LANE_HEIGHT = 14.0
ROW_GAP = 6.0
LEGEND_HEIGHT = 22.0
AXIS_HEIGHT = 20.0
TOP_PAD = 4.0
# Rough advance of one character at the chart font size; used to place legend entries and to
# shorten labels so they fit the label column.
CHAR_WIDTH = 6.6
SWATCH = 10.0
# Room left for a bar's value label ("$12.345", "12.3k") before a note may start.
END_LABEL_WIDTH = 56.0
LABEL_CHARS = int((LABEL_WIDTH - 8) / CHAR_WIDTH)

# Upper edges (ms) of the latency histogram buckets; the last bucket is open-ended. Fixed edges
# keep two pages comparable, which automatic binning would not.
DURATION_EDGES: tuple[float, ...] = (100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000)


@dataclass(frozen=True, slots=True)
class Series:
    key: str  # CSS class suffix: the macros draw it with class "s-{key}"
    label: str
    lane: int = 0
    hatched: bool = False


TOKEN_SERIES = (
    Series("uncached", "uncached input"),
    Series("cached", "cached input"),
    Series("cache-write", "cache writes"),
    Series("output", "output"),
    Series("reasoning", "reasoning"),
)
# Two lanes: a group's reported and estimated cost are drawn as two bars, never as one stack.
COST_SERIES = (
    Series("reported", "reported cost"),
    Series("estimated", "estimated cost", lane=1, hatched=True),
)
NO_USAGE = "no usage recorded"
# Bars per chart on a cassette page; the table and the CSV have every interaction.
MAX_BARS = 200
DURATION = Series("duration", "duration")
COUNT = Series("count", "interactions")
# One interaction has one cost and one source, so a single lane cannot add the two up.
COST_SERIES_ONE_LANE = (COST_SERIES[0], Series("estimated", "estimated cost", hatched=True))


@dataclass(frozen=True, slots=True)
class Item:
    """One row's input: a value per series (None: not recorded, so nothing is drawn)."""

    label: str
    values: tuple[float | None, ...]
    href: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Segment:
    series: Series
    value: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class LaneEnd:
    """Where a lane's total is written: just past the end of its bar."""

    value: float
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    short: str
    href: str | None
    note: str
    y: float
    text_y: float
    note_x: float
    segments: tuple[Segment, ...]
    ends: tuple[LaneEnd, ...]

    @property
    def empty(self) -> bool:
        return not self.segments


@dataclass(frozen=True, slots=True)
class Tick:
    value: float
    x: float


@dataclass(frozen=True, slots=True)
class LegendEntry:
    series: Series
    x: float
    text_x: float


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    unit: str  # tokens | usd | ms | count | ratio: how the macros write values
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[LegendEntry, ...]
    scale_max: float
    height: float
    plot_top: float
    plot_bottom: float
    tick_y: float
    width: float = WIDTH
    label_width: float = LABEL_WIDTH
    plot_x: float = PLOT_X
    plot_width: float = PLOT_WIDTH

    @property
    def hatched(self) -> bool:
        return any(s.hatched for s in self.series)

    def length(self, value: float) -> float:
        """A bar's length for `value` on this chart's scale."""
        return bar_length(value, self.scale_max, self.plot_width)


def bar_length(value: float, scale_max: float, plot_width: float = PLOT_WIDTH) -> float:
    if scale_max <= 0 or value <= 0:
        return 0.0
    return round(value / scale_max * plot_width, 3)


def nice_scale(max_value: float, ticks: int = 4, integer: bool = False) -> list[float]:
    """Ticks from 0 to a round top at or above `max_value`, in steps of 1, 2, 2.5 or 5 x 10^k."""
    if max_value <= 0 or not math.isfinite(max_value):
        return [0.0, 1.0]
    raw = max_value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude * ticks >= max_value:
            step = m * magnitude
            break
    if integer:
        step = max(1.0, math.ceil(step))
    n = math.ceil(max_value / step - 1e-9)
    return [round(i * step, 12) for i in range(n + 1)]


def shorten(label: str, limit: int = LABEL_CHARS) -> str:
    """Cut a long label in the middle: its head tells rows apart (`#0`, `#1`, a folder) and its
    tail names the model or file; the whole label is in the row's tooltip."""
    if len(label) <= limit:
        return label
    head = max(1, (limit - 1) // 3)
    return label[:head].rstrip() + "…" + label[-(limit - 1 - head) :]


def bar_chart(
    chart_id: str,
    title: str,
    unit: str,
    series: Sequence[Series],
    items: Sequence[Item],
    scale_max: float | None = None,
) -> Chart:
    """Lay out `items` as horizontal bars; `scale_max` fixes the scale (e.g. 1 for ratios).

    A row is as tall as the lanes it draws: a group with only an estimated cost gets one lane,
    not an empty reported lane above it, so every bar sits beside its own label and no bar
    is nearer to a neighbour's label than to its own."""
    lanes = max((s.lane for s in series), default=0) + 1
    top = TOP_PAD + (LEGEND_HEIGHT if len(series) > 1 else 0.0)
    gap = ROW_GAP if lanes == 1 else ROW_GAP + 4
    biggest = max((_lane_sum(it, series, lane) for it in items for lane in range(lanes)), default=0)
    ticks = nice_scale(biggest, integer=unit == "count") if scale_max is None else _even(scale_max)
    top_value = ticks[-1]
    rows = []
    y = top
    for it in items:
        used = [
            lane
            for lane in range(lanes)
            if any(s.lane == lane and v is not None for s, v in zip(series, it.values, strict=True))
        ] or [0]
        segments: list[Segment] = []
        ends: list[LaneEnd] = []
        for slot, lane in enumerate(used):
            x = PLOT_X
            lane_y = y + slot * LANE_HEIGHT
            total = 0.0
            drawn = False
            for s, value in zip(series, it.values, strict=True):
                if s.lane != lane or value is None:
                    continue
                width = bar_length(value, top_value)
                segments.append(Segment(s, value, round(x, 3), lane_y, width, LANE_HEIGHT - 2))
                x += width
                total += value
                drawn = True
            if drawn:
                ends.append(LaneEnd(total, round(x + 4, 3), lane_y + LANE_HEIGHT - 4))
        text_y = y + len(used) * LANE_HEIGHT / 2 + 3
        note_x = max((e.x + END_LABEL_WIDTH for e in ends), default=PLOT_X + 4)
        rows.append(
            Row(
                it.label,
                shorten(it.label),
                it.href,
                it.note,
                y,
                text_y,
                note_x,
                tuple(segments),
                tuple(ends),
            )
        )
        y += len(used) * LANE_HEIGHT + gap
    plot_bottom = y
    return Chart(
        id=chart_id,
        title=title,
        unit=unit,
        series=tuple(series),
        rows=tuple(rows),
        ticks=tuple(Tick(v, PLOT_X + bar_length(v, top_value)) for v in ticks),
        legend=_legend(series) if len(series) > 1 else (),
        scale_max=top_value,
        height=plot_bottom + AXIS_HEIGHT,
        plot_top=top,
        plot_bottom=plot_bottom,
        tick_y=plot_bottom + 14,
    )


def _lane_sum(item: Item, series: Sequence[Series], lane: int) -> float:
    return sum(v for s, v in zip(series, item.values, strict=True) if s.lane == lane and v)


def _even(top: float) -> list[float]:
    return [top * i / 4 for i in range(5)]


def _legend(series: Sequence[Series]) -> tuple[LegendEntry, ...]:
    """Entries in a line, aligned with the plot when they fit, else moved left until they do."""
    widths = [SWATCH + 6 + len(s.label) * CHAR_WIDTH + 14 for s in series]
    x = max(0.0, min(PLOT_X, WIDTH - sum(widths)))
    out = []
    for s, w in zip(series, widths, strict=True):
        out.append(LegendEntry(s, round(x, 3), round(x + SWATCH + 6, 3)))
        x += w
    return tuple(out)


# -- what goes into the bars ----------------------------------------------------------------


def token_values(
    input_tokens: int | None,
    output_tokens: int | None,
    cached: int | None,
    cache_write: int | None,
    reasoning: int | None,
) -> tuple[float | None, ...]:
    """The TOKEN_SERIES parts of a usage: they add up to input + output (the total).

    Input counts cache reads and writes and output counts reasoning (the contract's inclusive
    totals), so the uncached and non-reasoning parts are what is left after taking those out.
    """
    uncached = (
        None if input_tokens is None else max(0, input_tokens - (cached or 0) - (cache_write or 0))
    )
    visible = None if output_tokens is None else max(0, output_tokens - (reasoning or 0))
    return (uncached, cached, cache_write, visible, reasoning)


def usage_token_values(u: Usage | None) -> tuple[float | None, ...]:
    if u is None:
        return (None,) * len(TOKEN_SERIES)
    return token_values(
        u.input_tokens,
        u.output_tokens,
        u.cached_input_tokens,
        u.cache_write_tokens,
        u.reasoning_tokens,
    )


def ratio(part: float | None, whole: float | None) -> float | None:
    """part / whole, or None when either is unknown or there is nothing to divide."""
    if part is None or not whole:
        return None
    return part / whole


def cost_note(has_cost: bool, unpriced: int) -> str:
    """What a cost bar says when tokens were used that no price covers (never a $0 bar)."""
    if not unpriced:
        return ""
    return "no price" if not has_cost else f"+ {unpriced:,} without a price"


def duration_buckets(edges: Sequence[float] = DURATION_EDGES) -> list[tuple[float, float | None]]:
    """(low, high) of each histogram bucket in ms; high is None for the open last bucket."""
    lows = [0.0, *edges]
    highs: list[float | None] = [*edges, None]
    return list(zip(lows, highs, strict=True))


def bucket_of(ms: float, edges: Sequence[float] = DURATION_EDGES) -> int:
    for i, edge in enumerate(edges):
        if ms < edge:
            return i
    return len(edges)


def bucket_label(low: float, high: float | None) -> str:
    if high is None:
        return f"≥ {_ms(low)}"
    if low == 0:
        return f"< {_ms(high)}"
    return f"{_ms(low)} – {_ms(high)}"


def _ms(value: float) -> str:
    if value < 1000:
        return f"{value:g} ms"
    return f"{value / 1000:g} s"


def histogram_chart(
    chart_id: str,
    title: str,
    counts: Sequence[int],
    hrefs: Sequence[str | None] | None = None,
) -> Chart:
    """Latency histogram over DURATION_EDGES; `counts[i]` is the number in bucket i, and
    `hrefs[i]` where its bar leads."""
    buckets = duration_buckets()
    links = hrefs or [None] * len(buckets)
    items = [
        Item(bucket_label(lo, hi), (float(n),), href)
        for (lo, hi), n, href in zip(buckets, counts, links, strict=True)
    ]
    return bar_chart(chart_id, title, "count", (COUNT,), items)


def duration_filter(low: float, high: float | None) -> str:
    """A histogram bucket as the cassette browser's `duration` filter value."""
    return f"{low:g}-{'' if high is None else f'{high:g}'}"


# -- where estimates come from ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriceSource:
    name: str
    version: str  # "" when the package is not installed
    data_date: str  # ISO date, "" when unknown

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "data_date": self.data_date}


@lru_cache(maxsize=1)
def price_source(today: dt.date | None = None) -> PriceSource:
    """The price table estimates are computed from, named with its version and data date.

    genai-prices ships its table without a date, so the date given is the newest price change
    the bundled table records that is not in the future (scheduled changes are left out): the
    table cannot be older than that.
    """
    try:
        pkg_version = version("genai-prices")
        from genai_prices.data import providers
    except (PackageNotFoundError, ImportError):
        return PriceSource(PRICE_SOURCE, "", "")
    limit = today or dt.date.today()
    found: set[dt.date] = set()
    _collect_dates(providers, found)
    past = [d for d in found if d <= limit]
    return PriceSource(PRICE_SOURCE, pkg_version, max(past).isoformat() if past else "")


def _collect_dates(value: object, out: set[dt.date]) -> None:
    if isinstance(value, dt.datetime):
        out.add(value.date())
    elif isinstance(value, dt.date):
        out.add(value)
    elif isinstance(value, list | tuple):
        for v in value:
            _collect_dates(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            _collect_dates(v, out)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _collect_dates(getattr(value, f.name), out)


# -- the cassette page ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CassetteCharts:
    tokens: Chart | None
    cost: Chart | None
    duration: Chart | None
    cost_reported: float | None
    cost_estimated: float | None
    unpriced: int
    price_source: PriceSource
    shown: int  # interactions drawn (at most MAX_BARS)
    interactions: int


def cassette_charts(cassette: Cassette, link: Callable[[str, int], str]) -> CassetteCharts:
    """Per-interaction tokens, cost and duration of one cassette; `link(path, index)` is the
    interaction page URL each bar points to. Costs are summed over every interaction; bars are
    drawn for the first MAX_BARS so a long agent run stays a light page."""
    reported: float | None = None
    estimated: float | None = None
    unpriced = 0
    token_items, cost_items, duration_items = [], [], []
    for n, it in enumerate(cassette.interactions):
        u = it.usage
        cost = u.cost_usd if u else None
        is_reported = u is not None and u.cost_source == "reported"
        if cost is not None and is_reported:
            reported = (reported or 0.0) + cost
        elif cost is not None:
            estimated = (estimated or 0.0) + cost
        missing = int(cost is None and u is not None and bool(u.total_tokens))
        unpriced += missing
        if n >= MAX_BARS:
            continue
        label = f"#{it.index} {it.model or it.api}"
        href = link(cassette.path, it.index)
        no_usage = "" if u else NO_USAGE
        token_items.append(Item(label, usage_token_values(u), href, no_usage))
        values = (cost, None) if is_reported else (None, cost)
        cost_items.append(
            Item(label, values, href, no_usage or cost_note(cost is not None, missing))
        )
        duration_items.append(Item(label, (it.duration_ms,), href))
    tokens = bar_chart("c-tokens", "Tokens per interaction", "tokens", TOKEN_SERIES, token_items)
    costs = bar_chart("c-cost", "Cost per interaction", "usd", COST_SERIES_ONE_LANE, cost_items)
    duration = bar_chart(
        "c-duration", "Duration per interaction", "ms", (DURATION,), duration_items
    )
    return CassetteCharts(
        tokens=tokens if any(not r.empty for r in tokens.rows) else None,
        # Only priced costs are drawn: a cassette with no known price says "no price" in its
        # totals rather than drawing an empty $0–$1 axis.
        cost=costs if reported is not None or estimated is not None else None,
        duration=duration if any(not r.empty for r in duration.rows) else None,
        cost_reported=reported,
        cost_estimated=estimated,
        unpriced=unpriced,
        price_source=price_source(),
        shown=len(token_items),
        interactions=len(cassette.interactions),
    )
