"""Streamed answers saved without their request: raw SSE, one JSON per line, JSON event lists.

Test suites keep these as replay fixtures (the Vercel AI SDK's `.chunks.txt`, `.sse` files,
SSE text saved as a JSON string, arrays of stream events, Bedrock's binary event-stream, raw
or as base64 text in `.eventstream.base64.txt`). Each becomes one partial
interaction whose body is framed the way its API streams (see `eventshape`), so the decoder
of that API folds it. A last event whose JSON breaks off means the file was cut short: that
is an error for the interaction, while what came before is still shown.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from typing import Any

import orjson

from app.formats.base import RawCassette, ReadContext, ReadError
from app.formats.build import CassetteBuilder
from app.formats.eventshape import StreamShape, content_type, frame_events, guess_shape
from app.formats.fields import mapping, text
from app.streams import parse_eventstream, parse_sse

_FIRST_LINE = re.compile(rb"\s*([^\r\n]*)")
_SSE_FIELD = re.compile(rb"\s*(?:(?:data|event|id|retry)(?::|\r?\n)|:)")
_DATA_LINE = re.compile(rb"^data:", re.MULTILINE)
_SSE_FIELDS = frozenset({"data", "event", "id", "retry", ""})
_JSON_SSE = re.compile(rb'\s*"(?:data|event|id|retry):')
_BASE64 = re.compile(rb"[A-Za-z0-9+/]{16}")
_WHITESPACE = re.compile(rb"\s+")
_PROBE_LINES = 3
_PROBE_BYTES = 1 << 20  # a first line longer than this is not a stream chunk


def _partial_note(shape: StreamShape | None) -> str:
    base = "only the streamed response was recorded; the request is unknown"
    if shape is None:
        return f"{base}, and the events match no API Tapedeck knows"
    return f"{base}; the events look like {shape.api}, read as POST {shape.path} (a guess)"


def _add_stream(out: CassetteBuilder, body: bytes, shape: StreamShape | None) -> None:
    out.add(
        method="POST" if shape else "",
        url=shape.path if shape else "",
        response_headers=(("Content-Type", content_type(shape)),),
        response_body=body,
        partial=True,
    )
    out.warn(_partial_note(shape))


def _json(payload: str | bytes) -> Any:
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None


class SseBodyReader:
    """Server-sent events as the server sent them, or that text saved as a JSON string."""

    name = "sse-body"

    def detect(self, doc: Any) -> bool:
        if not isinstance(doc, bytes):
            return False
        if _JSON_SSE.match(doc):
            return True
        return (
            _SSE_FIELD.match(doc, 0, 4096) is not None
            and _DATA_LINE.search(doc, 0, 8192) is not None
        )

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        data: bytes = doc
        if _JSON_SSE.match(data):
            value = _json(data)
            if not isinstance(value, str):
                raise ReadError("invalid JSON: a string of server-sent events that does not end")
            data = value.encode()
        out = CassetteBuilder(self.name, ctx)
        text = data.decode("utf-8", "replace")
        frames = parse_sse(text).frames
        events = [_json(f.data) for f in frames]
        shape = guess_shape(events)
        body = data if shape is None or shape.framing == "sse" else frame_events(events, shape)
        _add_stream(out, body, shape)
        unknown = {
            line.partition(":")[0]
            for line in text.splitlines()
            if line and line.partition(":")[0] not in _SSE_FIELDS
        }
        out.unread(sorted(f"field {name!r}" for name in unknown), "interaction 0")
        last = frames[-1].data.strip() if frames else ""
        if last.startswith(("{", "[")) and last != "[DONE]" and events[-1] is None:
            out.error("interaction 0 is cut off: the last event's JSON breaks off")
        return out.result()


class StreamChunksReader:
    """One JSON event per line, no SSE framing (the Vercel AI SDK's `.chunks.txt`)."""

    name = "stream-chunks"

    def detect(self, doc: Any) -> bool:
        if not isinstance(doc, bytes):
            return False
        first_line = _FIRST_LINE.match(doc, 0, _PROBE_BYTES)
        if first_line is None or not first_line[1].rstrip().endswith(b"}"):
            return False
        parts = doc[:_PROBE_BYTES].split(b"\n", _PROBE_LINES)
        if len(parts) > _PROBE_LINES or len(doc) > _PROBE_BYTES:
            parts = parts[:-1]  # the rest of the file, or a line cut by the probe
        lines = [ln.strip() for ln in parts if ln.strip()]
        if len(lines) < 2 or not all(ln.startswith(b"{") for ln in lines):
            return False
        first = lines[0]
        return first.endswith(b"}") and isinstance(_json(first), dict)

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        data: bytes = doc
        out = CassetteBuilder(self.name, ctx)
        lines = [(n, ln.strip()) for n, ln in enumerate(data.split(b"\n"), 1) if ln.strip()]
        events = [_json(ln) for _, ln in lines]
        whole = [(n, e) for (n, _), e in zip(lines, events, strict=True) if e is not None]
        shape = guess_shape([e for _, e in whole])
        _add_stream(out, frame_events([e for _, e in whole], shape), shape)
        broken = [n for (n, _), e in zip(lines, events, strict=True) if e is None]
        if broken and broken[-1] == lines[-1][0]:
            out.error("interaction 0 is cut off: the last line's JSON breaks off", broken.pop())
        if broken:
            out.warn(f"interaction 0: lines that are not JSON were left out: {broken}", broken[0])
        return out.result()


class StreamEventsReader:
    """A JSON array of stream events (or of Gemini's streamed responses)."""

    name = "stream-events"

    def detect(self, doc: Any) -> bool:
        return isinstance(doc, list) and bool(doc) and guess_shape(doc) is not None

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx)
        events = [e for e in doc if isinstance(e, dict)]
        shape = guess_shape(events)
        _add_stream(out, frame_events(events, shape), shape)
        others = [n for n, e in enumerate(doc) if not isinstance(e, dict)]
        if others:
            out.warn(f"interaction 0: items that are not events were left out: {others}")
        return out.result()


