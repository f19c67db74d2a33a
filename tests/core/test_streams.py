"""Stream framing: every element in order, and damage reported instead of raised."""

from __future__ import annotations

import binascii
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from app.streams import detect_framing, frame, parse_eventstream, parse_json_array, parse_sse


def test_sse_events_comments_multiline_and_crlf() -> None:
    text = (
        ": keep-alive\r\n\r\n"
        'event: message_start\r\ndata: {"a":1}\r\n\r\n'
        "data: line one\ndata: line two\n\n"
        "data: [DONE]\n\n"
    )
    frames = parse_sse(text).frames
    assert [(f.event, f.data) for f in frames] == [
        ("message_start", '{"a":1}'),
        (None, "line one\nline two"),
        (None, "[DONE]"),
    ]


def test_sse_last_event_without_blank_line_is_kept() -> None:
    assert [f.data for f in parse_sse("data: x\n\ndata: y").frames] == ["x", "y"]


def test_json_array_stream_and_truncation() -> None:
    full = parse_json_array('[{"a": 1}\n,\r\n{"b": [2, 3]}]')
    assert [f.data for f in full.frames] == ['{"a": 1}', '{"b": [2, 3]}']
    assert not full.warnings
    cut = parse_json_array('[{"a": 1},{"b": [2')
    assert [f.data for f in cut.frames] == ['{"a": 1}']
    assert cut.warnings


def _es_frame(payload: bytes, headers: dict[str, str]) -> bytes:
    raw_headers = b""
    for name, value in headers.items():
        v = value.encode()
        raw_headers += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(v)) + v
    total = 12 + len(raw_headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(raw_headers))
    prelude += struct.pack(">I", binascii.crc32(prelude))
    body = prelude + raw_headers + payload
    return body + struct.pack(">I", binascii.crc32(body))


def test_eventstream_frames_and_crc_checks() -> None:
    one = _es_frame(b'{"delta":"Hi"}', {":event-type": "contentBlockDelta"})
    two = _es_frame(b'{"stop":1}', {":event-type": "messageStop"})
    body = one + two
    assert detect_framing(body) == "aws-eventstream"
    framed = parse_eventstream(body)
    assert [(f.event, f.data) for f in framed.frames] == [
        ("contentBlockDelta", '{"delta":"Hi"}'),
        ("messageStop", '{"stop":1}'),
    ]
    damaged = bytearray(body)
    damaged[len(one) - 6] ^= 0xFF  # inside the first frame's payload
    result = parse_eventstream(bytes(damaged))
    assert [f.event for f in result.frames] == ["messageStop"]
    assert "CRC mismatch" in result.warnings[0]
    cut = parse_eventstream(body[:-3])
    assert len(cut.frames) == 1
    assert cut.warnings


def test_detect_framing() -> None:
    assert detect_framing(b"data: {}\n\n") == "sse"
    assert detect_framing(b"{}", "text/event-stream; charset=utf-8") == "sse"
    assert detect_framing(b'{"a":1}\n{"a":2}\n') == "ndjson"
    assert detect_framing(b'[{"a":1}\n,{"a":2}]') == "json-array"
    assert detect_framing(b'{"a":1}') is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    for framing in ("sse", "ndjson", "json-array", "aws-eventstream"):
        frame(data, framing)  # type: ignore[arg-type]
    detect_framing(data)
