"""Token log probabilities as something to read: each token with its probability as a shade
and, on hover, the alternatives the API listed. Pure HTML (a `title` per token), no script."""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.model import Interaction, TokenLogprob

# Tokens drawn on the page; the interaction's JSON holds all of them.
SHOWN_TOKENS = 2_000


@dataclass(frozen=True, slots=True)
class TokenView:
    token: str
    title: str
    band: int  # 0 (unlikely) .. 4 (almost certain), for the shade


@dataclass(frozen=True, slots=True)
class LogprobsView:
    tokens: tuple[TokenView, ...]
    total: int

    @property
    def capped(self) -> bool:
        return self.total > len(self.tokens)


def _percent(logprob: float | None) -> str:
    if logprob is None or math.isnan(logprob):
        return "?"
    return f"{min(math.exp(logprob), 1.0) * 100:.1f}%"


def _band(logprob: float | None) -> int:
    if logprob is None or math.isnan(logprob):
        return 0
    p = min(math.exp(logprob), 1.0)
    return 4 if p >= 0.9 else 3 if p >= 0.6 else 2 if p >= 0.3 else 1 if p >= 0.1 else 0


def _token(t: TokenLogprob) -> TokenView:
    lines = [f"{t.token!r}: {_percent(t.logprob)}"]
    lines += [f"  {alt.token!r}: {_percent(alt.logprob)}" for alt in t.top if alt.token != t.token]
    return TokenView(t.token, "\n".join(lines), _band(t.logprob))


def logprobs_view(inter: Interaction) -> LogprobsView | None:
    if not inter.logprobs:
        return None
    shown = tuple(_token(t) for t in inter.logprobs[:SHOWN_TOKENS])
    return LogprobsView(shown, len(inter.logprobs))
