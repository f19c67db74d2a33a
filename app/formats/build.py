"""Assemble raw interactions the same way in every reader: bodies decoded, warnings collected."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


@dataclass(slots=True)
class CassetteBuilder:
    """Collects interactions and warnings while a reader walks its document."""

    format: str
    ctx: ReadContext
    interactions: list[RawInteraction] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)

    def warn(self, message: str, line: int | None = None) -> None:
        self.warnings.append(Note(message, line))

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
        **extra: Any,
    ) -> RawInteraction:
        index = len(self.interactions)
        request_body = self._decoded(index, "request", request_body, request_headers)
        response_body = self._decoded(index, "response", response_body, response_headers)
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

    def _decoded(self, index: int, side: str, body: bytes | None, pairs: Headers) -> bytes | None:
        body, problem = decode_content(body, pairs, self.ctx.limits)
        if problem:
            self.warn(f"interaction {index} {side}: {problem}")
        return body

    def result(self) -> RawCassette:
        return RawCassette(
            format=self.format,
            interactions=tuple(self.interactions),
            warnings=tuple(self.warnings),
        )
