"""OpenAI Assistants (`/v1/threads`, `/v1/assistants`): the one call that produces a reply is a
streamed run; everything else manages threads, messages and assistants.

A streamed run reads as a conversation: the run's instructions, the messages the request adds,
and the assistant message rebuilt from `thread.message.delta` events (or taken whole from
`thread.message.completed`), plus the tool calls a `requires_action` run asks for. The other
calls get a one-line summary of the object they return. The contract has no name for this API;
Tapedeck calls it `openai.assistants` (README, "Decisions the contract leaves open").
"""

from __future__ import annotations

import re
from typing import Any

from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import (
    api_error,
    as_dict,
    as_int,
    as_str,
    dicts,
    finish_reason,
    is_event_stream,
    sse_events,
    text_of,
    tool_call,
)
from app.apis.native_parts import obj
from app.apis.openai_chat import chat_usage
from app.model import Chunk, ChunkKind, Message, Note, Part, Role, TextPart

_PATH = re.compile(r"/(?:v1|openai)/(?:threads|assistants)(?:/|$)")


class AssistantsDecoder:
    name = "openai.assistants"

    def detect(self, ex: Exchange) -> bool:
        return _PATH.search(ex.path) is not None

    def decode(self, ex: Exchange) -> Decoded:
        d = Decoded(api=self.name)
        req = obj(ex.request_json)
        d.error = api_error(ex.response_json, ex.status)
        if (ex.status or 0) < 400 and is_event_stream(ex):
            _run_stream(ex, req, d)
        else:
            _summarize(ex, d)
        return d


def _summarize(ex: Exchange, d: Decoded) -> None:
    doc = obj(ex.response_json)
    kind = as_str(doc.get("object")) or ex.path.rstrip("/").rsplit("/", 1)[-1]
    if kind == "list":
        d.summary = f"list: {len(list(dicts(doc.get('data'))))} items"
    else:
        status = as_str(doc.get("status"))
        d.summary = f"{ex.raw.request.method} {kind}" + (f": {status}" if status else "")
    d.model = as_str(doc.get("model")) or as_str(obj(ex.request_json).get("model"))
    if d.error is not None:
        d.summary += " -> error"


def _user_messages(req: dict[str, Any]) -> list[Message]:
    """Messages a run request adds: `additional_messages`, or a new thread's `messages`."""
    given = req.get("additional_messages") or obj(req.get("thread")).get("messages")
    out = []
    for m in dicts(given):
        role: Role = "assistant" if m.get("role") == "assistant" else "user"
        out.append(Message(role, (TextPart(text_of(m.get("content"))),)))
    return out


def _run_stream(ex: Exchange, req: dict[str, Any], d: Decoded) -> None:
    d.streaming = True
    events, warnings = sse_events(ex)
    d.warnings.extend(Note(w) for w in warnings)
    run: dict[str, Any] = {}
    texts: dict[int, str] = {}
    final: list[Part] | None = None
    cut_short: Any = None  # why an incomplete message stopped (`max_tokens`, ...)
    for ev in events:
        payload = obj(ev.payload)
        kind: ChunkKind = "other"
        name = ev.event or ""
        if name.startswith("thread.run.") and payload.get("object") == "thread.run":
            run = payload
            kind = "tool_call" if payload.get("required_action") else "other"
        elif name == "thread.message.delta":
            for item in dicts(as_dict(payload.get("delta")).get("content")):
                piece = as_dict(item.get("text")).get("value")
                if isinstance(piece, str):
                    index = as_int(item.get("index")) or 0
                    texts[index] = texts.get(index, "") + piece
                    kind = "text"
        elif name in ("thread.message.completed", "thread.message.incomplete"):
            final = [TextPart(t) for t in _texts(payload)]
            cut_short = as_dict(payload.get("incomplete_details")).get("reason")
            kind = "finish"
        elif name == "error":
            d.error, kind = api_error(payload) or api_error({"error": payload}), "error"
        elif not ev.is_json and ev.data.strip() != "[DONE]":
            d.warnings.append(Note(f"stream event {ev.seq} is not JSON; kept as is"))
        d.chunks.append(Chunk(ev.seq, ev.event, ev.data, kind))
    parts: list[Part] = list(final or [TextPart(t) for _, t in sorted(texts.items())])
    _close_run(run, req, parts, cut_short, d)


def _texts(message: dict[str, Any]) -> list[str]:
    texts = (as_dict(c.get("text")).get("value") for c in dicts(message.get("content")))
    return [t for t in texts if isinstance(t, str)]


def _close_run(
    run: dict[str, Any], req: dict[str, Any], parts: list[Part], cut_short: Any, d: Decoded
) -> None:
    """Fill what the last run snapshot says: model, instructions, tool calls, outcome, usage."""
    d.model = as_str(run.get("model")) or as_str(req.get("model"))
    instructions = as_str(req.get("instructions")) or as_str(run.get("instructions"))
    system = [Message("system", (TextPart(instructions),))] if instructions else []
    d.messages = system + _user_messages(req)
    action = as_dict(as_dict(run.get("required_action")).get("submit_tool_outputs"))
    for call in dicts(action.get("tool_calls")):
        fn = as_dict(call.get("function"))
        parts.append(tool_call(call.get("id"), fn.get("name"), fn.get("arguments")))
    d.response = Message("assistant", tuple(parts))
    reason = cut_short or as_dict(run.get("incomplete_details")).get("reason")
    if action:
        d.finish_reason, d.finish_reason_raw = finish_reason("tool_calls")
    else:
        d.finish_reason, d.finish_reason_raw = finish_reason(reason or run.get("status"))
    last_error = run.get("last_error")
    if isinstance(last_error, dict) and d.error is None:
        d.error = api_error({"error": last_error})
    d.usage = chat_usage(run.get("usage"))


DECODER = AssistantsDecoder()
