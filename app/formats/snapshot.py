"""Recordings of a response alone: no request was kept, so interactions are marked partial.

`response-snapshot` is `{status, headers, body}` (other keys are named in a warning);
`response-body` is an LLM API response body
saved as-is. The latter is recognised only by shapes LLM APIs answer with (including their
error bodies), so ordinary JSON files are not mistaken for recordings.
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
_ERROR_KEYS = {"error", "type", "request_id", "status"}


def _is_error_body(doc: dict[str, Any]) -> bool:
    """`{"error": {"message": ...}}` as OpenAI, Anthropic (`type: error`) and Gemini send it."""
    error = doc.get("error")
    return isinstance(error, dict) and "message" in error and set(doc) <= _ERROR_KEYS


def _candidates(doc: dict[str, Any]) -> bool:
    """Gemini without `usageMetadata` or `modelVersion`."""
    items = doc.get("candidates")
    return isinstance(items, list) and any(
        isinstance(c, dict) and ("content" in c or "finishReason" in c) for c in items
    )


def _is_response_body(doc: dict[str, Any]) -> bool:
    keys = set(doc)
    return (
        bool(_RESPONSE_KEYS & keys and _RESPONSE_IDS & keys)
        or _is_error_body(doc)
        or _candidates(doc)
        or ("finish_reason" in keys and isinstance(doc.get("message"), dict))  # Cohere v2 chat
        or {"generation_id", "text"} <= keys  # Cohere v1 chat
        or (isinstance(doc.get("generations"), list) and "prompt" in keys)  # Cohere v1 generate
        or {"done", "created_at"} <= keys  # Ollama
    )


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
        return isinstance(doc, dict) and _is_response_body(doc)

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx)
        out.add(method="", response_body=body_bytes(doc), partial=True)
        out.warn(_PARTIAL)
        return out.result()


RESPONSE_SNAPSHOT = ResponseSnapshotReader()
RESPONSE_BODY = ResponseBodyReader()
