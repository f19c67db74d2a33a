"""Ruby VCR cassettes (`http_interactions`) and the tools that copy their layout: R's vcr
package and Python's betamax (`recorded_with: betamax/x.y`, JSON, the response keeps its `url`).

R's vcr writes `recorded_with: VCR-vcr/x.y` (or, through webmockr, `vcr/x.y, webmockr/x.y`
with `status: {status_code: 200}`), a bare numeric status and scalar header values; it gets
its own format name so users can tell which tool recorded a file. Very old Ruby VCR files are
a bare list of `!ruby/struct:VCR::HTTPInteraction`, read here as plain mappings.
VCR writes `recorded_with` last, so a file without it whose last exchange also lacks its
`recorded_at` was cut off.
"""

from __future__ import annotations

from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.fields import (
    body_bytes,
    extra_keys,
    headers,
    mapping,
    optional_text,
    status_code,
    text,
    unbase64,
)

_TOP_KEYS = frozenset({"http_interactions", "recorded_with"})
_ITEM_KEYS = frozenset({"request", "response", "recorded_at"})
_REQUEST_KEYS = frozenset({"method", "uri", "body", "headers"})
_RESPONSE_KEYS = frozenset({"status", "headers", "body", "http_version", "adapter_metadata", "url"})
_BODY_KEYS = frozenset({"string", "encoding", "base64_string", "file"})
_STATUS_KEYS = frozenset({"code", "message", "status_code", "explanation"})


def _interactions(doc: Any) -> list[Any] | None:
    if isinstance(doc, dict) and isinstance(doc.get("http_interactions"), list):
        return list(doc["http_interactions"])
    if isinstance(doc, list) and doc and all(isinstance(i, dict) for i in doc):
        first = doc[0]
        if isinstance(first.get("request"), dict) and "uri" in first["request"]:
            return doc
    return None


def _flavour(doc: Any) -> str:
    """Which tool wrote the file: its `recorded_with`, or R's bare numeric status."""
    recorder = text(doc.get("recorded_with")) if isinstance(doc, dict) else ""
    if recorder.startswith("betamax"):
        return "betamax"
    if recorder:
        r_vcr = recorder.startswith(("VCR-vcr", "vcr/")) or "webmockr" in recorder
        return "r-vcr" if r_vcr else "ruby-vcr"
    first = (_interactions(doc) or [{}])[0]
    response = first.get("response") if isinstance(first, dict) else None
    status = response.get("status") if isinstance(response, dict) else None
    r_status = isinstance(status, int) or (isinstance(status, dict) and "status_code" in status)
    return "r-vcr" if r_status else "ruby-vcr"


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


def _unread(item: dict[str, Any], request: dict[str, Any], response: dict[str, Any]) -> list[str]:
    return [
        *extra_keys("", item, _ITEM_KEYS),
        *extra_keys("request", request, _REQUEST_KEYS),
        *extra_keys("request.body", request.get("body"), _BODY_KEYS),
        *extra_keys("response", response, _RESPONSE_KEYS),
        *extra_keys("response.body", response.get("body"), _BODY_KEYS),
        *extra_keys("response.status", response.get("status"), _STATUS_KEYS),
    ]


class RubyVcrReader:
    def __init__(self, name: str) -> None:
        self.name = name

    def detect(self, doc: Any) -> bool:
        return _interactions(doc) is not None and _flavour(doc) == self.name

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, WHOLE_EXCHANGE)
        out.unread(extra_keys("", doc, _TOP_KEYS))
        items = [mapping(item) for item in _interactions(doc) or []]
        for item in items:
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
                unread=_unread(item, request, response),
            )
        cut = isinstance(doc, dict) and "recorded_with" not in doc
        if cut and items and "recorded_at" not in items[-1] and not out.errors:
            out.error(
                f"interaction {len(items) - 1} is cut off: the file ends before its recorded_at"
            )
        return out.result()


RUBY_VCR = RubyVcrReader("ruby-vcr")
R_VCR = RubyVcrReader("r-vcr")
BETAMAX = RubyVcrReader("betamax")
