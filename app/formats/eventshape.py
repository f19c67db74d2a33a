"""Which API a list of stream events came from, judged by the events alone, and its framing.

Some recordings keep a streamed answer without its request (Vercel AI SDK `.chunks.txt`
fixtures, raw `.sse` bodies, JSON arrays of events), and llama-stack keeps chunks as a list.
API decoders pick an API by URL and fold a body framed as that API sends it, so the events
are framed back into that shape (SSE, NDJSON, or AWS event-stream frames for Bedrock, whose
events are kept as `{"contentBlockDelta": {...}}`) and given the endpoint path the API
streams on. The path is a guess and every reader that uses one says so in a warning.
"""

from __future__ import annotations

import binascii
import struct
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from app.formats.fields import text

_ANTHROPIC = frozenset(
    {"message_start", "content_block_start", "content_block_delta", "content_block_stop"}
    | {"message_delta", "message_stop", "ping"}
)
_COHERE = frozenset(
    {"message-start", "content-start", "content-delta", "content-end", "message-end"}
    | {"tool-plan-delta", "tool-call-start", "tool-call-delta", "tool-call-end"}
    | {"citation-start", "citation-end"}
)
_BEDROCK = frozenset(
    {"messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop"}
    | {"messageStop", "metadata"}
)
_PROBE = 5  # events looked at: the first few always say which API they belong to


@dataclass(frozen=True, slots=True)
class StreamShape:
    api: str  # a label for the warning, e.g. "OpenAI chat completions"
    path: str  # where that API streams, so decoders recognise it
    framing: Literal["sse", "ndjson", "aws-eventstream"]
    named: bool = False  # SSE events carry `event: <type>` lines


def guess_shape(events: list[Any]) -> StreamShape | None:
    """The API of the first events that say which one they are; None when none does."""
    for event in events[:_PROBE]:
        shape = _shape_of(event)
        if shape is not None:
            return shape
    return None


def _shape_of(event: Any) -> StreamShape | None:
    if not isinstance(event, dict):
        return None
    if len(event) == 1 and next(iter(event)) in _BEDROCK:
        path = "/model/unknown/converse-stream"
        return StreamShape("Bedrock ConverseStream", path, "aws-eventstream")
    kind = text(event.get("type"))
    if kind.startswith("response."):
        return StreamShape("OpenAI responses", "/v1/responses", "sse", named=True)
    if kind in _ANTHROPIC:
        return StreamShape("Anthropic messages", "/v1/messages", "sse", named=True)
    if kind in _COHERE:
        return StreamShape("Cohere chat", "/v2/chat", "sse", named=True)
    obj = event.get("object")
    choices = event.get("choices")
    if obj == "chat.completion.chunk" or (
        isinstance(choices, list) and any(isinstance(c, dict) and "delta" in c for c in choices)
    ):
        return StreamShape("OpenAI chat completions", "/v1/chat/completions", "sse")
    if obj == "text_completion":
        return StreamShape("OpenAI completions", "/v1/completions", "sse")
    if "candidates" in event or "usageMetadata" in event:
        model = text(event.get("modelVersion")) or "unknown"
        path = f"/v1beta/models/{model}:streamGenerateContent"
        return StreamShape("Gemini", path, "sse")
    if "done" in event and "created_at" in event:
        path = "/api/chat" if "message" in event else "/api/generate"
        return StreamShape("Ollama", path, "ndjson")
    return None


def frame_events(events: list[Any], shape: StreamShape | None) -> bytes:
    """The events as the body the API would have sent: SSE events, or one JSON per line."""
    if shape is not None and shape.framing == "aws-eventstream":
        return b"".join(_eventstream_frame(e) for e in events if isinstance(e, dict) and e)
    payloads = [e if isinstance(e, str) else orjson.dumps(e).decode() for e in events]
    if shape is not None and shape.framing == "ndjson":
        return "".join(p + "\n" for p in payloads).encode()
    out = []
    for event, payload in zip(events, payloads, strict=True):
        name = text(event.get("type")) if shape and shape.named and isinstance(event, dict) else ""
        out.append(f"event: {name}\ndata: {payload}\n\n" if name else f"data: {payload}\n\n")
    return "".join(out).encode()


def _eventstream_frame(event: dict[str, Any]) -> bytes:
    """One `{"eventName": payload}` as the binary frame Bedrock sends: headers, payload, CRCs."""
    name, payload = next(iter(event.items()))
    fields = ((":event-type", text(name)), (":content-type", "application/json"))
    headers = b"".join(
        bytes([len(k)]) + k.encode() + b"\x07" + struct.pack(">H", len(v)) + v.encode()
        for k, v in (*fields, (":message-type", "event"))
    )
    body = orjson.dumps(payload)
    prelude = struct.pack(">II", 16 + len(headers) + len(body), len(headers))
    message = prelude + struct.pack(">I", binascii.crc32(prelude)) + headers + body
    return message + struct.pack(">I", binascii.crc32(message))


def content_type(shape: StreamShape | None) -> str:
    if shape and shape.framing == "aws-eventstream":
        return "application/vnd.amazon.eventstream"
    return "application/x-ndjson" if shape and shape.framing == "ndjson" else "text/event-stream"
