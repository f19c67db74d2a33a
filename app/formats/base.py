"""What every cassette reader produces: raw HTTP exchanges with bodies as bytes.

Readers know file layouts, not LLM APIs. By the time a `RawInteraction` leaves a reader its
bodies are plain bytes with any Content-Encoding (gzip, deflate, br) already undone, so no
decoder ever has to think about how the recorder stored them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.model import Headers, Note


@dataclass(frozen=True, slots=True)
class RawRequest:
    method: str = "GET"
    url: str = ""
    headers: Headers = ()
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class RawResponse:
    status: int | None = None
    headers: Headers = ()
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class RawFrame:
    """One message of a recorded WebSocket or gRPC exchange (not plain HTTP)."""

    direction: str  # "send" or "receive"
    data: str
    t_ms: float | None = None


@dataclass(frozen=True, slots=True)
class RawInteraction:
    index: int
    request: RawRequest
    response: RawResponse
    id: str | None = None
    duration_ms: float | None = None
    recorded_at: str | None = None
    # Per-chunk arrival offsets in ms when the recorder kept them (rare); decoders pass them on.
    chunk_times: tuple[float, ...] | None = None
    frames: tuple[RawFrame, ...] = ()
    # True when the recording holds only one side (a response-only snapshot).
    partial: bool = False


@dataclass(frozen=True, slots=True)
class RawCassette:
    format: str
    interactions: tuple[RawInteraction, ...] = ()
    errors: tuple[Note, ...] = ()
    warnings: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds that keep a hostile file from taking the process down with it."""

    max_bytes: int = 100 * 1024 * 1024
    max_depth: int = 200
    max_alias_nodes: int = 100_000
    # What one file may grow to beyond its own bytes, all bodies together: gzip/deflate/br
    # undone, base64 decoded, YAML aliases expanded. Bounding each body alone let ten small gzip
    # bodies, or one body aliased 1,500 times, take gigabytes.
    max_expanded_bytes: int = 100 * 1024 * 1024
    # Real paths of the folders a file beside a cassette may be read from (WireMock's
    # `__files/`): the indexed roots. Empty: the folder above the cassette's own folder.
    roots: tuple[str, ...] = ()


class BesideError(Exception):
    """A file beside the cassette that was not read; the message says why (missing, outside
    the indexed folders, too large) and is shown in a warning."""


class BesideMissing(BesideError):
    pass


# Reads a file named relative to the cassette's folder, within `ReadLimits.roots`; given by
# the loader when the cassette was read from disk (formats never open files themselves).
BesideReader = Callable[[str], bytes]


@dataclass(slots=True)
class ReadContext:
    name: str
    limits: ReadLimits = field(default_factory=ReadLimits)
    beside: BesideReader | None = None


class Reader(Protocol):
    """A cassette format: `detect` is cheap and looks at the parsed document or bytes."""

    name: str

    def detect(self, doc: Any) -> bool: ...

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette: ...


class ReadError(Exception):
    """A file that cannot be read; the message is shown to users as is."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line
