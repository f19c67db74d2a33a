"""Cohere v2 Chat (`/v2/chat`).

The stream is SSE with named events (`message-start`, `content-delta`, `tool-call-start`, ...)
whose `delta.message` mirrors a fragment of the final message; content blocks and tool calls
each have their own index counter. Folding them rebuilds the non-streamed
`{"message":…,"finish_reason","usage"}` document, decoded by the same code.
"""

from __future__ import annotations

from typing import Any

from app.apis.base import Decoded, Exchange, response_only
from app.apis.chat_parts import api_error, dicts, finish_reason, media, text_of, tool_call
from app.apis.native_parts import as_text, fold_frames, function_tools, obj, stream_frames
from app.model import (
    ChunkKind,
    Message,
    Note,
    Part,
    ReasoningPart,
    Role,
    TextPart,
    ToolResultPart,
    UnknownPart,
)
from app.streams import Frame
from app.usage import normalized

_ROLES: dict[str, Role] = {
    "system": "system",
    "user": "user",
    "assistant": "assistant",
    "chatbot": "assistant",
    "tool": "tool",
}

_QUIET_EVENTS = {
    "message-start",
    "content-end",
    "tool-call-end",
    "citation-start",
    "citation-end",
    "debug",
}


class CohereChatDecoder:
    name = "cohere.chat"

    def detect(self, ex: Exchange) -> bool:
        if response_only(ex, "finish_reason", "message"):
            return isinstance(obj(ex.response_json).get("message"), dict)
        return ex.path.rstrip("/").endswith("/v2/chat")

    def decode(self, ex: Exchange) -> Decoded:
        req = ex.request_json if isinstance(ex.request_json, dict) else {}
        model = req.get("model")
        out = Decoded(
            api=self.name, provider="cohere", model=model if isinstance(model, str) else None
        )
        out.streaming = req.get("stream") is True
        names: dict[str, str] = {}  # tool call id -> name, to name the results
        out.messages = [_message(m, names) for m in dicts(req.get("messages"))]
        out.tools = function_tools(req.get("tools"))
        if (ex.status or 0) >= 400:
            out.error = api_error(ex.response_json, ex.status)
            return out
        snapshot = fold_stream(ex, out) if out.streaming else ex.response_json
        if isinstance(snapshot, dict):
            decode_response(snapshot, out)
        return out


def _message(msg: dict[str, Any], names: dict[str, str]) -> Message:
    role = _ROLES.get(str(msg.get("role")).lower(), "user")
    content = msg.get("content")
    parts: list[Part] = []
    if role == "tool":
        call_id = msg.get("tool_call_id")
        parts.append(
            ToolResultPart(
                tool_call_id=call_id if isinstance(call_id, str) else None,
                name=names.get(call_id) if isinstance(call_id, str) else None,
                content=_tool_result_text(content),
            )
        )
        return Message(role, tuple(parts))
    if isinstance(content, str):
        parts.extend([TextPart(content)] if content else [])
    else:
        items = content if isinstance(content, list) else []
        parts.extend(p for p in map(_content_part, items) if p is not None)
    plan = msg.get("tool_plan")
    if isinstance(plan, str) and plan:
        parts.append(TextPart(plan))  # the model's visible plan before its calls, not thinking
    for call in dicts(msg.get("tool_calls")):
        fn = obj(call.get("function"))
        part = tool_call(call.get("id"), fn.get("name"), fn.get("arguments"))
        if part.id:
            names[part.id] = part.name
        parts.append(part)
    return Message(role, tuple(parts))


def _content_part(item: Any) -> Part | None:
    if not isinstance(item, dict):
        return TextPart(item) if isinstance(item, str) and item else None
    kind = item.get("type")
    if kind == "text":
        text = item.get("text")
        return TextPart(text) if isinstance(text, str) and text else None
    if kind == "thinking":
        text = item.get("thinking")
        return ReasoningPart(text) if isinstance(text, str) and text else None
    if kind == "image_url":
        image = item.get("image_url")
        url = image.get("url") if isinstance(image, dict) else image
        return media("image", url)
    if kind == "document":
        return TextPart(_tool_result_text([item]))
    return UnknownPart(item)


def _tool_result_text(content: Any) -> str:
    """Tool output is text, or a list of text and `document` items whose `data` is the output."""
    if not isinstance(content, list):
        return text_of(content)
    pieces = []
    for item in content:
        document = obj(item).get("document")
        data = obj(document).get("data", document) if document is not None else None
        pieces.append(as_text(data) if data is not None else text_of([item]))
    return "\n".join(pieces)


def decode_response(body: dict[str, Any], out: Decoded) -> None:
    message = body.get("message")
    if isinstance(message, dict):
        out.response = _message({**message, "role": "assistant"}, {})
    out.finish_reason, out.finish_reason_raw = finish_reason(body.get("finish_reason"))
    usage = body.get("usage")
    if isinstance(usage, dict):
        counts = obj(usage.get("tokens")) or obj(usage.get("billed_units"))
        out.usage = normalized(
            input_tokens=counts.get("input_tokens"),
            output_tokens=counts.get("output_tokens"),
            cached_input_tokens=usage.get("cached_tokens") or None,
            reasoning_tokens=counts.get("reasoning_tokens"),
            raw=usage,
        )


def fold_stream(ex: Exchange, out: Decoded) -> dict[str, Any]:
    snapshot: dict[str, Any] = {}
    content: dict[int, dict[str, Any]] = {}
    calls: dict[int, dict[str, Any]] = {}
    plan: list[str] = []

    def step(fr: Frame, payload: Any) -> ChunkKind:
        if not isinstance(payload, dict):
            return "other"  # the closing [DONE]
        kind = payload.get("type") or fr.event
        raw_index = payload.get("index")
        index = raw_index if isinstance(raw_index, int) else 0
        delta = obj(payload.get("delta"))
        msg = obj(delta.get("message"))
        if kind == "content-start" and isinstance(msg.get("content"), dict):
            content[index] = dict(msg["content"])
            return "other"
        if kind == "content-delta" and isinstance(msg.get("content"), dict):
            block = content.setdefault(index, {"type": "text"})
            piece = msg["content"]
            for key in ("text", "thinking"):
                if isinstance(piece.get(key), str):
                    block[key] = block.get(key, "") + piece[key]
                    return "reasoning" if key == "thinking" else "text"
            return "other"
        if kind == "tool-plan-delta":
            plan.append(str(msg.get("tool_plan", "")))
            return "text"
        if kind in ("tool-call-start", "tool-call-delta"):
            call = obj(msg.get("tool_calls"))
            acc = calls.setdefault(index, {"function": {"arguments": ""}})
            fn = obj(call.get("function"))
            acc.update({k: v for k, v in call.items() if k != "function"})
            if "name" in fn:
                acc["function"]["name"] = fn["name"]
            acc["function"]["arguments"] += str(fn.get("arguments") or "")
            return "tool_call"
        if kind == "message-end":
            snapshot["finish_reason"] = delta.get("finish_reason")
            snapshot["usage"] = delta.get("usage")
            return "finish"
        if kind == "message-start":
            snapshot["id"] = payload.get("id")
        elif kind not in _QUIET_EVENTS:
            out.warnings.append(Note(f"unknown Cohere stream event {kind!r}"))
        return "other"

    fold_frames(stream_frames(ex, "sse", out), step, out)
    snapshot["message"] = {
        "role": "assistant",
        "content": [content[i] for i in sorted(content)],
        "tool_plan": "".join(plan),
        "tool_calls": [calls[i] for i in sorted(calls)],
    }
    return snapshot


DECODER = CohereChatDecoder()
