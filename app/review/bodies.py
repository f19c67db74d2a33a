"""Bodies that are not text: multipart uploads and binary payloads, compared by their parts.

An audio or PDF upload is a multipart body with a random boundary around megabytes of binary
data; word-diffing it as one base64 string says nothing and costs seconds. Here such a body
becomes a small JSON value (each part's field name, file name, media type, size and sha256
digest, short text fields as their text), which the JSON comparison and every renderer handle
like any other request parameters. The boundary is not part of it, so a new one is not a change.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

# Text fields of a form up to this size are compared as their value; longer ones by digest.
_TEXT_FIELD = 200
_BOUNDARY = re.compile(r'boundary="?([^";,\s]+)"?', re.IGNORECASE)
_DISPOSITION = re.compile(r'\b(name|filename)="([^"]*)"', re.IGNORECASE)
BINARY_PREFIX = "base64:"


def body_bytes(text: str) -> bytes:
    """The bytes of a body as the decoders keep it: UTF-8 text, or `base64:` for binary."""
    if text.startswith(BINARY_PREFIX):
        try:
            return base64.b64decode(text[len(BINARY_PREFIX) :], validate=False)
        except (binascii.Error, ValueError):
            return text.encode("utf-8", "surrogateescape")
    return text.encode("utf-8", "surrogateescape")


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]


def header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def boundary_of(content_type: str | None, data: bytes) -> bytes | None:
    """The multipart boundary from Content-Type, else from a body that starts with `--token`."""
    found = _BOUNDARY.search(content_type or "")
    if found and (content_type or "").lower().startswith("multipart/"):
        return found.group(1).encode("latin-1", "replace")
    if data.startswith(b"--"):
        first = data[2 : data.find(b"\r\n") if b"\r\n" in data[:200] else 0]
        if 0 < len(first) <= 100 and b" " not in first:
            return first
    return None


def _part(raw: bytes) -> tuple[str, Any]:
    head, sep, content = raw.partition(b"\r\n\r\n")
    if not sep:
        head, _, content = raw.partition(b"\n\n")
    if content.endswith(b"\r\n"):
        content = content[:-2]
    fields: dict[str, str] = {}
    media_type = None
    for line in head.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-disposition":
            fields = {k.lower(): v for k, v in _DISPOSITION.findall(value)}
        elif name.strip().lower() == "content-type":
            media_type = value.strip()
    key = fields.get("name") or "part"
    filename = fields.get("filename")
    if filename is None and media_type is None and len(content) <= _TEXT_FIELD:
        try:
            return key, content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    summary = {
        "filename": filename,
        "media_type": media_type,
        "size": len(content),
        "digest": digest(content),
    }
    return key, {k: v for k, v in summary.items() if v is not None}


def multipart(data: bytes, boundary: bytes) -> dict[str, Any]:
    """The parts of a multipart body by field name (a repeated name gets `#2`, `#3`…)."""
    out: dict[str, Any] = {}
    for raw in data.split(b"--" + boundary)[1:]:
        if raw.startswith(b"--"):
            break
        key, value = _part(raw.removeprefix(b"\r\n").removeprefix(b"\n"))
        name, n = key, 1
        while name in out:
            n += 1
            name = f"{key}#{n}"
        out[name] = value
    return out


def summarize(text: str | None, content_type: str | None) -> dict[str, Any] | None:
    """A multipart or binary body as a comparable summary; None for a text body."""
    if not text:
        return None
    binary = text.startswith(BINARY_PREFIX)
    data = body_bytes(text) if binary or text.startswith("--") else b""
    boundary = boundary_of(content_type, data) if data else None
    if boundary is not None:
        return {"multipart": multipart(data, boundary)}
    if binary:
        kind = (content_type or "").split(";")[0].strip() or None
        summary = {"media_type": kind, "size": len(data), "digest": digest(data)}
        return {"binary": {k: v for k, v in summary.items() if v is not None}}
    return None


__all__ = ["BINARY_PREFIX", "body_bytes", "digest", "header", "multipart", "summarize"]
