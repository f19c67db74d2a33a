"""Usage normalization and cost, in one place so every provider's figures add up the same way.

Providers disagree on what "input" means: Anthropic and Bedrock report cache reads and writes
beside `input_tokens`, Gemini reports thinking tokens beside the candidates. Decoders pass what
the provider said through `normalized()`, which makes input and output inclusive totals; then
`with_cost()` adds a cost: the one the response reported, else an estimate from the
genai-prices table for that model and date, else nothing. A price is never guessed.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from app.model import Usage

PRICE_SOURCE = "genai-prices"


def _add(*values: int | None) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def normalized(
    *,
    input_tokens: int | None,
    output_tokens: int | None,
    cached_input_tokens: int | None = None,
    cache_write_tokens: int | None = None,
    reasoning_tokens: int | None = None,
    input_excludes_cache: bool = False,
    output_excludes_reasoning: bool = False,
    cost_usd: float | None = None,
    raw: Any = None,
) -> Usage:
    """Build a Usage whose input/output are inclusive totals.

    `input_excludes_cache`: the provider's input count leaves out cache reads and writes
    (Anthropic, Bedrock); they are added. `output_excludes_reasoning`: the provider's output
    leaves out reasoning (Gemini's thoughts); it is added.
    """
    if input_excludes_cache and input_tokens is not None:
        input_tokens = _add(input_tokens, cached_input_tokens, cache_write_tokens)
    if output_excludes_reasoning and output_tokens is not None:
        output_tokens = _add(output_tokens, reasoning_tokens)
    total = (
        input_tokens + output_tokens
        if input_tokens is not None and output_tokens is not None
        else _add(input_tokens, output_tokens)
    )
    return Usage(
        input_tokens=_int(input_tokens),
        output_tokens=_int(output_tokens),
        cached_input_tokens=_int(cached_input_tokens),
        cache_write_tokens=_int(cache_write_tokens),
        reasoning_tokens=_int(reasoning_tokens),
        total_tokens=_int(total),
        cost_usd=cost_usd,
        cost_source="reported" if cost_usd is not None else None,
        raw=raw,
    )


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Our provider names -> genai-prices provider ids where they differ.
_PRICE_PROVIDER = {
    "gemini": "google",
    "vertex": "google",
    "bedrock": "aws",
    "azure": "azure",
    "xai": "x-ai",
}


def with_cost(
    usage: Usage | None,
    model: str | None,
    provider: str | None,
    recorded_at: str | None = None,
) -> Usage | None:
    """Add an estimated cost when the response did not report one and the model has a price."""
    if usage is None or usage.cost_usd is not None or not model:
        return usage
    if usage.input_tokens is None and usage.output_tokens is None:
        return usage
    price = estimate(
        model,
        provider,
        usage.input_tokens or 0,
        usage.output_tokens or 0,
        usage.cached_input_tokens or 0,
        usage.cache_write_tokens or 0,
        _date(recorded_at),
    )
    if price is None:
        return usage
    return dataclasses.replace(usage, cost_usd=price, cost_source="estimated")


def warm_up() -> None:
    """Import the price table ahead of need; it is the slowest import Tapedeck has."""
    import genai_prices  # noqa: F401


def estimate(
    model: str,
    provider: str | None,
    input_tokens: int,
    output_tokens: int,
    cached: int,
    cache_write: int,
    when: str | None,
) -> float | None:
    """Price of one call from the genai-prices table, or None when the model is not in it."""
    day = when[:10] if when else None
    price = _model_price(model, provider, day)
    if price is None:
        return None
    rates = _rates(model, provider, day)
    if rates is not None:
        if cached + cache_write > input_tokens:
            return None  # inconsistent counts have no sound price
        per_in, per_out, per_read, per_write = rates
        uncached = input_tokens - cached - cache_write
        cost = (
            uncached * per_in
            + cached * per_read
            + cache_write * per_write
            + output_tokens * per_out
        )
        return float(f"{cost:.10g}")  # no float noise in documents and goldens
    return _exact(price, input_tokens, output_tokens, cached, cache_write)


def _exact(
    price: Any, input_tokens: int, output_tokens: int, cached: int, write: int
) -> float | None:
    from genai_prices import Usage as PriceUsage

    usage = PriceUsage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cache_read_tokens=cached or None,
        cache_write_tokens=write or None,
    )
    try:
        total = price.calc_price(usage)["total_price"]
    except (ValueError, ArithmeticError, TypeError):
        # Inconsistent counts (some providers report more cached tokens than input tokens)
        # have no sound price: no estimate rather than a wrong one.
        return None
    return float(total if isinstance(total, Decimal) else Decimal(str(total)))


_PROBE = 1_000_000


@lru_cache(maxsize=1024)
def _rates(model: str, provider: str | None, day: str | None) -> tuple[float, ...] | None:
    return _linear_rates(_model_price(model, provider, day))


def _linear_rates(price: Any) -> tuple[float, ...] | None:
    """Per-token prices of a flat (untiered) price entry, read off the table itself.

    The table's own calculation costs about a millisecond a call, which dominates indexing a
    large corpus. A flat price is linear in each token count, so four probes through the same
    calculation give exact per-token rates; tiered prices keep the full calculation.
    """
    from genai_prices.types import TieredPrices

    if any(isinstance(v, TieredPrices) for v in vars(price).values()):
        return None
    probes = [
        _exact(price, _PROBE, 0, 0, 0),
        _exact(price, 0, _PROBE, 0, 0),
        _exact(price, _PROBE, 0, _PROBE, 0),
        _exact(price, _PROBE, 0, 0, _PROBE),
    ]
    if any(p is None for p in probes):
        return None
    per_in, per_out, per_read, per_write = (float(p or 0) / _PROBE for p in probes)
    return per_in, per_out, per_read, per_write


@lru_cache(maxsize=1024)
def _model_price(model: str, provider: str | None, day: str | None) -> Any:
    """The price entry for a model on a day; finding it is the costly part, so it is cached."""
    from genai_prices import Usage as PriceUsage
    from genai_prices import calc_price

    prov = _PRICE_PROVIDER.get(provider or "", provider) if provider else None
    ts = datetime.fromisoformat(day).replace(tzinfo=UTC) if day else None
    probe = PriceUsage(input_tokens=1, output_tokens=1)
    for pid in (prov, None) if prov else (None,):
        try:
            return calc_price(probe, model, provider_id=pid, genai_request_timestamp=ts).model_price
        except (LookupError, ValueError, TypeError):
            continue
    return None


def _date(recorded_at: str | None) -> str | None:
    """An ISO timestamp with a timezone for the price table, or None when unparseable."""
    if not recorded_at:
        return None
    try:
        from email.utils import parsedate_to_datetime

        dt = parsedate_to_datetime(recorded_at)
    except (TypeError, ValueError, IndexError):
        try:
            dt = datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.isoformat()
