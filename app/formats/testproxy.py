"""Azure SDK test-proxy recordings: `{"Entries": [...], "Variables": {...}}`.

Used by every Azure SDK (the OpenAI .NET SDK records through it too). The proxy stores a JSON
body as JSON, text as a string or, when it has several lines, as a list of its lines, and
anything else as base64; a body may also be null or absent.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.fields import body_bytes, extra_keys, header, headers, mapping, status_code, text
from app.model import Headers

_TOP_KEYS = frozenset({"Entries", "Variables"})
_ENTRY_KEYS = frozenset(
    {"RequestUri", "RequestMethod", "RequestHeaders", "RequestBody"}
    | {"StatusCode", "ResponseHeaders", "ResponseBody", "EntryIndex"}
)
_TEXT_TYPES = ("json", "text/", "xml", "x-www-form-urlencoded", "javascript", "event-stream")


def _is_text(pairs: Headers) -> bool:
    kind = (header(pairs, "content-type") or "").lower()
    return not kind or any(t in kind for t in _TEXT_TYPES)


def _body(value: Any, pairs: Headers) -> bytes | None:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        joiner = "" if all(v.endswith("\n") for v in value) else "\n"
        return joiner.join(value).encode()
    if isinstance(value, str) and not _is_text(pairs):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value.encode()
    return body_bytes(value)


class TestProxyReader:
    name = "azure-test-proxy"

    def detect(self, doc: Any) -> bool:
        entries = doc.get("Entries") if isinstance(doc, dict) else None
        if not isinstance(entries, list):
            return False
        return not entries or (isinstance(entries[0], dict) and "RequestUri" in entries[0])

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, WHOLE_EXCHANGE)
        out.unread(extra_keys("", doc, _TOP_KEYS))
        for entry in doc["Entries"]:
            entry = mapping(entry)
            request_headers = headers(entry.get("RequestHeaders"))
            response_headers = headers(entry.get("ResponseHeaders"))
            out.add(
                method=text(entry.get("RequestMethod")),
                url=text(entry.get("RequestUri")),
                request_headers=request_headers,
                request_body=_body(entry.get("RequestBody"), request_headers),
                status=status_code(entry.get("StatusCode")),
                response_headers=response_headers,
                response_body=_body(entry.get("ResponseBody"), response_headers),
                unread=extra_keys("", entry, _ENTRY_KEYS),
            )
        return out.result()


TEST_PROXY = TestProxyReader()
