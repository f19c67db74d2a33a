"""Cohere's v1 API: Chat (`/v1/chat`) and Generate (`/v1/generate`), whole and streamed.

v1 Chat sends the new turn as `message` beside a `chat_history` of `{role: USER|CHATBOT|SYSTEM|
TOOL, message}`; v1 Generate sends one `prompt` and returns `generations`. Both stream as one
JSON object per line whose last event (`is_finished: true`) repeats the whole response under
`response`, so a stream is folded into that response and decoded by the same code. Bedrock's
Cohere Command models send the same bodies (`bedrock_invoke` reuses the readers here).
"""

from __future__ import annotations

from typing import Any

from app.apis.base import Decoded, Exchange, response_only
from app.apis.chat_parts import api_error, as_str, dicts, finish_reason, tool_call
from app.apis.native_parts import fold_frames, obj, stream_frames
from app.model import ChunkKind, Message, Note, Part, Role, TextPart
from app.streams import Frame
from app.usage import normalized

_ROLES: dict[str, Role] = {
    "user": "user",
    "chatbot": "assistant",
    "assistant": "assistant",
    "system": "system",
    "tool": "tool",
}
# Top-level keys of a v1 response this module reads or knowingly leaves out.
_KNOWN = {
    "response_id",
    "generation_id",
    "id",
    "text",
    "generations",
    "prompt",
    "finish_reason",
    "meta",
    "chat_history",
    "tool_calls",
    "citations",
    "documents",
    "search_queries",
    "search_results",
    "is_search_required",
}


class CohereV1Decoder:
    name: str

    def __init__(self, name: str, path: str, *bare_keys: str) -> None:
        self.name = name
        self._path = path
        self._bare_keys = bare_keys  # what a bare response body of this endpoint has

    def detect(self, ex: Exchange) -> bool:
        if response_only(ex, *self._bare_keys):
            return True
        return ex.path.rstrip("/").endswith(self._path)

    def decode(self, ex: Exchange) -> Decoded:
        req = obj(ex.request_json)
        out = Decoded(api=self.name, provider="cohere", model=as_str(req.get("model")))
        out.messages = request_messages(req)
        streamed_body = ex.response_json is None and bool(ex.raw.response.body)
        out.streaming = req.get("stream") is True or streamed_body
        if (ex.status or 0) >= 400:
            out.error = api_error(ex.response_json, ex.status)
            return out
        body = fold_stream(ex, out) if out.streaming else obj(ex.response_json)
        decode_response(body, out)
        return out


def request_messages(req: dict[str, Any]) -> list[Message]:
    """The preamble, the history and the new turn (`message`), or Generate's one `prompt`."""
    messages: list[Message] = []
    preamble = as_str(req.get("preamble"))
    if preamble:
        messages.append(Message("system", (TextPart(preamble),)))
    for turn in dicts(req.get("chat_history")):
        role = _ROLES.get(str(turn.get("role")).lower(), "user")
        messages.append(Message(role, tuple(_turn_parts(turn))))
    for key in ("message", "prompt"):
        text = as_str(req.get(key))
        if text is not None:
            messages.append(Message("user", (TextPart(text),)))
    return messages


def _turn_parts(turn: dict[str, Any]) -> list[Part]:
    parts: list[Part] = []
    text = as_str(turn.get("message"))
    if text:
        parts.append(TextPart(text))
    for call in dicts(turn.get("tool_calls")):
        parts.append(tool_call(None, call.get("name"), call.get("parameters")))
    return parts


def decode_response(body: dict[str, Any], out: Decoded) -> None:
    """A v1 Chat or Generate response (or the `response` of a stream's last event)."""
    generations = list(dicts(body.get("generations")))
    first = generations[0] if generations else body
    parts: list[Part] = []
    text = as_str(first.get("text"))
    if text is not None:
        parts.append(TextPart(text))
    for call in dicts(body.get("tool_calls")):
        parts.append(tool_call(None, call.get("name"), call.get("parameters")))
    if parts:
        out.response = Message("assistant", tuple(parts))
    out.finish_reason, out.finish_reason_raw = finish_reason(
        first.get("finish_reason") or body.get("finish_reason")
    )
    for other in generations[1:]:
        alt = as_str(other.get("text"))
        out.alternatives.append(Message("assistant", (TextPart(alt),) if alt is not None else ()))
    meta = obj(body.get("meta"))
    counts = obj(meta.get("tokens")) or obj(meta.get("billed_units"))
    if counts:
        out.usage = normalized(
            input_tokens=counts.get("input_tokens"),
            output_tokens=counts.get("output_tokens"),
            raw=meta,
        )
    unknown = sorted(k for k in body if k not in _KNOWN)
    if unknown:
        out.warnings.append(Note(f"Cohere v1 response fields not read: {', '.join(unknown)}"))


def fold_stream(ex: Exchange, out: Decoded) -> dict[str, Any]:
    """The response a stream amounts to: the last event's `response`, or the text it streamed."""
    texts: list[str] = []
    snapshot: dict[str, Any] = {}

    def step(fr: Frame, payload: Any) -> ChunkKind:
        event = obj(payload)
        kind = event.get("event_type")
        if isinstance(event.get("response"), dict):
            snapshot.update(event["response"])
        if event.get("finish_reason"):
            snapshot.setdefault("finish_reason", event["finish_reason"])
        if event.get("is_finished") is True or kind == "stream-end":
            return "finish"
        if kind == "tool-calls-generation":
            snapshot.setdefault("tool_calls", event.get("tool_calls"))
            return "tool_call"
        if isinstance(event.get("text"), str):
            texts.append(event["text"])
            return "text"
        return "other"

    fold_frames(stream_frames(ex, "ndjson", out), step, out)
    if not snapshot.get("text") and not snapshot.get("generations"):
        snapshot["text"] = "".join(texts)  # a stream cut before its last event
        if texts:
            out.warnings.append(Note("stream ends before its final event: text as streamed"))
    return snapshot


CHAT = CohereV1Decoder("cohere.chat", "/v1/chat", "generation_id", "text")
GENERATE = CohereV1Decoder("cohere.generate", "/v1/generate", "generations", "prompt")
