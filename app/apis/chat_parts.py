"""Pieces every chat-style decoder needs, whatever the vendor.

Providers name the same things differently (`tool_calls` / `tool_use` / `TOOL_CALL`, data URLs
or base64 blocks, `{error: {...}}` or `{detail: ...}`), but the decisions about them — how a
finish reason is normalized, when inline media keeps its URL, how a stream body becomes
numbered events — must be the same everywhere, so they live here once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import orjson

from app.apis.base import Exchange, parse_arguments
from app.apis.inline_media import MediaKind, from_data_url
from app.model import ApiError, FinishReason, MediaPart, ToolCallPart
from app.streams import detect_framing, frame

# Recorded finish / stop reasons of every API, lower-cased, to the contract's values.
# A value not listed here is kept raw and normalized to "other".
FINISH_REASONS: Mapping[str, FinishReason] = {
    "stop": "stop",
    "end_turn": "stop",
    "stop_sequence": "stop",
    "complete": "stop",
    "completed": "stop",
    "eos": "stop",
    "eos_token": "stop",
    "end_of_text": "stop",
    "endoftext": "stop",
    "finish": "stop",  # Amazon Titan
    "length": "length",
    "max_tokens": "length",
    "max_output_tokens": "length",
    "model_length": "length",
    "model_context_window_exceeded": "length",
    "tool_calls": "tool_call",
    "tool_call": "tool_call",
    "function_call": "tool_call",
    "tool_use": "tool_call",
    "content_filter": "content_filter",
    "content_filtered": "content_filter",
    "refusal": "content_filter",
    "safety": "content_filter",
    "recitation": "content_filter",
    "blocklist": "content_filter",
    "prohibited_content": "content_filter",
    "spii": "content_filter",
    "error_toxic": "content_filter",  # Cohere Command
    "error_limit": "length",
    "guardrail_intervened": "content_filter",
    "error": "error",
    "failed": "error",
    "timeout": "error",
    "malformed_function_call": "error",
    "malformed_model_output": "error",
    "malformed_tool_use": "error",
}


def finish_reason(raw: Any) -> tuple[FinishReason | None, str | None]:
    """(normalized, as recorded); both None when the response did not say."""
    if raw is None or raw == "":
        return None, None
    text = str(raw)
    return FINISH_REASONS.get(text.lower(), "other"), text


def tool_call(call_id: Any, name: Any, arguments: Any) -> ToolCallPart:
    """A tool call from recorded arguments: JSON text is parsed, an object is kept as it is."""
    if isinstance(arguments, str) or arguments is None:
        value, error = parse_arguments(arguments)
    else:
        value, error = arguments, None
    return ToolCallPart(
        id=str(call_id) if call_id not in (None, "") else None,
        name=str(name or ""),
        arguments=value,
        arguments_error=error,
    )


def media(kind: MediaKind, url: Any, media_type: str | None = None) -> MediaPart:
    """An image/audio/file part; inline (data: URL) content is not the contract's url: it is
    kept apart, size-capped (`inline_media`)."""
    text = url if isinstance(url, str) else None
    if text is not None and text.startswith("data:"):
        return from_data_url(kind, text, media_type)
    return MediaPart(type=kind, media_type=media_type, url=text)


def text_of(content: Any) -> str:
    """Text of a content value that may be a string, a list of parts or of strings, or null."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        pieces: list[str] = []
        for item in content:
            if isinstance(item, str):
                pieces.append(item)
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                pieces.append(item["text"])
            else:
                pieces.append(json.dumps(item, ensure_ascii=False))
        return "".join(pieces)
    return json.dumps(content, ensure_ascii=False)


def api_error(body: Any, status: int | None = None) -> ApiError | None:
    """The error a body reports, in any of the shapes vendors use; None when it reports none.

    Shapes: `{error: {type, code, message}}`, `{error: "text"}`, `{object: "error", message}`,
    `{detail: ...}` (Mistral, FastAPI servers) and `{message, type}` at the top level.
    """
    if not isinstance(body, dict):
        return None
    fallback = f"http_{status}" if status else "error"
    err = body.get("error")
    if isinstance(err, dict):
        kind = err.get("type") or err.get("code") or err.get("status") or fallback
        message = err.get("message") or err.get("msg") or json.dumps(err, ensure_ascii=False)
        return ApiError(type=str(kind), message=str(message))
    if isinstance(err, str) and err:
        return ApiError(type=str(body.get("type") or fallback), message=err)
    if body.get("object") == "error" or body.get("type") == "error":
        message = body.get("message") or json.dumps(body, ensure_ascii=False)
        return ApiError(
            type=str(body.get("code") or body.get("type") or fallback), message=str(message)
        )
    if status is not None and status >= 400:
        detail = body.get("detail", body.get("message"))
        if detail is not None:
            text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
            return ApiError(type=str(body.get("type") or fallback), message=text)
    return None


class StreamEvent(NamedTuple):
    """One framed stream element and its JSON payload (None when the payload is not JSON).

    A named tuple, like the frames it comes from: there is one per chunk of every stream.
    """

    seq: int
    event: str | None
    data: str
    payload: Any
    is_json: bool


def is_event_stream(ex: Exchange) -> bool:
    body = ex.raw.response.body or b""
    return detect_framing(body, ex.response_content_type) == "sse"


def sse_events(ex: Exchange) -> tuple[list[StreamEvent], list[str]]:
    """The response's SSE events with their JSON parsed, and framing warnings.

    The `[DONE]` terminator and other non-JSON payloads come back with `is_json` False so the
    decoder can decide whether they are expected.
    """
    framed = frame(ex.raw.response.body or b"", "sse")
    events: list[StreamEvent] = []
    append, loads = events.append, orjson.loads
    for seq, (data, event, _) in enumerate(framed.frames):
        try:
            append(StreamEvent(seq, event, data, loads(data), True))
        except ValueError:
            append(StreamEvent(seq, event, data, None, False))
    return events, framed.warnings


def as_str(value: Any) -> str | None:
    """A non-empty string field, or None (recorded JSON often has "" or null for absent)."""
    return value if isinstance(value, str) and value else None


def as_int(value: Any) -> int | None:
    """An integer field, or None; booleans are not counts."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_dict(value: Any) -> dict[str, Any]:
    """An object field, or an empty dict when it is absent or not an object."""
    return value if isinstance(value, dict) else {}


def request_stream_flag(body: Any) -> bool:
    return isinstance(body, dict) and body.get("stream") is True


def dicts(value: Any) -> Iterator[dict[str, Any]]:
    """The dict items of a value that should be a list of objects; anything else is skipped."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield item
