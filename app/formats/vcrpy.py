"""vcrpy and pytest-recording cassettes, YAML or JSON serializer.

Bodies come in several shapes: a plain string, `{string: ...}`, `!!binary` bytes (often gzip),
and `parsed_body` written by custom serializers (pydantic-ai) that store JSON as YAML data.
"""

from __future__ import annotations

from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import CassetteBuilder
from app.formats.fields import body_bytes, headers, mapping, status_code, text
from app.formats.govcr import first_request


def vcrpy_body(side: dict[str, Any]) -> bytes | None:
    if side.get("parsed_body") is not None:
        return body_bytes(side["parsed_body"])
    body = side.get("body")
    if isinstance(body, dict):
        body = body.get("string", body.get("base64_string"))
    return body_bytes(body)


def add_vcrpy_pair(
    out: CassetteBuilder, request: dict[str, Any], response: dict[str, Any], partial: bool = False
) -> None:
    """One request and its response in vcrpy's shapes, wherever the cassette keeps the pair."""
    out.add(
        method=text(request.get("method")),
        url=text(request.get("uri")),
        request_headers=headers(request.get("headers")),
        request_body=vcrpy_body(request),
        status=status_code(response.get("status")),
        response_headers=headers(response.get("headers")),
        response_body=vcrpy_body(response),
        partial=partial,
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
        out = CassetteBuilder(self.name, ctx)
        for item in doc["interactions"]:
            item = mapping(item)
            add_vcrpy_pair(out, mapping(item.get("request")), mapping(item.get("response")))
        return out.result()


VCRPY = VcrpyReader()