def _prelude_ok(head: bytes) -> bool:
    """An AWS event-stream frame starts with two lengths and the CRC32 of those 8 bytes."""
    if len(head) < 12:
        return False
    total, headers_len, crc = struct.unpack(">III", head[:12])
    return bool(total >= 16 and headers_len < total and binascii.crc32(head[:8]) == crc)


def _invoke_path(frames: list[Any]) -> str | None:
    """Bedrock InvokeModel streams wrap each model event, base64, in a `chunk` frame."""
    for frame in frames[:_PROBE_LINES]:
        wrapper = mapping(_json(frame.data)) if frame.event == "chunk" else {}
        try:
            inner = mapping(_json(base64.b64decode(text(wrapper.get("bytes")))))
        except (binascii.Error, ValueError):
            continue
        if inner.get("type") == "message_start":
            model = text(mapping(inner.get("message")).get("model")) or "unknown"
            return f"/model/anthropic.{model}/invoke-with-response-stream"
    return None


class EventStreamReader:
    """Bedrock's binary AWS event-stream, as recorded or saved as base64 text."""

    name = "event-stream-body"

    def detect(self, doc: Any) -> bool:
        if not isinstance(doc, bytes):
            return False
        if _prelude_ok(doc[:12]):
            return True
        return _BASE64.match(doc) is not None and _prelude_ok(base64.b64decode(doc[:16]))

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        data: bytes = doc
        if not _prelude_ok(data[:12]):
            try:
                data = base64.b64decode(_WHITESPACE.sub(b"", data), validate=True)
            except (binascii.Error, ValueError):
                raise ReadError("an event-stream saved as base64 is not valid base64") from None
        out = CassetteBuilder(self.name, ctx)
        framed = parse_eventstream(data)
        names = dict.fromkeys(f.event for f in framed.frames if f.event)
        shape = guess_shape([{name: {}} for name in names])
        path = _invoke_path(framed.frames)
        if path is not None:
            shape = StreamShape("Anthropic on Bedrock", path, "aws-eventstream")
        _add_stream(out, data, shape)
        for problem in framed.warnings:
            out.error(f"interaction 0 is cut off: what follows was not read ({problem})")
        return out.result()


SSE_BODY = SseBodyReader()
STREAM_CHUNKS = StreamChunksReader()
STREAM_EVENTS = StreamEventsReader()
EVENT_STREAM = EventStreamReader()
