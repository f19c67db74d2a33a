"""Recordings of a response alone: no request was kept, so interactions are marked partial.

`response-snapshot` is `{status, headers, body}` (other keys are named in a warning);
`response-body` is an LLM API response body
saved as-is. The latter is recognised only by keys LLM APIs answer with, so ordinary JSON
files are not mistaken for recordings.
"""

from __future__ import annotations

from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import CassetteBuilder
from app.formats.fields import body_bytes, extra_keys, headers, status_code, text

_PARTIAL = "only the response was recorded; the request is unknown"
# Top-level keys of LLM API responses: OpenAI chat/completions/embeddings, OpenAI Responses,
# Anthropic messages, Gemini, Ollama, Bedrock Converse.
_RESPONSE_KEYS = {"choices", "output", "content", "candidates", "message", "embeddings", "data"}
_RESPONSE_IDS = {"object", "model", "modelVersion", "responseId", "stopReason", "usageMetadata"}


_KEYS = frozenset({"status", "headers", "body", "statusText", "url"})


def _snapshot(doc: Any) -> bool:
    if not isinstance(doc, dict) or not {"status", "body"} <= set(doc):
        return False
    return (set(doc) <= _KEYS or "headers" in doc) and status_code(doc["status"]) is not None


class ResponseSnapshotReader:
    name = "response-snapshot"

    def detect(self, doc: Any) -> bool:
        return _snapshot(doc)

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx)
        out.add(
            url=text(doc.get("url")),
            status=status_code(doc["status"]),
            response_headers=headers(doc.get("headers")),
            response_body=body_bytes(doc.get("body")),
            partial=True,
            unread=extra_keys("", doc, _KEYS),
        )
        out.warn(_PARTIAL)
        return out.result()


class ResponseBodyReader:
    name = "response-body"

    def detect(self, doc: Any) -> bool:
        return (
            isinstance(doc, dict)
            and bool(_RESPONSE_KEYS & set(doc))
            and bool(_RESPONSE_IDS & set(doc))
        )

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx)
        out.add(method="", response_body=body_bytes(doc), partial=True)
        out.warn(_PARTIAL)
        return out.result()


RESPONSE_SNAPSHOT = ResponseSnapshotReader()
RESPONSE_BODY = ResponseBodyReader()
