"""The cassette page in windows of calls, so a 100,000-call cassette is not a 100 MB page.

A window is a range of interaction indexes; the transcript keeps only the turns of calls in it
and the Calls table only its rows. Small cassettes fit in one window and look as before.
"""

from __future__ import annotations

from dataclasses import dataclass

# Calls per page: with long texts folded a turn of an agent run weighs ~2.5 KB of HTML, so a
# window of 100 keeps its page a few hundred KB (docs/PERFORMANCE.md, "Page weight").
CALLS_PER_PAGE = 100


@dataclass(frozen=True)
class CallWindow:
    start: int
    end: int
    total: int

    @property
    def paged(self) -> bool:
        return self.end - self.start < self.total

    @property
    def prev(self) -> int | None:
        return max(0, self.start - CALLS_PER_PAGE) if self.start > 0 else None

    @property
    def calls(self) -> range:
        return range(self.start, self.end)

    @property
    def next(self) -> int | None:
        return self.end if self.end < self.total else None


def every_call(total: int) -> CallWindow:
    """One window of every call: an export has no server to page."""
    return CallWindow(0, total, total)


def call_window(total: int, start: int = 0) -> CallWindow:
    start = max(0, min(start, max(0, total - 1)))
    start -= start % CALLS_PER_PAGE
    return CallWindow(start, min(total, start + CALLS_PER_PAGE), total)
