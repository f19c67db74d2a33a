"""vcrpy and pytest-recording cassettes, YAML or JSON serializer.

Bodies come in several shapes: a plain string, `{string: ...}`, `!!binary` bytes (often gzip),
and `parsed_body` written by custom serializers (pydantic-ai) that store JSON as YAML data.
Serializers modelled on httpx write the response as `content`, `status_code` and
`http_version` instead of vcrpy's `body` and `status`; both spellings are read.
"""

from __future__ import annotations

from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.fields import body_bytes, extra_keys, headers, mapping, status_code, text
from app.formats.govcr import first_request

TOP_KEYS = frozenset({"interactions", "version"})
ITEM_KEYS = frozenset({"request", "response"})
REQUEST_KEYS = frozenset({"body", "content", "headers", "method", "uri", "parsed_body"})
RESPONSE_KEYS = frozenset(
    {"body", "content", "headers", "status", "status_code", "http_version", "parsed_body"}
)
BODY_KEYS = frozenset({"string", "base64_string"})
STATUS_KEYS = frozenset({"code", "message"})


def vcrpy_body(side: dict[str, Any]) -> bytes | None:
    if side.get("parsed_body") is not None:
        return body_bytes(side["parsed_body"])
    body = side.get("body", side.get("content"))
    if isinstance(body, dict) and _wrapped(body):
        body = body.get("string", body.get("base64_string"))
    return body_bytes(body)


def _wrapped(body: Any) -> bool:
    """`{string: ...}`; any other mapping is a body stored as data, kept whole."""
    return isinstance(body, dict) and not BODY_KEYS.isdisjoint(body)


def _unread(request: dict[str, Any], response: dict[str, Any]) -> list[str]:
    return [
        *extra_keys("request", request, REQUEST_KEYS),
        *extra_keys("response", response, RESPONSE_KEYS),
        *extra_keys("response.status", response.get("status"), STATUS_KEYS),
        *(
            key
            for side, body in (("request", request.get("body")), ("response", response.get("body")))
            if _wrapped(body)
            for key in extra_keys(f"{side}.body", body, BODY_KEYS)
        ),
    ]


def add_vcrpy_pair(
    out: CassetteBuilder,
    request: dict[str, Any],
    response: dict[str, Any],
    partial: bool = False,
    unread: list[str] | None = None,
) -> None:
    """One request and its response in vcrpy's shapes, wherever the cassette keeps the pair."""
    out.add(
        method=text(request.get("method")),
        url=text(request.get("uri")),
        request_headers=headers(request.get("headers")),
        request_body=vcrpy_body(request),
        status=status_code(response.get("status", response.get("status_code"))),
        response_headers=headers(response.get("headers")),
        response_body=vcrpy_body(response),
        partial=partial,
        unread=[*(unread or []), *_unread(request, response)],
    )


class VcrpyReader:
    name = "vcrpy"

    def detect(self, doc: Any) -> bool:
        if not isinstance(doc, dict) or not isinstance(doc.get("interactions"), list):
            return False
        request = first_request(doc, "interactions")
        if request is None:
            return not doc["interactions"] and doc.get("version", 1) == 1
        return "uri" in request

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, WHOLE_EXCHANGE)
        out.unread(extra_keys("", doc, TOP_KEYS))
        for item in doc["interactions"]:
            item = mapping(item)
            add_vcrpy_pair(
                out,
                mapping(item.get("request")),
                mapping(item.get("response")),
                unread=extra_keys("", item, ITEM_KEYS),
            )
        return out.result()


VCRPY = VcrpyReader()
