"""go-vcr cassettes (dnaeon/go-vcr): `version` 1 or 2, `interactions[].request/response`.

go-vcr names the request address `url` where vcrpy says `uri`; that one key tells the two
apart, since both write `version: 1` and `interactions`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from app.formats.base import RawCassette, ReadContext
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.fields import (
    body_bytes,
    extra_keys,
    go_duration_ms,
    headers,
    mapping,
    optional_text,
    status_code,
    text,
)

TOP_KEYS = frozenset({"version", "interactions"})
ITEM_KEYS = frozenset({"id", "request", "response", "duration"})
REQUEST_KEYS = frozenset({
    "proto", "proto_major", "proto_minor", "content_length", "transfer_encoding", "trailer",
    "host", "remote_addr", "request_uri", "body", "form", "headers", "url", "method",
})  # fmt: skip
RESPONSE_KEYS = frozenset({
    "proto", "proto_major", "proto_minor", "transfer_encoding", "trailer", "content_length",
    "uncompressed", "body", "headers", "status", "code", "duration",
})  # fmt: skip


def first_request(doc: Any, key: str) -> dict[str, Any] | None:
    """The first interaction's request mapping, when `doc` has a list under `key`."""
    if not isinstance(doc, dict):
        return None
    items = doc.get(key)
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        return None
    request = items[0].get("request")
    return request if isinstance(request, dict) else None


def _form_body(form: Any) -> bytes | None:
    if not isinstance(form, dict) or not form:
        return None
    pairs = [
        (text(k), text(v)) for k, vs in form.items() for v in (vs if isinstance(vs, list) else [vs])
    ]
    return urlencode(pairs).encode()


class GoVcrReader:
    def __init__(self, version: int) -> None:
        self.version = version
        self.name = f"go-vcr-v{version}"

    def detect(self, doc: Any) -> bool:
        if not isinstance(doc, dict) or doc.get("version") != self.version:
            return False
        if not isinstance(doc.get("interactions"), list):
            return False
        request = first_request(doc, "interactions")
        if request is None:
            return self.version == 2 and not doc["interactions"]
        return "url" in request and "uri" not in request

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, WHOLE_EXCHANGE)
        out.unread(extra_keys("", doc, TOP_KEYS))
        for item in doc["interactions"]:
            item = mapping(item)
            request = mapping(item.get("request"))
            response = mapping(item.get("response"))
            body = body_bytes(request.get("body")) or _form_body(request.get("form"))
            duration = response.get("duration", item.get("duration"))
            out.add(
                method=text(request.get("method")),
                url=text(request.get("url")),
                request_headers=headers(request.get("headers")),
                request_body=body,
                status=status_code(response.get("code", response.get("status"))),
                response_headers=headers(response.get("headers")),
                response_body=body_bytes(response.get("body")),
                id=optional_text(item.get("id")),
                duration_ms=go_duration_ms(duration),
                unread=[
                    *extra_keys("", item, ITEM_KEYS),
                    *extra_keys("request", request, REQUEST_KEYS),
                    *extra_keys("response", response, RESPONSE_KEYS),
                ],
            )
        return out.result()


GO_VCR_V1 = GoVcrReader(1)
GO_VCR_V2 = GoVcrReader(2)
