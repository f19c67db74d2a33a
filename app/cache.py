"""Caches bounded by bytes, not by entries (what they hold is weighed by their callers).

One long agent run (280 turns, each request resending the whole history) weighs more than a
thousand ordinary cassettes, so "the last 16 cassettes" says nothing about memory: three such
runs kept whole would exhaust a small machine. Every cache of decoded or rendered cassettes
counts what it holds and forgets the least recently used until it is within its budget; a single
value larger than the whole budget is served but not kept.

The budget is `TAPEDECK_CACHE_MB` (default 256) megabytes for decoded cassettes, a quarter of
that for each cache of what pages derive from them; `tapedeck serve --cache-mb` sets it. It is
read when a value is stored, so changing it takes effect at the next store. This module imports
nothing of Tapedeck's, so every stage can keep a cache (app.index.budget weighs cassettes).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

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
