"""The shared reader of prompt-in, text-out APIs (see `other_llms`): one request prompt, one
continuation, whole or streamed.

Each API supplies a `read` that turns its response body, or one stream event, into a `Piece`;
a stream event of these APIs has the same shape as the whole body, so one reader serves both and
the folding, chunk kinds, finish reasons and usage are decided here once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import api_error, as_str, finish_reason
from app.apis.native_parts import loads, obj, stream_frames
from app.model import (
    ApiError,
    Chunk,
    ChunkKind,
    FinishReason,
    Message,
    Note,
    TextPart,
    UnknownPart,
)
from app.usage import normalized

T = TypeVar("T")


@dataclass(slots=True)
class Piece:
    """What one response body or one stream event says; None for what it does not say."""

    text: str | None = None
    finish: str | None = None
    model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None


# Finish reasons of these APIs that chat_parts.FINISH_REASONS does not know.
_FINISH: dict[str, FinishReason] = {
    "maximum_tokens": "length",
    "token_limit": "length",
}
_NOT_FINISHED = {"not_finished"}  # watsonx marks every event but the last so


def normalize_finish(raw: str) -> tuple[FinishReason | None, str | None]:
    known = _FINISH.get(raw.lower())
    return (known, raw) if known is not None else finish_reason(raw)


@dataclass(slots=True)
class PromptDecoder:
    name: str
    provider: str
    matches: Callable[[Exchange], bool]
    prompt: Callable[[dict[str, Any]], list[Message]]
    read: Callable[[Any], Piece]
    model: Callable[[Exchange, dict[str, Any]], str | None] = lambda ex, req: as_str(
        req.get("model")
    )
    error_of: Callable[[Any, int | None], ApiError | None] = api_error

    def detect(self, ex: Exchange) -> bool:
        return ex.raw.request.method == "POST" and self.matches(ex)

    def decode(self, ex: Exchange) -> Decoded:
        req = obj(ex.request_json)
        d = Decoded(api=self.name, provider=self.provider, model=self.model(ex, req))
        d.messages = self.prompt(req)
        d.error = self.error_of(ex.response_json, ex.status)
        if (ex.status or 0) >= 400:
            return d
        if ex.response_json is not None:
            pieces = [self.read(ex.response_json)]
        else:
            d.streaming = True
            pieces = self._stream(ex, d)
        text = "".join(p.text for p in pieces if p.text is not None)
        d.model = next((p.model for p in pieces if p.model is not None), d.model)
        if any(p.text is not None for p in pieces):
            d.response = Message("assistant", (TextPart(text),))
        elif d.error is None:
            d.summary = "response without text"
        why = _last(p.finish for p in pieces)
        if why is not None:
            d.finish_reason, d.finish_reason_raw = normalize_finish(why)
        used_in = _last(p.input_tokens for p in pieces)
        used_out = _last(p.output_tokens for p in pieces)
        if used_in is not None or used_out is not None:
            d.usage = normalized(input_tokens=used_in, output_tokens=used_out)
        return d

    def _stream(self, ex: Exchange, d: Decoded) -> list[Piece]:
        pieces: list[Piece] = []
        for seq, fr in enumerate(stream_frames(ex, None, d)):
            payload = loads(fr.data)
            kind: ChunkKind = "other"
            err = api_error(payload)
            if err is not None:
                d.error, kind = err, "error"
            elif isinstance(payload, (dict, list)):
                piece = self.read(payload)
                pieces.append(piece)
                kind = _kind(piece)
            elif fr.data.strip() not in ("", "[DONE]"):
                d.warnings.append(Note(f"stream event {seq} is not JSON; kept as is"))
            d.chunks.append(Chunk(seq, fr.event, fr.data, kind))
        return pieces


def _last(values: Iterable[T | None]) -> T | None:
    """The last value an event stated: later events revise earlier ones."""
    found: T | None = None
    for value in values:
        if value is not None:
            found = value
    return found


def _kind(piece: Piece) -> ChunkKind:
    if piece.text:
        return "text"
    if piece.finish is not None:
        return "finish"
    counted = piece.input_tokens is not None or piece.output_tokens is not None
    return "usage" if counted else "other"


def stated_finish(value: Any) -> str | None:
    """A recorded finish reason, or None when it is absent or says "not yet"."""
    text = as_str(value)
    return None if text is None or text.lower() in _NOT_FINISHED else text


def user_prompt(text: Any) -> list[Message]:
    if isinstance(text, str):
        return [Message("user", (TextPart(text),))]
    return [Message("user", (UnknownPart(text),))] if text is not None else []
