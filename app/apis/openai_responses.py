"""OpenAI Responses API (`/v1/responses`), as served by OpenAI, Azure, xAI, DeepSeek and others.

The request's `instructions` and `input` items become the input messages; the response's output
items become one assistant message. A stream is folded into the response object first
(`openai_responses_stream`), so both are decoded by the same code. Usage is already inclusive:
`input_tokens` counts cached tokens and `output_tokens` counts reasoning.
"""

from __future__ import annotations

from typing import Any

from app import usage as usage_mod
from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import api_error, dicts, is_event_stream, request_stream_flag, sse_events
from app.apis.openai_responses_items import (
    CLIENT_CALLS,
    items_messages,
    request_tools,
    response_message,
)
from app.apis.openai_responses_stream import fold
from app.model import ApiError, FinishReason, Message, Note, TextPart, Usage

# Why a response stopped early (`incomplete_details.reason`), normalized.
_INCOMPLETE: dict[str, FinishReason] = {
    "max_output_tokens": "length",
    "max_tokens": "length",
    "content_filter": "content_filter",
}
_PROVIDERS = (
    ("azure.com", "azure"),
    ("api.x.ai", "xai"),
    ("deepseek.com", "deepseek"),
    ("openrouter.ai", "openrouter"),
    ("api.openai.com", "openai"),
)


def _is_response(value: Any) -> bool:
    return isinstance(value, dict) and value.get("object") == "response"


class OpenAIResponses:
    name = "openai.responses"

    def detect(self, ex: Exchange) -> bool:
        path = ex.path.rstrip("/")
        if path.endswith("/responses"):
            return ex.raw.request.method.upper() == "POST"
        if "/responses/" in path and _is_response(ex.response_json):
            return True  # GET /v1/responses/{id}: a stored response fetched again
        if not ex.raw.partial or ex.raw.request.body:
            return False
        head = (ex.raw.response.body or b"")[:300]
        return _is_response(ex.response_json) or b"response.created" in head

    def decode(self, ex: Exchange) -> Decoded:
        out = Decoded(api=self.name, provider=_provider(ex.host))
        body = ex.request_json if isinstance(ex.request_json, dict) else {}
        names: dict[str, str] = {}
        out.messages = _input_messages(body, names)
        out.tools = request_tools(body.get("tools"))
        text_config = body.get("text")
        if isinstance(text_config, dict) and isinstance(text_config.get("format"), dict):
            fmt = text_config["format"]
            out.response_format = fmt if fmt.get("type") != "text" else None
        previous = body.get("previous_response_id")
        out.previous_response_id = previous if isinstance(previous, str) and previous else None
        out.streaming = request_stream_flag(body) or is_event_stream(ex)
        response: dict[str, Any] | None = None
        if is_event_stream(ex):
            events, warnings = sse_events(ex)
            out.warnings.extend(Note(w) for w in warnings)
            folded = fold(events)
            response = folded.close()
            out.chunks, out.error = folded.chunks, folded.error
            out.warnings.extend(folded.warnings)
        elif _is_response(ex.response_json):
            response = ex.response_json
        if out.error is None and (ex.status or 0) >= 400:
            out.error = api_error(ex.response_json, ex.status)
        if response is not None:
            _fill(out, response, names)
        model = (response or {}).get("model") or body.get("model")
        out.model = str(model) if model else None
        return out


def _provider(host: str) -> str:
    for needle, name in _PROVIDERS:
        if needle in host:
            return name
    return "openai"


def _input_messages(body: dict[str, Any], names: dict[str, str]) -> list[Message]:
    out: list[Message] = []
    instructions = body.get("instructions")
    if isinstance(instructions, str) and instructions:
        out.append(Message("system", (TextPart(instructions),)))
    elif isinstance(instructions, list):
        out.extend(items_messages(instructions, names))
    out.extend(items_messages(body.get("input"), names))
    return out


def _fill(out: Decoded, response: dict[str, Any], names: dict[str, str]) -> None:
    output = response.get("output")
    out.response = response_message(output, names) if output else None
    ident = response.get("id")
    out.response_id = ident if isinstance(ident, str) and ident else None
    status = response.get("status")
    err = response.get("error")
    if isinstance(err, dict) and out.error is None:
        out.error = ApiError(
            str(err.get("code") or err.get("type") or "error"), str(err.get("message") or "")
        )
    out.finish_reason, out.finish_reason_raw = _finish(response, status, output)
    if out.error is not None and out.finish_reason is None:
        out.finish_reason, out.finish_reason_raw = "error", "error"
    raw_usage = response.get("usage")
    if isinstance(raw_usage, dict):
        out.usage = usage(raw_usage)


def _finish(
    response: dict[str, Any], status: Any, output: Any
) -> tuple[FinishReason | None, str | None]:
    if status == "completed":
        calls = any(item.get("type") in CLIENT_CALLS for item in dicts(output))
        return ("tool_call" if calls else "stop"), "completed"
    if status == "incomplete":
        details = response.get("incomplete_details")
        reason = details.get("reason") if isinstance(details, dict) else None
        return _INCOMPLETE.get(str(reason), "other"), str(reason or status)
    if status == "failed":
        return "error", "failed"
    if status == "cancelled":
        return "other", "cancelled"
    return None, str(status) if status else None


def usage(raw: dict[str, Any]) -> Usage:
    details_in = raw.get("input_tokens_details")
    details_out = raw.get("output_tokens_details")
    din = details_in if isinstance(details_in, dict) else {}
    dout = details_out if isinstance(details_out, dict) else {}
    ticks = raw.get("cost_in_usd_ticks")  # xAI reports the cost in 1e-10 USD
    return usage_mod.normalized(
        input_tokens=raw.get("input_tokens"),
        output_tokens=raw.get("output_tokens"),
        cached_input_tokens=din.get("cached_tokens"),
        cache_write_tokens=din.get("cache_write_tokens"),
        reasoning_tokens=dout.get("reasoning_tokens"),
        cost_usd=ticks / 1e10 if isinstance(ticks, int | float) else None,
        raw=raw,
    )


DECODER = OpenAIResponses()
