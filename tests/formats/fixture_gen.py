"""Writes the format fixtures whose bodies are binary (gzip as hex, an Erlang term in base64).

Run `python3 -m tests.formats.fixture_gen` after changing it; the output is committed.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import struct
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

CHAT = {
    "id": "chatcmpl-n1",
    "object": "chat.completion",
    "model": "gpt-4o-mini",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "Four."}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 11, "completion_tokens": 2, "total_tokens": 13},
}


def _gzip(doc: object) -> bytes:
    return gzip.compress(json.dumps(doc).encode(), mtime=0)


def nock() -> list[object]:
    packed = _gzip(CHAT).hex()
    return [
        {
            "scope": "https://api.openai.com:443",
            "method": "POST",
            "path": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "2+2?"}]},
            "status": 200,
            "response": [packed[:40], packed[40:]],
            "rawHeaders": [
                "Content-Type", "application/json", "Content-Encoding", "gzip",
                "Set-Cookie", "a=1", "Set-Cookie", "b=2",
            ],
            "responseIsBinary": False,
        },
        {
            "scope": "https://api.openai.com:443",
            "method": "GET",
            "path": "/v1/models/gpt-4o-mini",
            "body": "",
            "status": 404,
            "response": {"error": {"message": "not found", "type": "invalid_request_error"}},
            "rawHeaders": {"content-type": "application/json"},
        },
    ]  # fmt: skip


def erlang_binary(data: bytes) -> bytes:
    """`:erlang.term_to_binary(data)` for a binary: version, BINARY_EXT, length, bytes."""
    return bytes([131, 109]) + len(data).to_bytes(4, "big") + data


def exvcr() -> list[object]:
    message = {
        "id": "msg_x1",
        "type": "message",
        "role": "assistant",
        "model": "claude-3-5-haiku-20241022",
        "content": [{"type": "text", "text": "Elixir it is."}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 9, "output_tokens": 5},
    }
    request_body = {"model": "claude-3-5-haiku-latest", "max_tokens": 50, "messages": []}
    return [
        {
            "request": {
                "body": json.dumps(request_body),
                "headers": {"content-type": "application/json", "x-api-key": "***"},
                "method": "post",
                "options": [],
                "request_body": "",
                "url": "https://api.anthropic.com/v1/messages",
            },
            "response": {
                "binary": True,
                "body": base64.b64encode(erlang_binary(_gzip(message))).decode(),
                "headers": {"content-type": "application/json", "content-encoding": "gzip"},
                "status_code": 200,
                "type": "ok",
            },
        },
        {
            "request": {
                "body": "",
                "headers": {},
                "method": "get",
                "options": [],
                "request_body": "",
                "url": "https://api.anthropic.com/v1/models",
            },
            "response": {
                "binary": False,
                "body": '{"data":[{"id":"claude-3-5-haiku-20241022","type":"model"}]}',
                "headers": {"content-type": "application/json"},
                "status_code": 200,
                "type": "ok",
            },
        },
    ]


def event_frame(event: str, payload: object) -> bytes:
    """One AWS event-stream message: prelude with its CRC, string headers, payload, CRC."""
    headers = b""
    for name, value in ((":event-type", event), (":message-type", "event")):
        headers += bytes([len(name)]) + name.encode() + b"\x07"
        headers += struct.pack(">H", len(value)) + value.encode()
    body = json.dumps(payload).encode()
    prelude = struct.pack(">II", 16 + len(headers) + len(body), len(headers))
    message = prelude + struct.pack(">I", binascii.crc32(prelude)) + headers + body
    return message + struct.pack(">I", binascii.crc32(message))


def converse_stream() -> bytes:
    return b"".join(
        event_frame(name, payload)
        for name, payload in (
            ("messageStart", {"role": "assistant"}),
            ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Twelve"}}),
            ("contentBlockStop", {"contentBlockIndex": 0}),
            ("messageStop", {"stopReason": "end_turn"}),
            ("metadata", {"usage": {"inputTokens": 9, "outputTokens": 2, "totalTokens": 11}}),
        )
    )


def main() -> None:
    (FIXTURES / "nock-back.json").write_text(json.dumps(nock(), indent=2) + "\n")
    (FIXTURES / "exvcr.json").write_text(json.dumps(exvcr(), indent=2) + "\n")
    packed = base64.b64encode(converse_stream()).decode()
    (FIXTURES / "event-stream-body.eventstream.base64.txt").write_text(packed + "\n")


if __name__ == "__main__":
    main()
