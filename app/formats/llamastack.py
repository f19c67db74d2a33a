"""llama-stack's recorded inference: one JSON file per call, `{request, response}`.

The response body is the SDK object the provider client returned, wrapped as
`{"__type__": "openai.types...ChatCompletion", "__data__": {...}}`; a streamed call keeps the
list of chunk objects (`is_streaming: true`). Chunks are framed back into the stream the API
sends (SSE for OpenAI-style endpoints, one JSON per line for Ollama). No status is recorded
for inference. A call that raised keeps `is_exception` and `exception_data` (the provider's
status and error body when it had them). Besides inference, the recorder keeps tool calls
(`{provider, tool_name, kwargs}`, shown as `tool://provider/tool_name`) and rerank requests
(`{url, method, payload}`, with a `status`).
"""

from __future__ import annotations

from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import CassetteBuilder
from app.formats.eventshape import content_type, frame_events, guess_shape
from app.formats.fields import body_bytes, extra_keys, headers, mapping, status_code, text

_TOP_KEYS = frozenset({"request", "response", "test_id", "id_normalization_mapping"})
_REQUEST_KEYS = frozenset(
    {"method", "url", "headers", "body", "endpoint", "model", "provider_metadata", "test_id"}
    | {"payload", "provider", "tool_name", "kwargs"}
)
_RESPONSE_KEYS = frozenset(
    {"body", "is_streaming", "status", "is_exception", "exception_data", "exception_message"}
)
_WRAPPER_KEYS = frozenset({"__type__", "__data__"})


def _unwrap(value: Any) -> Any:
    """The data inside the SDK type wrapper, at any depth the recorder put one."""
    if isinstance(value, dict):
        if set(value) <= _WRAPPER_KEYS and "__data__" in value:
            return _unwrap(value["__data__"])
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _first(side: dict[str, Any], *keys: str) -> Any:
    return next((side[k] for k in keys if side.get(k) is not None), None)


class LlamaStackReader:
    name = "llama-stack"

    def detect(self, doc: Any) -> bool:
        if not isinstance(doc, dict):
            return False
        request, response = doc.get("request"), doc.get("response")
        return (
            isinstance(request, dict)
            and isinstance(response, dict)
            and ("is_streaming" in response or "endpoint" in request)
        )

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, frozenset({"url", "method"}))
        request, response = mapping(doc["request"]), mapping(doc["response"])
        body = _unwrap(response.get("body"))
        response_headers: tuple[tuple[str, str], ...] = ()
        if response.get("is_streaming") and isinstance(body, list):
            shape = guess_shape(body)
            response_body: bytes | None = frame_events(body, shape)
            response_headers = (("Content-Type", content_type(shape)),)
        else:
            response_body = body_bytes(body)
        status = status_code(response.get("status"))
        if response.get("is_exception"):
            failure = mapping(response.get("exception_data"))
            status = status_code(failure.get("status_code"))
            message = text(failure.get("message") or response.get("exception_message"))
            out.warn(f"interaction 0: the call raised {text(failure.get('type'))}: {message}"[:300])
            if response_body is None:
                error = failure.get("body") or {
                    "error": {"type": failure.get("type"), "message": message}
                }
                response_body = body_bytes(error)
        method, url = text(request.get("method")), text(request.get("url"))
        if "tool_name" in request:
            method, url = (
                "CALL",
                f"tool://{text(request.get('provider'))}/{text(request['tool_name'])}",
            )
        out.add(
            method=method,
            url=url,
            request_headers=headers(request.get("headers")),
            request_body=body_bytes(_first(request, "body", "payload", "kwargs")),
            status=status,
            response_headers=response_headers,
            response_body=response_body,
            unread=[
                *extra_keys("", doc, _TOP_KEYS),
                *extra_keys("request", request, _REQUEST_KEYS),
                *extra_keys("response", response, _RESPONSE_KEYS),
            ],
        )
        return out.result()


LLAMA_STACK = LlamaStackReader()
