"""The plain values the index hands to the web and the CLI."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

# Private-use characters mark search matches inside snippets; they never occur in recordings
# we show (they are stripped from the plain snippet) and cannot be confused with markup.
MATCH_START = "\ue000"
MATCH_END = "\ue001"


@dataclass(frozen=True, slots=True)
class Root:
    name: str
    path: Path


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True, slots=True)
class Filters:
    q: str = ""
    provider: str = ""
    model: str = ""
    api: str = ""
    tool: str = ""
    status: str = ""
    format: str = ""
    has_error: bool | None = None
    folder: str = ""
    # "LOW-HIGH" in ms ("1000-2000", or "60000-" for 60 s and more): cassettes with a call
    # whose recorded duration falls in that range. Latency histogram bars link with it.
    duration: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Filters:
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = params.get(f.name)
            if raw is None:
                continue
            raw = raw.strip()
            if f.name == "has_error":
                low = raw.lower()
                values[f.name] = True if low in _TRUE else False if low in _FALSE else None
            else:
                values[f.name] = raw[:500]
        return cls(**values)

    def to_query(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == "":
                continue
            out[f.name] = ("true" if value else "false") if isinstance(value, bool) else value
        return out

    @property
    def empty(self) -> bool:
        return not self.to_query()

    def duration_range(self) -> tuple[float, float | None] | None:
        """`duration` as (low, high) ms, high None for no upper bound; None when absent or not
        of the form LOW-HIGH (then the filter is ignored, as an unknown facet value would be)."""
        low, sep, high = self.duration.partition("-")
        try:
            lo = float(low)
            hi = float(high) if high else None
        except ValueError:
            return None
        if not sep or not 0 <= lo < math.inf or (hi is not None and not lo < hi < math.inf):
            return None
        return lo, hi


@dataclass(frozen=True, slots=True)
class UsageTotals:
    interactions: int = 0
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_input_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None
    total_tokens: int | None = None
    cost_reported_usd: float | None = None
    cost_estimated_usd: float | None = None
    # Interactions that used tokens but whose model has no known price: shown as "no price".
    unpriced: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class CassetteSummary:
    path: str
    format: str
    interactions: int
    apis: list[str]
    providers: list[str]
    models: list[str]
    tools: list[str]
    statuses: list[int]
    errors: list[str]
    warnings: list[str]
    usage: UsageTotals
    version: str
    size: int
    mtime: float
    streaming: bool
    failed: int
    duration_ms: float | None
    folder: str

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["usage"] = self.usage.to_json()
        return out


@dataclass(frozen=True, slots=True)
class SearchHit:
    path: str
    interaction: int | None
    message: int | None
    role: str | None
    marked: str
    # The cassette's content hash when the hit was found, so a hit's link is a share link.
    version: str = ""
    thread: int | None = None  # the thread of the message, null for what is in none

    @property
    def snippet(self) -> str:
        return self.marked.replace(MATCH_START, "").replace(MATCH_END, "")

    def segments(self) -> list[tuple[str, bool]]:
        """The snippet as (text, is_match) runs, so templates can <mark> matches safely."""
        out: list[tuple[str, bool]] = []
        for i, piece in enumerate(self.marked.split(MATCH_START)):
            if i == 0:
                if piece:
                    out.append((piece, False))
                continue
            match, _, rest = piece.partition(MATCH_END)
            if match:
                out.append((match, True))
            if rest:
                out.append((rest, False))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "interaction": self.interaction,
            "message": self.message,
            "role": self.role,
            "snippet": self.snippet,
            "thread": self.thread,
        }


@dataclass(frozen=True, slots=True)
class UsageGroup:
    key: str
    usage: UsageTotals

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "interactions": self.usage.interactions,
            "usage": self.usage.to_json(),
        }


@dataclass(frozen=True, slots=True)
class FileError:
    path: str
    error: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "error": self.error, "line": self.line}


@dataclass(frozen=True, slots=True)
class FailedCall:
    """An interaction that failed: an HTTP error status or an error event in the stream."""

    path: str
    version: str
    interaction: int
    status: int | None
    type: str
    message: str
    model: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Warned:
    """A cassette that was read, with what the decoders could not fully understand."""

    path: str
    version: str
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RefreshResult:
    cassettes: int
    interactions: int
    errors: list[FileError]
    read: int
    removed: int

    def to_json(self) -> dict[str, Any]:
        return {
            "cassettes": self.cassettes,
            "interactions": self.interactions,
            "errors": [e.to_json() for e in self.errors],
            "read": self.read,
            "removed": self.removed,
        }


@dataclass(frozen=True, slots=True)
class IndexStatus:
    building: bool
    done: int
    total: int
    generation: int
    # True until a refresh has finished once: only then may a missing path be "still indexing".
    first: bool = True
