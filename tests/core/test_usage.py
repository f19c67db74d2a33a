"""Usage adds up the same way for every provider, and a cost is never guessed."""

from __future__ import annotations

import pytest

from app.usage import normalized, with_cost


def test_anthropic_style_input_gets_cache_added() -> None:
    u = normalized(
        input_tokens=10,
        output_tokens=20,
        cached_input_tokens=100,
        cache_write_tokens=5,
        input_excludes_cache=True,
    )
    assert (u.input_tokens, u.output_tokens, u.total_tokens) == (115, 20, 135)


def test_gemini_style_output_gets_thoughts_added() -> None:
    u = normalized(
        input_tokens=7, output_tokens=3, reasoning_tokens=40, output_excludes_reasoning=True
    )
    assert (u.output_tokens, u.reasoning_tokens, u.total_tokens) == (43, 40, 50)


def test_missing_counts_stay_null() -> None:
    u = normalized(input_tokens=None, output_tokens=None)
    assert u.total_tokens is None
    assert u.cached_input_tokens is None


def test_reported_cost_is_kept_and_marked() -> None:
    u = with_cost(normalized(input_tokens=1, output_tokens=1, cost_usd=0.5), "gpt-4o", "openai")
    assert u is not None
    assert (u.cost_usd, u.cost_source) == (0.5, "reported")


def test_known_model_is_estimated_and_unknown_model_has_no_price() -> None:
    u = with_cost(normalized(input_tokens=1_000_000, output_tokens=0), "gpt-4o", "openai")
    assert u is not None
    assert u.cost_source == "estimated"
    assert u.cost_usd is not None
    assert u.cost_usd > 0
    none = with_cost(normalized(input_tokens=100, output_tokens=1), "my-private-model-x", None)
    assert none is not None
    assert (none.cost_usd, none.cost_source) == (None, None)


def test_inconsistent_counts_get_no_estimate_instead_of_an_error() -> None:
    u = normalized(input_tokens=293, output_tokens=10, cached_input_tokens=387)
    priced = with_cost(u, "gpt-4o", "openai")
    assert priced is not None
    assert priced.cost_usd is None


@pytest.mark.parametrize(
    "model", ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-20250514", "claude-3-5-haiku-20241022"]
)
def test_fast_estimate_equals_the_price_tables_own_calculation(model: str) -> None:
    from app.usage import _exact, _model_price, estimate

    price = _model_price(model, None, None)
    assert price is not None
    for tokens in [(1234, 567, 0, 0), (5000, 10, 4000, 0), (9000, 77, 1000, 2000), (1, 1, 0, 1)]:
        fast = estimate(model, None, *tokens, None)
        exact = _exact(price, *tokens)
        assert fast == pytest.approx(exact, rel=1e-9)
