"""Datadog test-agent snapshots: one JSON file per exchange, `{request, response}` at the top."""

from __future__ import annotations

from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.fields import body_bytes, extra_keys, headers, status_code, text

_SIDE_KEYS = frozenset({"method", "url", "headers", "body"})
_RESPONSE_KEYS = frozenset({"status", "headers", "body"})
_STATUS_KEYS = frozenset({"code", "message"})


class DdTestAgentReader:
    name = "dd-test-agent"

    def detect(self, doc: Any) -> bool:
        if not isinstance(doc, dict) or set(doc) - {"request", "response"}:
            return False
        request, response = doc.get("request"), doc.get("response")
        # A response without its status is still claimed, so that it is reported as cut off;
        # llama-stack files share the outline but mark the response with `is_streaming`.
        return (
            isinstance(request, dict)
            and isinstance(response, dict)
            and "url" in request
            and "is_streaming" not in response
        )

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, WHOLE_EXCHANGE)
        request, response = doc["request"], doc["response"]
        out.add(
            method=text(request.get("method")),
            url=text(request.get("url")),
            request_headers=headers(request.get("headers")),
            request_body=body_bytes(request.get("body")),
            status=status_code(response.get("status")),
            response_headers=headers(response.get("headers")),
            response_body=body_bytes(response.get("body")),
            unread=[
                *extra_keys("request", request, _SIDE_KEYS),
                *extra_keys("response", response, _RESPONSE_KEYS),
                *extra_keys("response.status", response.get("status"), _STATUS_KEYS),
            ],
        )
        return out.result()


DD_TEST_AGENT = DdTestAgentReader()
