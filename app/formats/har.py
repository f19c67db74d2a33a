"""HTTP Archive 1.2 (`log.entries[]`), as JSON or written out as YAML.

Custom fields start with `_` by the HAR spec; they are recorder bookkeeping (Polly's `_id`,
Chrome's `_initiator`) and are not reported, except WebSocket messages, which are data.
Polly.JS stores binary bodies as base64 and, for chunked responses, as a JSON list of base64
chunks inside `content.text`; both are joined back into one body here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import orjson

from app.formats.base import RawCassette, ReadContext
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.fields import (
    body_bytes,
    extra_keys,
    headers,
    mapping,
    number,
    optional_text,
    status_code,
    text,
    unbase64,
)

_ENTRY_KEYS = frozenset(
    {"pageref", "startedDateTime", "time", "request", "response", "cache", "timings"}
    | {"serverIPAddress", "connection", "comment"}
)
_REQUEST_KEYS = frozenset(
    {"method", "url", "httpVersion", "cookies", "headers", "queryString", "postData"}
    | {"headersSize", "bodySize", "comment"}
)
_RESPONSE_KEYS = frozenset(
    {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL"}
    | {"headersSize", "bodySize", "comment"}
)
_CONTENT_KEYS = frozenset({"size", "compression", "mimeType", "text", "encoding", "comment"})
_POST_KEYS = frozenset({"mimeType", "params", "text", "comment"})
_TOP_KEYS = frozenset({"log"})
_LOG_KEYS = frozenset({"version", "creator", "browser", "pages", "entries", "comment"})
_DATA_EXTENSIONS = frozenset({"_webSocketMessages"})


def _unread(where: str, value: Any, known: frozenset[str]) -> list[str]:
    return [
        key
        for key in extra_keys(where, value, known)
        if not key.rpartition(".")[2].startswith("_") or key.rpartition(".")[2] in _DATA_EXTENSIONS
    ]


def _entries(doc: Any) -> list[Any] | None:
    log = doc.get("log") if isinstance(doc, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    return entries if isinstance(entries, list) else None


def _params(post: Any) -> bytes | None:
    """A form sent as `postData.params` without its text."""
    params = post.get("params") if isinstance(post, dict) else None
    if not isinstance(params, list) or not params:
        return None
    pairs = [(text(p.get("name")), text(p.get("value"))) for p in params if isinstance(p, dict)]
    return urlencode(pairs).encode()


def _content(content: Any) -> bytes | None:
    if not isinstance(content, dict) or content.get("text") is None:
        return _params(content)
    body = content["text"]
    if text(content.get("encoding")).lower() != "base64":
        return body_bytes(body)
    if isinstance(body, str) and body.lstrip().startswith("["):
        try:
            chunks = orjson.loads(body)
        except orjson.JSONDecodeError:
            chunks = None
        if isinstance(chunks, list):
            return b"".join(unbase64(c) for c in chunks)
    if isinstance(body, list):
        return b"".join(unbase64(c) for c in body)
    return unbase64(body)


def _duration(entry: dict[str, Any]) -> float | None:
    total = number(entry.get("time"))
    if total is not None:
        return total
    timings = entry.get("timings")
    if not isinstance(timings, dict):
        return None
    parts = [t for t in (number(v) for v in timings.values()) if t is not None]
    return sum(parts) if parts else None


class HarReader:
    name = "har"

    def detect(self, doc: Any) -> bool:
        return _entries(doc) is not None

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, WHOLE_EXCHANGE)
        out.unread([*extra_keys("", doc, _TOP_KEYS), *_unread("log", doc["log"], _LOG_KEYS)])
        for entry in _entries(doc) or []:
            entry = mapping(entry)
            request = mapping(entry.get("request"))
            response = mapping(entry.get("response"))
            out.add(
                method=text(request.get("method")),
                url=text(request.get("url")),
                request_headers=headers(request.get("headers")),
                request_body=_content(request.get("postData")),
                status=status_code(response.get("status")),
                response_headers=headers(response.get("headers")),
                response_body=_content(response.get("content")),
                id=optional_text(entry.get("_id")),
                duration_ms=_duration(entry),
                recorded_at=optional_text(entry.get("startedDateTime")),
                unread=[
                    *_unread("", entry, _ENTRY_KEYS),
                    *_unread("request", request, _REQUEST_KEYS),
                    *_unread("request.postData", request.get("postData"), _POST_KEYS),
                    *_unread("response", response, _RESPONSE_KEYS),
                    *_unread("response.content", response.get("content"), _CONTENT_KEYS),
                ],
            )
        return out.result()


HAR = HarReader()
