"""nock "back" fixtures (Node.js): a JSON array of recorded definitions.

Each definition has `scope` (origin, often with the port), `method`, `path`, the request
`body`, `status`, the `response` and `rawHeaders` (a flat name, value, name, value list, or a
mapping in newer nock). A response nock could not keep as text is stored as hex: one string
with `responseIsBinary`, or, for gzip bodies of older nock, a list of hex chunks.
"""

from __future__ import annotations

import re
from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.fields import body_bytes, extra_keys, headers, mapping, status_code, text
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


def _hex_chunks(value: Any, binary: bool) -> bool:
    """A list of hex strings is a body only when it is marked binary or starts a gzip stream."""
    if not isinstance(value, list) or not value:
        return False
    if not all(isinstance(v, str) and _HEX.fullmatch(v) for v in value):
        return False
    return binary or value[0].lower().startswith("1f8b")


def _response(value: Any, binary: bool) -> bytes | None:
    if _hex_chunks(value, binary):
        return bytes.fromhex("".join(value))
    if binary and isinstance(value, str) and _HEX.fullmatch(value):
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
            raw = item.get("rawHeaders", item.get("headers"))
            out.add(
                method=text(item.get("method")),
                url=_url(text(item.get("scope")), text(item.get("path"))),
                request_headers=headers(item.get("reqheaders")),
                request_body=body_bytes(item.get("body") or None),
                status=status_code(item.get("status")),
                response_headers=_raw_headers(raw),
                response_body=_response(item.get("response"), item.get("responseIsBinary") is True),
                unread=extra_keys("", item, _KEYS),
            )
        return out.result()


NOCK_BACK = NockBackReader()
