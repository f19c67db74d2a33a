"""What decoded cassettes weigh, for the byte-bounded caches of app.cache (see there)."""

from __future__ import annotations

from app.cache import DEFAULT_CACHE_MB, ENV, SizedCache, cache_bytes, page_cache_bytes
from app.model import (
    Cassette,
    MediaPart,
    Message,
    ReasoningPart,
    RefusalPart,
    TextPart,
    ToolResultPart,
)

__all__ = [
    "DEFAULT_CACHE_MB",
    "ENV",
    "SizedCache",
    "cache_bytes",
    "cassette_weight",
    "message_weight",
    "page_cache_bytes",
]


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
