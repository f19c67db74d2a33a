"""Anthropic Messages, wherever it is served: api.anthropic.com, Vertex AI `rawPredict` /
`streamRawPredict`, and Bedrock `InvokeModel` with an Anthropic body.

The three differ only in their envelope (the model sits in the URL on Vertex and Bedrock;
Bedrock wraps stream events in AWS event-stream frames), so one decoder body serves all, with
two registered names because the contract reports a Bedrock call as `bedrock.invoke`.
Usage: Anthropic's `input_tokens` leaves out cache reads and writes, so they are added back.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from app import usage as usage_mod
from app.apis.anthropic_blocks import content_parts, request_messages, request_tools
from app.apis.anthropic_stream import Fold, fold_eventstream, fold_sse
from app.apis.base import Decoded, Exchange, header
from app.apis.chat_parts import api_error, finish_reason, request_stream_flag
from app.model import ApiError, Message, Note, Usage
from app.streams import detect_framing, frame

_VERTEX = re.compile(r"/publishers/anthropic/models/([^/:]+):(stream)?[rR]awPredict$")
_BEDROCK = re.compile(r"/model/([^/]+)/(invoke|invoke-with-response-stream)$")
_COUNT_TOKENS = "/v1/messages/count_tokens"


def _is_message(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.get("type") == "message"
        and isinstance(value.get("content"), list)
    )


def _response_only(ex: Exchange) -> bool:
    """A snapshot that recorded only the answer: recognise it by the answer's own shape."""
    if not ex.raw.partial or ex.raw.request.body:
        return False
    if _is_message(ex.response_json):
        return True
    head = (ex.raw.response.body or b"")[:300]
    return b"message_start" in head


class AnthropicMessages:
    name = "anthropic.messages"

    def detect(self, ex: Exchange) -> bool:
        if _response_only(ex):
            return True
        if ex.raw.request.method.upper() != "POST":
            return False
        if _VERTEX.search(ex.path):
            return True
        if _BEDROCK.search(ex.path) or "/threads/" in ex.path:
            return False
        if ex.path.endswith(("/v1/messages", _COUNT_TOKENS)):
            return True
        body = ex.request_json
        if isinstance(body, dict) and str(body.get("anthropic_version", "")).startswith("vertex"):
            return True
        return (
            header(ex.raw.request.headers, "anthropic-version") is not None
            and isinstance(body, dict)
            and "messages" in body
        )

    def decode(self, ex: Exchange) -> Decoded:
        vertex = _VERTEX.search(ex.path)
        if vertex:
            return decode(ex, self.name, "vertex", unquote(vertex.group(1)))
        if ex.path.endswith(_COUNT_TOKENS):
            return _count_tokens(ex, self.name)
        return decode(ex, self.name, None, None)


class BedrockInvokeAnthropic:
    """Bedrock InvokeModel whose body is an Anthropic Messages body (other families are not)."""

    name = "bedrock.invoke"

    def detect(self, ex: Exchange) -> bool:
        match = _BEDROCK.search(ex.path)
        if not match or ex.raw.request.method.upper() != "POST":
            return False
        body = ex.request_json
        if isinstance(body, dict) and "prompt" in body and "messages" not in body:
            return False  # Claude v2 Text Completions: bedrock_invoke reads those
        if isinstance(body, dict) and str(body.get("anthropic_version", "")).startswith("bedrock"):
            return True
        return "anthropic." in unquote(match.group(1))

    def decode(self, ex: Exchange) -> Decoded:
        match = _BEDROCK.search(ex.path)
        model = unquote(match.group(1)) if match else None
        return decode(ex, self.name, "bedrock", model)


def decode(ex: Exchange, api: str, provider: str | None, url_model: str | None) -> Decoded:
    out = Decoded(api=api, provider=provider or "anthropic")
    body = ex.request_json if isinstance(ex.request_json, dict) else {}
    names: dict[str, str] = {}
    out.messages = request_messages(body, names)
    out.tools = request_tools(body)
    # Structured outputs: `output_format` (beta), later `output_config.format`.
    out.response_format = body.get("output_format") or (
        body["output_config"].get("format") if isinstance(body.get("output_config"), dict) else None
    )
    message, fold = _response_message(ex, out)
    out.streaming = fold is not None or request_stream_flag(body)
    if fold is not None:
        out.chunks = fold.chunks
        out.warnings.extend(fold.warnings)
        out.error = fold.error
    status = ex.status
    if out.error is None and (status is None or status >= 400 or message is None):
        out.error = api_error(ex.response_json, status)
    amzn = header(ex.raw.response.headers, "x-amzn-errortype")
    if out.error is not None and amzn:  # Bedrock names the error in a header, not the body
        out.error = ApiError(amzn.split(":", 1)[0], out.error.message)
    if message is not None:
        fill_from_message(out, message, names)
        if fold is not None and fold.error is not None:
            out.finish_reason, out.finish_reason_raw = "error", out.finish_reason_raw or "error"
    model = (message or {}).get("model") or body.get("model") or url_model
    out.model = str(model) if model else None
    return out


def _response_message(ex: Exchange, out: Decoded) -> tuple[dict[str, Any] | None, Fold | None]:
    """The answer as one message dict: the body itself, or the fold of its stream."""
    raw_body = ex.raw.response.body or b""
    framing = detect_framing(raw_body, ex.response_content_type)
    if framing == "aws-eventstream":
        framed = frame(raw_body, framing)
        out.warnings.extend(Note(w) for w in framed.warnings)
        fold = fold_eventstream(framed.frames)
        return fold.message, fold
    if framing == "sse":
        framed = frame(raw_body, framing)
        out.warnings.extend(Note(w) for w in framed.warnings)
        fold = fold_sse(framed.frames)
        return fold.message, fold
    value = ex.response_json
    return (value if _is_message(value) else None), None


def fill_from_message(out: Decoded, message: dict[str, Any], names: dict[str, str]) -> None:
    out.response = Message("assistant", tuple(content_parts(message.get("content"), names)))
    out.finish_reason, out.finish_reason_raw = finish_reason(message.get("stop_reason"))
    raw_usage = message.get("usage")
    if isinstance(raw_usage, dict):
        out.usage = usage(raw_usage)


def usage(raw: dict[str, Any]) -> Usage:
    return usage_mod.normalized(
        input_tokens=raw.get("input_tokens"),
        output_tokens=raw.get("output_tokens"),
        cached_input_tokens=raw.get("cache_read_input_tokens"),
        cache_write_tokens=raw.get("cache_creation_input_tokens"),
        input_excludes_cache=True,
        raw=raw,
    )


def _count_tokens(ex: Exchange, api: str) -> Decoded:
    """Not a conversation turn: the request's messages and the count, no answer."""
    out = Decoded(api=api, provider="anthropic")
    body = ex.request_json if isinstance(ex.request_json, dict) else {}
    out.messages = request_messages(body, {})
    out.tools = request_tools(body)
    model = body.get("model")
    out.model = str(model) if model else None
    answer = ex.response_json if isinstance(ex.response_json, dict) else {}
    count = answer.get("input_tokens")
    if isinstance(count, int):
        out.summary = f"token count: {count} input tokens"
    if ex.status is not None and ex.status >= 400:
        out.error = api_error(answer, ex.status) or ApiError(f"http_{ex.status}", "")
    return out


DECODER = AnthropicMessages()
BEDROCK_INVOKE = BedrockInvokeAnthropic()
