"""ExVCR cassettes (Elixir): a JSON array of `{request, response}`.

The request names its address `url` and its method in lower case; the response has
`status_code` (with httpc, `["HTTP/1.1", 200, "OK"]`), `type` (`ok`, or `error` when the
client failed before any answer: no status, the reason as body) and `binary`. A binary body
is base64 of the body as an Erlang term (`term_to_binary`), usually wrapping gzip bytes; it
is unwrapped here so the usual Content-Encoding handling applies.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from app.formats.base import RawCassette, ReadContext, ReadError
from app.formats.build import CassetteBuilder
from app.formats.erlterm import decode_term, iodata
from app.formats.fields import body_bytes, extra_keys, headers, mapping, status_code, text

_ITEM_KEYS = frozenset({"request", "response"})
_REQUEST_KEYS = frozenset({"body", "headers", "method", "options", "request_body", "url"})
_RESPONSE_KEYS = frozenset({"binary", "body", "headers", "status_code", "type"})


def _binary_body(value: Any, out: CassetteBuilder, index: int) -> bytes | None:
    try:
        raw = base64.b64decode(text(value), validate=True)
    except (binascii.Error, ValueError):
        out.warn(f"interaction {index}: a body marked binary is not base64; kept as text")
        return body_bytes(value)
    try:
        data = iodata(decode_term(raw, out.ctx.limits))
    except ReadError as exc:
        out.warn(f"interaction {index}: binary body kept as stored: {exc}")
        return raw
    if data is None:
        out.warn(f"interaction {index}: binary body holds an Erlang term that is not bytes")
        return raw
    return data


def _status(value: Any) -> int | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, int) and not isinstance(v, bool)), None)
    return status_code(value)


class ExVcrReader:
    name = "exvcr"

    def detect(self, doc: Any) -> bool:
        if not isinstance(doc, list) or not doc or not isinstance(doc[0], dict):
            return False
        request, response = doc[0].get("request"), doc[0].get("response")
        return (
            isinstance(request, dict)
            and isinstance(response, dict)
            and "url" in request
            and ("status_code" in response or "type" in response)
        )

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, frozenset({"url", "method"}))
        for index, item in enumerate(doc):
            item = mapping(item)
            request = mapping(item.get("request"))
            response = mapping(item.get("response"))
            body = response.get("body")
            if response.get("binary") is True and body:
                response_body = _binary_body(body, out, index)
            else:
                response_body = body_bytes(body)
            failed = response.get("type") == "error"
            if failed:
                out.warn(f"interaction {index}: the HTTP client failed: {text(body)[:200]}")
            status = _status(response.get("status_code"))
            out.add(
                method=text(request.get("method")),
                url=text(request.get("url")),
                request_headers=headers(request.get("headers")),
                request_body=body_bytes(request.get("body") or request.get("request_body") or None),
                status=status,
                response_headers=headers(response.get("headers")),
                response_body=response_body,
                unread=[
                    *extra_keys("", item, _ITEM_KEYS),
                    *extra_keys("request", request, _REQUEST_KEYS),
                    *extra_keys("response", response, _RESPONSE_KEYS),
                ],
            )
            if status is None and not failed and response_body is not None:
                out.error(f"interaction {index} is cut off: no response status")
        return out.result()


EXVCR = ExVcrReader()
