"""Ruby VCR cassettes (`http_interactions`) and R's vcr package, which copies their layout.

R's vcr writes `recorded_with: VCR-vcr/x.y`, a bare numeric status and scalar header values;
it gets its own format name so users can tell which tool recorded a file. Very old Ruby VCR
files are a bare list of `!ruby/struct:VCR::HTTPInteraction`, read here as plain mappings.
"""

from __future__ import annotations

from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import CassetteBuilder
from app.formats.fields import (
    body_bytes,
    headers,
    mapping,
    optional_text,
    status_code,
    text,
    unbase64,
)


def _interactions(doc: Any) -> list[Any] | None:
    if isinstance(doc, dict) and isinstance(doc.get("http_interactions"), list):
        return list(doc["http_interactions"])
    if isinstance(doc, list) and doc and all(isinstance(i, dict) for i in doc):
        first = doc[0]
        if isinstance(first.get("request"), dict) and "uri" in first["request"]:
            return doc
    return None


def _is_r_vcr(doc: Any) -> bool:
    recorder = text(doc.get("recorded_with")) if isinstance(doc, dict) else ""
    if recorder:
        return recorder.startswith("VCR-vcr")
    first = (_interactions(doc) or [{}])[0]
    response = first.get("response") if isinstance(first, dict) else None
    return isinstance(response, dict) and isinstance(response.get("status"), int)


def _body(side: dict[str, Any]) -> bytes | None:
    body = side.get("body")
    if isinstance(body, dict):
        if body.get("base64_string") is not None:
            return unbase64(body["base64_string"])
        body = body.get("string")
    return body_bytes(body)


def _method(value: Any) -> str:
    """Ruby symbols (`:post`) survive in old struct files."""
    return text(value).lstrip(":")


class RubyVcrReader:
    def __init__(self, name: str, r_flavour: bool) -> None:
        self.name = name
        self.r_flavour = r_flavour

    def detect(self, doc: Any) -> bool:
        return _interactions(doc) is not None and _is_r_vcr(doc) == self.r_flavour

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx)
        for item in _interactions(doc) or []:
            item = mapping(item)
            request = mapping(item.get("request"))
            response = mapping(item.get("response"))
            out.add(
                method=_method(request.get("method")),
                url=text(request.get("uri")),
                request_headers=headers(request.get("headers")),
                request_body=_body(request),
                status=status_code(response.get("status")),
                response_headers=headers(response.get("headers")),
                response_body=_body(response),
                recorded_at=optional_text(item.get("recorded_at")),
            )
        return out.result()


RUBY_VCR = RubyVcrReader("ruby-vcr", r_flavour=False)
R_VCR = RubyVcrReader("r-vcr", r_flavour=True)
