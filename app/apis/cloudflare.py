"""Cloudflare Workers AI (`/accounts/{id}/ai/run/{model}`, also through AI Gateway).

The native run endpoint wraps every answer in `{result, success, errors, messages}`; a text
model's `result.response` is the answer (an object when JSON mode was asked for, shown
pretty-printed), beside `tool_calls` and `usage`. A stream is SSE whose events each carry a
`response` fragment and end in `[DONE]`. Requests are OpenAI-style `messages` or one `prompt`.
Workers AI's OpenAI-compatible endpoint (`/ai/v1/chat/completions`) is left to openai_chat.
"""

from __future__ import annotations

import json
import re
from typing import Any

from app.apis import openai_chat
from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import as_str, dicts, finish_reason, tool_call
from app.apis.native_parts import fold_frames, obj, stream_frames
from app.apis.prompt_decoder import user_prompt
from app.model import ApiError, ChunkKind, Message, Note, Part, TextPart
from app.streams import Frame

_RUN = re.compile(r"/ai/run/(.+)$|/workers-ai/(@.+)$")
_RESULT_KEYS = {"response", "tool_calls", "usage"}


class CloudflareWorkersAI:
    name = "cloudflare.run"

    def detect(self, ex: Exchange) -> bool:
        return "cloudflare.com" in ex.host and _RUN.search(ex.path) is not None

    def decode(self, ex: Exchange) -> Decoded:
        match = _RUN.search(ex.path)
        req = obj(ex.request_json)
        out = Decoded(api=self.name, provider="cloudflare")
        out.model = next((g for g in match.groups() if g), None) if match else None
        if "messages" in req:
            out.messages = openai_chat.request_messages(req.get("messages"))
            out.tools = openai_chat.request_tools(req)
        else:
            out.messages = user_prompt(req.get("prompt"))
        envelope = obj(ex.response_json)
        if ex.response_json is None and ex.raw.response.body:
            out.streaming = True
            result = _fold(ex, out)
        else:
            out.error = _error(envelope, ex.status)
            result = obj(envelope.get("result")) if "result" in envelope else envelope
        _answer(result, out)
        return out


def _answer(result: dict[str, Any], out: Decoded) -> None:
    parts: list[Part] = []
    response = result.get("response")
    if isinstance(response, str):
        parts.append(TextPart(response))
    elif response is not None:  # JSON mode: the parsed object
        parts.append(TextPart(json.dumps(response, ensure_ascii=False, indent=2)))
    for call in dicts(result.get("tool_calls")):
        fn = obj(call.get("function")) or call
        parts.append(tool_call(call.get("id"), fn.get("name"), fn.get("arguments")))
    if parts:
        out.response = Message("assistant", tuple(parts))
        reason = "tool_calls" if any(p.type == "tool_call" for p in parts) else None
        reason = reason or result.get("finish_reason")
        out.finish_reason, out.finish_reason_raw = finish_reason(reason)
    out.usage = openai_chat.chat_usage(result.get("usage"))
    unknown = sorted(k for k in result if k not in _RESULT_KEYS | {"finish_reason"})
    if unknown:
        out.warnings.append(Note(f"Workers AI result fields not read: {', '.join(unknown)}"))


def _error(envelope: dict[str, Any], status: int | None) -> ApiError | None:
    errors = list(dicts(envelope.get("errors")))
    if envelope.get("success") is not False and not errors:
        return None
    first = errors[0] if errors else {}
    code = as_str(first.get("code")) or str(first.get("code") or status or "error")
    return ApiError(f"cloudflare_{code}", str(first.get("message") or "request failed"))


def _fold(ex: Exchange, out: Decoded) -> dict[str, Any]:
    pieces: list[str] = []
    result: dict[str, Any] = {}

    def step(fr: Frame, payload: Any) -> ChunkKind:
        event = obj(payload)
        if isinstance(event.get("response"), str):
            pieces.append(event["response"])
        if event.get("usage"):
            result["usage"] = event["usage"]
        if event.get("tool_calls"):
            result["tool_calls"] = event["tool_calls"]
            return "tool_call"
        return "text" if event.get("response") else ("usage" if event.get("usage") else "other")

    fold_frames(stream_frames(ex, "sse", out), step, out)
    result["response"] = "".join(pieces)
    return result


DECODER = CloudflareWorkersAI()
