"""Number and time formats for templates, so every page writes a figure the same way."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

DASH = "—"


def tokens(value: int | None) -> str:
    if value is None:
        return DASH
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.1f}k"
    return f"{value:,}"


def number(value: int | float | None) -> str:
    """Counts print as integers even when arithmetic made them floats (a token delta of 12.0)."""
    if value is None:
        return DASH
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def usd(value: float | None) -> str:
    if value is None:
        return DASH
    if value == 0:
        return "$0"
    if value < 0.01:
        # Two significant digits, in plain notation: $0.000045, $0.0012.
        digits = max(4, 1 - math.floor(math.log10(abs(value))))
        return f"${value:.{digits}f}"
    return f"${value:,.2f}" if value >= 1 else f"${value:.3f}"


def duration(ms: float | None) -> str:
    if ms is None:
        return DASH
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    return f"{ms / 60_000:.1f} min"


def size(n: int | None) -> str:
    if n is None:
        return DASH
    value = float(n)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def chars(text: str | None) -> str:
    return plural(len(text or ""), "character")


def plural(n: int | None, noun: str, nouns: str | None = None) -> str:
    """ "1 interaction", "2 interactions", "1,200 matches": the count and its noun, agreeing."""
    count = n or 0
    word = noun if count == 1 else (nouns or _plural_of(noun))
    return f"{count:,} {word}"


def _plural_of(noun: str) -> str:
    head, _, last = noun.rpartition(" ")
    if last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "o", "u"):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


FILTERS: dict[str, Callable[..., Any]] = {
    "plural": plural,
    "tokens": tokens,
    "number": number,
    "usd": usd,
    "duration": duration,
    "size": size,
    "chars": chars,
}
