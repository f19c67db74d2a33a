"""Stream framing: split a recorded streaming body into its elements, in arrival order.

Framing knows nothing of meaning: it yields the payload of each SSE event, NDJSON line,
JSON-array element or AWS event-stream frame. API decoders fold those payloads into a
response. A damaged stream never raises: what could be framed is returned with a warning
naming where the damage starts.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Framing = Literal["sse", "ndjson", "json-array", "aws-eventstream"]


class Frame(NamedTuple):
    """One stream element: `event` is the SSE event name or the event-stream `:event-type`.

    A named tuple rather than a frozen dataclass: long streams make tens of thousands of these,
    and a tuple is built several times faster.
    """

    data: str
    event: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Framed:
    framing: Framing
    frames: list[Frame] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def detect_framing(body: bytes, content_type: str = "") -> Framing | None:
    """Guess how a body is framed from its content type first, then from its first bytes."""
    ct = content_type.lower()
    if "text/event-stream" in ct:
        return "sse"
    if "vnd.amazon.eventstream" in ct:
        return "aws-eventstream"
    if "ndjson" in ct or "jsonl" in ct or "x-ndjson" in ct:
        return "ndjson"
    head = body[:64].lstrip()
    if _looks_like_eventstream(body):
        return "aws-eventstream"
    if head.startswith((b"data:", b"event:", b":", b"id:", b"retry:")):
        return "sse"
    if head.startswith(b"[") and b"\n" in body.strip():
        return "json-array"
    if head.startswith(b"{"):
        lines = [ln for ln in body.strip().splitlines() if ln.strip()]
        if len(lines) > 1 and all(ln.lstrip().startswith(b"{") for ln in lines[:3]):
            return "ndjson"
    return None


def frame(body: bytes, framing: Framing) -> Framed:
    if framing == "aws-eventstream":
        return parse_eventstream(body)
    text = body.decode("utf-8", errors="replace")
    if framing == "sse":
        return parse_sse(text)
    if framing == "ndjson":
        return parse_ndjson(text)
    return parse_json_array(text)


def parse_sse(text: str) -> Framed:
    """Server-sent events per the WHATWG rules: a blank line ends an event, data lines join.

    Streams are split on blank lines first, which keeps the common shapes cheap (`data: ...`
    alone, or after one `event: ...` line): long streams have tens of thousands of them.
    """
    out = Framed("sse")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    frames = out.frames
    for block in text.split("\n\n"):
        lines = block.count("\n")
        if lines == 0 and block.startswith("data: "):
            frames.append(Frame(block[6:]))
            continue
        if lines == 1 and block.startswith("event: "):
            head, _, rest = block.partition("\n")
            if rest.startswith("data: "):
                frames.append(Frame(rest[6:], head[7:]))
                continue
        event: str | None = None
        data: list[str] = []
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue  # stray blank line, or a comment / keep-alive
            name, sep, value = line.partition(":")
            if sep and value.startswith(" "):
                value = value[1:]
            if name == "data":
                data.append(value)
            elif name == "event":
                event = value
        if data:
            frames.append(Frame("\n".join(data), event))
    return out


def parse_ndjson(text: str) -> Framed:
    out = Framed("ndjson")
    for line in text.splitlines():
        if line.strip():
            out.frames.append(Frame(line.strip()))
    return out


def parse_json_array(text: str) -> Framed:
    """A JSON array whose elements arrived one by one (Gemini without `alt=sse`).

    A truncated array still yields every complete element before the cut.
    """
    out = Framed("json-array")
    decoder = json.JSONDecoder()
    pos = text.find("[")
    if pos < 0:
        out.warnings.append("stream is not a JSON array")
        return out
    pos += 1
    n = len(text)
    while pos < n:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n or text[pos] == "]":
            return out
        try:
            _, end = decoder.raw_decode(text, pos)
        except ValueError as exc:
            out.warnings.append(f"JSON array stream is cut or damaged at character {pos}: {exc}")
            return out
        out.frames.append(Frame(text[pos:end]))
        pos = end
    out.warnings.append("JSON array stream ends without its closing bracket")
    return out


_PRELUDE = 12


def _looks_like_eventstream(body: bytes) -> bool:
    if len(body) < 16:
        return False
    total, headers_len = struct.unpack(">II", body[:8])
    return bool(
        16 <= total <= len(body)
        and headers_len < total
        and binascii.crc32(body[:8]) == struct.unpack(">I", body[8:12])[0]
    )


def parse_eventstream(body: bytes) -> Framed:
    """AWS event-stream binary frames: prelude (lengths + CRC), typed headers, payload, CRC."""
    out = Framed("aws-eventstream")
    pos = 0
    n = len(body)
    while pos < n:
        if n - pos < 16:
            out.warnings.append(f"event-stream cut short at byte {pos}")
            break
        total, headers_len, prelude_crc = struct.unpack(">III", body[pos : pos + _PRELUDE])
        if binascii.crc32(body[pos : pos + 8]) != prelude_crc:
            out.warnings.append(f"event-stream prelude CRC mismatch at byte {pos}")
            break
        if total < 16 or pos + total > n or headers_len > total - 16:
            out.warnings.append(f"event-stream frame at byte {pos} is longer than the body")
            break
        msg = body[pos : pos + total]
        (msg_crc,) = struct.unpack(">I", msg[-4:])
        if binascii.crc32(msg[:-4]) != msg_crc:
            out.warnings.append(f"event-stream message CRC mismatch at byte {pos}")
            pos += total
            continue
        headers = _eventstream_headers(msg[_PRELUDE : _PRELUDE + headers_len])
        payload = msg[_PRELUDE + headers_len : -4]
        hdr = dict(headers)
        event = hdr.get(":event-type") or hdr.get(":exception-type")
        out.frames.append(Frame(_payload_text(payload), event, tuple(headers)))
        pos += total
    return out


def _payload_text(payload: bytes) -> str:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(payload).decode("ascii")


# Value sizes of the fixed-width header types; 6 (bytes) and 7 (string) carry a 2-byte length.
_FIXED = {0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16}


def _eventstream_headers(raw: bytes) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(raw):
        name_len = raw[pos]
        name = raw[pos + 1 : pos + 1 + name_len].decode("utf-8", "replace")
        pos += 1 + name_len
        if pos >= len(raw):
            break
        kind = raw[pos]
        pos += 1
        if kind in (6, 7):
            (vlen,) = struct.unpack(">H", raw[pos : pos + 2])
            value = raw[pos + 2 : pos + 2 + vlen]
            pos += 2 + vlen
            text = value.decode("utf-8", "replace") if kind == 7 else value.hex()
        elif kind in _FIXED:
            size = _FIXED[kind]
            value = raw[pos : pos + size]
            pos += size
            text = {0: "true", 1: "false"}.get(kind) or str(int.from_bytes(value, "big"))
        else:
            break
        out.append((name, text))
    return out
