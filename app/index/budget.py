"""Caches bounded by bytes, not by entries.

One long agent run (280 turns, each request resending the whole history) weighs more than a
thousand ordinary cassettes, so "the last 16 cassettes" says nothing about memory: three such
runs kept whole would exhaust a small machine. Every cache of decoded or rendered cassettes
counts what it holds and forgets the least recently used until it is within its budget; a single
value larger than the whole budget is served but not kept.

The budget is `TAPEDECK_CACHE_MB` (default 256) megabytes for decoded cassettes, a quarter of
that for each cache of what pages derive from them; `tapedeck serve --cache-mb` sets it. It is
read when a value is stored, so changing it takes effect at the next store.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from app.model import (
    Cassette,
    MediaPart,
    Message,
    ReasoningPart,
    RefusalPart,
    TextPart,
    ToolResultPart,
)

ENV = "TAPEDECK_CACHE_MB"
DEFAULT_CACHE_MB = 256.0

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def cache_bytes() -> int:
    """The budget of the decoded-cassette cache, from the environment."""
    try:
        mb = float(os.environ.get(ENV, DEFAULT_CACHE_MB))
    except ValueError:
        mb = DEFAULT_CACHE_MB
    return max(0, int(mb * 1_000_000))


def page_cache_bytes() -> int:
    """The budget of each cache of what pages derive from decoded cassettes."""
    return cache_bytes() // 4


class SizedCache(Generic[K, V]):
    """A least-recently-used cache whose entries' weights (bytes, estimated by the caller)
    add up to at most `budget()`."""

    def __init__(self, budget: Callable[[], int]) -> None:
        self._budget = budget
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    @property
    def used(self) -> int:
        """Bytes accounted for by what is kept now."""
        return self._used

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            self._items.move_to_end(key)
            return hit[0]

    def put(self, key: K, value: V, weight: int) -> None:
        budget = self._budget()
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._used -= old[1]
            if weight <= budget:
                self._items[key] = (value, weight)
                self._used += weight
            # Evict even when the new entry is not kept: a budget lowered since is then honoured.
            while self._used > budget and self._items:
                _, (_, gone) = self._items.popitem(last=False)
                self._used -= gone

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._used = 0


def cassette_weight(cas: Cassette) -> int:
    """Bytes of text a decoded cassette holds (bodies, chunks, message parts) plus a little per
    object: what its memory grows with, counted in one pass without measuring Python objects."""
    total = 0
    counted: set[int] = set()  # equal request messages are one object (app.loader)
    for it in cas.interactions:
        total += len(it.request_body or "") + len(it.response_body or "")
        total += sum(len(c.data) + 150 for c in it.chunks)
        for msg in (*it.messages, *((it.response,) if it.response else ())):
            if id(msg) not in counted:
                counted.add(id(msg))
                total += message_weight(msg)
    return total + 100 * len(cas.conversation)


def message_weight(msg: Message) -> int:
    """Bytes of one decoded message: its text, and a little per object."""
    return 150 + sum(_part_chars(p) + 150 for p in msg.parts)


def _part_chars(part: object) -> int:
    if isinstance(part, TextPart | ReasoningPart | RefusalPart):
        return len(part.text)
    if isinstance(part, ToolResultPart):
        return len(part.content)
    if isinstance(part, MediaPart):
        return len(part.data_url or "")  # a kept inline image or clip, up to its cap
    return 0
