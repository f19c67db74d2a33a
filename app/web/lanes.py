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

from app.conversation.context import ContextChange, context_changes
from app.index.budget import SizedCache, message_weight, page_cache_bytes
from app.model import Cassette, Interaction, Thread
from app.web.transcript import MessageView, results_in_requests, transcript

# Markdown emphasis, headings and code marks, left out of one-line labels.
_MARKUP = re.compile(r"[*`#>]+|(?<!\w)_+|_+(?!\w)")
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
    # What this request changed from the previous one of its thread (None for the first).
    change: ContextChange | None = None

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


# A cassette page is read again and again (reloads, share links, j/k through a run): what does
# not depend on the query is kept by content version and window, bounded by bytes
# (app.index.budget).
_Key = tuple[str, str, int, int]
_cache: SizedCache[tuple[_Key, tuple[str, ...]], Reading] = SizedCache(page_cache_bytes)
_changes_cache: SizedCache[_Key, dict[int, ContextChange]] = SizedCache(page_cache_bytes)
_CHANGE_BYTES = 600  # one ContextChange and its dict slot, roughly
# Results of the window's last calls are looked for this many calls past its end.
RESULTS_AHEAD = 500


def reading(cas: Cassette, terms: Sequence[str] = (), calls: range | None = None) -> Reading:
    """The turns of the calls in `calls` (all of them by default): the messages, pairs and
    context changes of calls outside it are not worked out, so a page of a 100,000-call
    cassette costs its window, not the file."""
    calls = range(len(cas.interactions)) if calls is None else calls
    if cas.version is None:
        return _reading(cas, terms, context_changes(cas, calls), calls)
    key = (cas.path, cas.version, calls.start, calls.stop)
    hit = _cache.get((key, tuple(terms)))
    if hit is not None:
        return hit
    out = _reading(cas, terms, _changes(cas, key, calls), calls)
    if not terms:
        _cache.put((key, ()), out, reading_weight(out))
    return out


def _changes(cas: Cassette, key: _Key, calls: range) -> dict[int, ContextChange]:
    hit = _changes_cache.get(key)
    if hit is None:
        hit = context_changes(cas, calls)
        _changes_cache.put(key, hit, _CHANGE_BYTES * (len(hit) + 1))
    return hit


def reading_weight(out: Reading) -> int:
    """Bytes a reading keeps alive: the messages it shows (still held once their cassette has
    left the decoded cache) and a view per message and per part."""
    views = [m for lane in out.lanes for turn in lane.turns for m in turn.messages]
    return 1000 + sum(message_weight(v.message) + 300 + 100 * len(v.parts) for v in views)


def _reading(
    cas: Cassette, terms: Sequence[str], changes: dict[int, ContextChange], calls: range
) -> Reading:
    threads = [t for t in cas.threads if t.interactions]
    first = threads[0].interactions[0] if threads else 0
    turn_of = [first if m.interaction is None else m.interaction for m in cas.conversation]
    inside = [n for n, at in enumerate(turn_of) if at in calls]
    later = cas.interactions[calls.start : calls.stop + RESULTS_AHEAD]
    messages = [cas.conversation[n] for n in inside]
    views = transcript(messages, "m", results_in_requests(later), terms, inside)
    by_turn: dict[tuple[int | None, int], list[MessageView]] = {}
    for v in views:
        by_turn.setdefault((v.message.thread, turn_of[v.n]), []).append(v)
    main = _main(cas, threads)
    lanes = [_lane(cas, t, _kind(t, main), by_turn, changes, calls) for t in threads]
    lanes = [lane for lane in lanes if lane.turns]
    lanes.sort(key=lambda lane: not lane.main)
    in_thread = {i for t in threads for i in t.interactions}
    outside = [i for i in calls if i not in in_thread]
    shown = sum(len(t.shown) for lane in lanes for t in lane.turns)
    return Reading(lanes, shown, outside)


def _main(cas: Cassette, threads: Sequence[Thread]) -> int | None:
    """The thread with the most turns (retries do not count); the first one on a tie."""

    def turns(t: Thread) -> int:
        return sum(
            1
            for i in t.interactions
            if 0 <= i < len(cas.interactions) and cas.interactions[i].retry_of is None
        )

    best = max(threads, key=lambda t: (turns(t), -t.id), default=None)
    return best.id if best is not None else None


def _kind(thread: Thread, main: int | None) -> str:
    if thread.id == main:
        return "main"
    if thread.parent is not None:
        return "fork"
    return "side call" if len(thread.interactions) == 1 else "sub-agent"


def _lane(
    cas: Cassette,
    thread: Thread,
    kind: str,
    by_turn: dict[tuple[int | None, int], list[MessageView]],
    changes: dict[int, ContextChange],
    calls: range,
) -> Lane:
    turns = [
        Turn(
            cas.interactions[i],
            by_turn.get((thread.id, i), []),
            failure(cas.interactions[i]),
            changes.get(i),
        )
        for i in thread.interactions
        if i in calls and 0 <= i < len(cas.interactions)
    ]
    hit = any(v.hit for t in turns for v in t.messages)
    parent = (thread.parent.thread, thread.parent.interaction) if thread.parent else None
    return Lane(thread.id, plain_words(thread.label), kind, thread.interactions, turns, parent, hit)
