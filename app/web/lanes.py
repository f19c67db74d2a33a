"""The cassette page's reading order: threads as lanes, each a list of turns (one per call).

A turn is what one interaction added to its thread: the new request messages, then the answer,
or, for a failed call, an error card where the answer would be. The main thread comes first;
side calls and sub-agents follow as folded lanes. The outline rail is built from the same turns,
so it can never point at something the page does not show.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.model import Cassette, Interaction, Message
from app.web.transcript import MessageView, results_in_requests, transcript

# Markdown emphasis, headings and code marks, left out of one-line labels.
_MARKUP = re.compile(r"[*_`#>]+")
LABEL_CHARS = 60


@dataclass(frozen=True)
class Failure:
    """A failed call, shown where its answer would be."""

    status: int | None
    type: str | None
    message: str | None


@dataclass(frozen=True)
class Turn:
    interaction: Interaction
    messages: list[MessageView]
    failure: Failure | None = None

    @property
    def anchor(self) -> str:
        return f"turn-{self.interaction.index}"

    @property
    def shown(self) -> list[MessageView]:
        return [v for v in self.messages if not v.hidden]

    @property
    def label(self) -> str:
        """A few words for the outline: the turn's first user text, else what it answered."""
        for role in ("user", "assistant"):
            for v in self.messages:
                if v.message.role == role and v.message.text.strip():
                    return plain_words(v.message.text)
        if self.failure is not None:
            return f"failed ({self.failure.status or self.failure.type})"
        calls = [pv.part for v in self.messages for pv in v.calls]
        if calls:
            return "tool calls"
        return self.interaction.model or self.interaction.api

    @property
    def calls(self) -> list[tuple[str, str]]:
        """(tool name, anchor) of every tool call the turn makes."""
        out: list[tuple[str, str]] = []
        for v in self.messages:
            for pv in v.calls:
                out.append((getattr(pv.part, "name", ""), pv.anchor or v.anchor))
        return out


@dataclass(frozen=True)
class Lane:
    id: int
    label: str
    kind: str  # "main", "side call", "sub-agent", "fork"
    interactions: tuple[int, ...]
    turns: list[Turn] = field(default_factory=list)
    parent: tuple[int, int] | None = None  # (thread, interaction) it forks from
    hit: bool = False

    @property
    def anchor(self) -> str:
        return f"t-{self.id}"

    @property
    def main(self) -> bool:
        return self.kind == "main"


@dataclass(frozen=True)
class Reading:
    """Everything the transcript part of the cassette page shows."""

    lanes: list[Lane]
    messages: int  # messages shown, all lanes
    outside: list[int]  # interactions that belong to no thread (embeddings, non-LLM calls)


@dataclass(frozen=True)
class _Spec:
    id: int
    label: str
    interactions: tuple[int, ...]
    parent: tuple[int, int] | None


def plain_words(text: str) -> str:
    """The start of a message as one line of plain words, for the outline."""
    words = " ".join(_MARKUP.sub(" ", text).split())
    return words if len(words) <= LABEL_CHARS else words[: LABEL_CHARS - 1] + "…"


def failure(inter: Interaction) -> Failure | None:
    failed = inter.status is not None and inter.status >= 400
    if not failed and inter.error is None:
        return None
    err = inter.error
    return Failure(inter.status, err.type if err else None, err.message if err else None)


def reading(cas: Cassette, terms: Sequence[str] = ()) -> Reading:
    views = transcript(cas.conversation, "m", results_in_requests(cas.interactions), terms)
    by_turn: dict[tuple[int, int], list[MessageView]] = {}
    specs = _specs(cas)
    first = specs[0].interactions[0] if specs and specs[0].interactions else 0
    for v in views:
        at = v.message.interaction
        key = (_thread_of(v.message), first if at is None else at)
        by_turn.setdefault(key, []).append(v)
    lanes = [_lane(cas, spec, by_turn) for spec in specs]
    lanes.sort(key=lambda lane: not lane.main)
    in_thread = {i for spec in specs for i in spec.interactions}
    outside = [it.index for it in cas.interactions if it.index not in in_thread]
    shown = sum(len(t.shown) for lane in lanes for t in lane.turns)
    return Reading(lanes, shown, outside)


def _lane(cas: Cassette, spec: _Spec, by_turn: dict[tuple[int, int], list[MessageView]]) -> Lane:
    turns = [
        Turn(cas.interactions[i], by_turn.get((spec.id, i), []), failure(cas.interactions[i]))
        for i in spec.interactions
        if 0 <= i < len(cas.interactions)
    ]
    hit = any(v.hit for t in turns for v in t.messages)
    return Lane(spec.id, spec.label, "main", spec.interactions, turns, spec.parent, hit)


def _specs(cas: Cassette) -> list[_Spec]:
    """One thread of every call that carries a conversation or failed."""
    members = tuple(
        it.index
        for it in cas.interactions
        if it.messages or it.response is not None or failure(it) is not None
    )
    if not members:
        return []
    return [_Spec(0, "Conversation", members, None)]


def _thread_of(_msg: Message) -> int:
    return 0
