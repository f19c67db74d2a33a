"""Assemble raw interactions the same way in every reader: bodies decoded, nothing lost silently.

Every reader hands each exchange to `add`, which is where the two rules of no silent loss live:
keys a reader did not read become a warning naming them, and an exchange that is missing what
its format always records (a file cut off mid-interaction still parses as YAML) is an error
for that interaction, while the rest of the file is still shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from app.formats.base import (
    RawCassette,
    RawFrame,
    RawInteraction,
    RawRequest,
    RawResponse,
    ReadContext,
)
from app.formats.fields import decode_content
from app.model import Headers, Note

# What a format always records for a whole exchange; missing in one means it was cut off.
Required = Literal["status", "url", "method"]
WHOLE_EXCHANGE: frozenset[Required] = frozenset({"status", "url", "method"})
_MISSING = {"status": "no response status", "url": "no request URL", "method": "no method"}


@dataclass(slots=True)
class CassetteBuilder:
    """Collects interactions, warnings and errors while a reader walks its document."""

    format: str
    ctx: ReadContext
    requires: frozenset[Required] = frozenset()
    interactions: list[RawInteraction] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    errors: list[Note] = field(default_factory=list)

    def warn(self, message: str, line: int | None = None) -> None:
        self.warnings.append(Note(message, line))

    def error(self, message: str, line: int | None = None) -> None:
        self.errors.append(Note(message, line))

    def unread(self, keys: Iterable[str], where: str = "the file") -> None:
        """Data in keys the reader does not know is named, never dropped without a word."""
        names = sorted(set(keys))
        if names:
            self.warn(f"{where}: data not read in {', '.join(names)}")

    def add(
        self,
        *,
        method: str = "",
        url: str = "",
        request_headers: Headers = (),
        request_body: bytes | None = None,
        status: int | None = None,
        response_headers: Headers = (),
        response_body: bytes | None = None,
        unread: Iterable[str] = (),
        **extra: Any,
    ) -> RawInteraction:
        index = len(self.interactions)
        self.unread(unread, f"interaction {index}")
        request_body = self._decoded(index, "request", request_body, request_headers)
        response_body = self._decoded(index, "response", response_body, response_headers)
        self._check_complete(index, method, url, status, response_body, extra)
        interaction = RawInteraction(
            index=index,
            request=RawRequest(method.upper(), url, request_headers, request_body),
            response=RawResponse(status, response_headers, response_body),
            **extra,
        )
        self.interactions.append(interaction)
        return interaction

    def add_frames(
        self, frames: tuple[RawFrame, ...], *, url: str = "", partial: bool = False
    ) -> RawInteraction:
        """A message log (WebSocket, gRPC) kept as one interaction whose frames are the messages."""
        interaction = RawInteraction(
            index=len(self.interactions),
            request=RawRequest(method="", url=url),
            response=RawResponse(),
            frames=frames,
            partial=partial,
        )
        self.interactions.append(interaction)
        return interaction

    def _check_complete(
        self,
        index: int,
        method: str,
        url: str,
        status: int | None,
        body: bytes | None,
        extra: dict[str, Any],
    ) -> None:
        if status is None and body is None:
            self.error(f"interaction {index}: the response has neither status nor body")
            return
        if extra.get("partial"):
            return
        given = {"status": status is not None, "url": bool(url), "method": bool(method)}
        missing = [_MISSING[r] for r in sorted(self.requires) if not given[r]]
        if missing:
            self.error(f"interaction {index} is cut off: {', '.join(missing)}")

    def _decoded(self, index: int, side: str, body: bytes | None, pairs: Headers) -> bytes | None:
        body, problem = decode_content(body, pairs, self.ctx.limits)
        if problem:
            self.warn(f"interaction {index} {side}: {problem}")
        return body

    def result(self) -> RawCassette:
        return RawCassette(
            format=self.format,
            interactions=tuple(self.interactions),
            errors=tuple(self.errors),
            warnings=tuple(self.warnings),
        )
