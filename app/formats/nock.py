"""nock "back" fixtures (Node.js): a JSON array of recorded definitions.

Each definition has `scope` (origin, often with the port), `method`, `path`, the request
`body`, `status`, the `response` and `rawHeaders` (a flat name, value, name, value list, or a
mapping in newer nock; older nock wrote a `headers` mapping). A response nock could not keep
as text is stored as hex: one string (marked `responseIsBinary` in newer nock), or, for a
Content-Encoding such as gzip, a list of hex chunks.
"""

from __future__ import annotations

import re
from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.fields import (
    body_bytes,
    extra_keys,
    header,
    headers,
    mapping,
    status_code,
    text,
)
from app.model import Headers

_KEYS = frozenset(
    {"scope", "method", "path", "body", "status", "response", "rawHeaders", "headers"}
    | {"reqheaders", "responseIsBinary", "options"}
)
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_DEFAULT_PORTS = {"https": ":443", "http": ":80"}


def _url(scope: str, path: str) -> str:
    scheme = scope.partition("://")[0]
    port = _DEFAULT_PORTS.get(scheme)
    if port and scope.endswith(port):
        scope = scope[: -len(port)]
    return scope.rstrip("/") + path


def _raw_headers(value: Any) -> Headers:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(zip(value[::2], value[1::2], strict=False))
    return headers(value)


def _is_hex(value: Any) -> bool:
    return isinstance(value, str) and _HEX.fullmatch(value) is not None


def _response(value: Any, binary: bool | None, pairs: Headers) -> bytes | None:
    """Hex only where nock writes hex, so a JSON list or text that looks like hex stays as is."""
    encoded = header(pairs, "content-encoding") is not None
    chunks = isinstance(value, list) and bool(value) and all(_is_hex(v) for v in value)
    if chunks and (binary or encoded or value[0].lower().startswith("1f8b")):
        return bytes.fromhex("".join(value))
    if _is_hex(value):
        textual = any(t in (header(pairs, "content-type") or "") for t in ("json", "text"))
        if binary or (binary is None and (encoded or not textual) and len(value) >= 16):
            return bytes.fromhex(value)
    return body_bytes(value)


def _is_definition(item: Any) -> bool:
    return isinstance(item, dict) and "scope" in item and "method" in item


class NockBackReader:
    name = "nock-back"

    def detect(self, doc: Any) -> bool:
        return isinstance(doc, list) and bool(doc) and _is_definition(doc[0])

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, WHOLE_EXCHANGE)
        for item in doc:
            item = mapping(item)
            response_headers = _raw_headers(item.get("rawHeaders", item.get("headers")))
            flag = item.get("responseIsBinary")
            binary = flag if isinstance(flag, bool) else None
            out.add(
                method=text(item.get("method")),
                url=_url(text(item.get("scope")), text(item.get("path"))),
                request_headers=headers(item.get("reqheaders")),
                request_body=body_bytes(item.get("body") or None),
                status=status_code(item.get("status")),
                response_headers=response_headers,
                response_body=_response(
                    item.get("response"),
                    binary if isinstance(binary, bool) else None,
                    response_headers,
                ),
                unread=extra_keys("", item, _KEYS),
            )
        return out.result()


NOCK_BACK = NockBackReader()
