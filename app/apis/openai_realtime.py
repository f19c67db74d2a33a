"""OpenAI Realtime sessions recorded as WebSocket messages (one interaction, many frames).

A session is a conversation the server keeps: the client sends `session.update`,
`conversation.item.create` and `response.create`; the server echoes every item it adds
(`conversation.item.added` / `.done`) and streams each response (`response.output_*.delta`,
`response.function_call_arguments.delta`) until `response.done`, which holds the response's
finished items and its usage. So the conversation is rebuilt from the items by id, in the
order they first appear, with input-audio transcripts attached when they arrive; the last
response's items are the interaction's answer and everything before it its messages. Beta
event names (`response.text.delta`, `conversation.item.created`) are read like the GA ones.
"""

from __future__ import annotations

from typing import Any

import orjson

from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import as_int, as_str, dicts, finish_reason, text_of, tool_call
from app.apis.inline_media import PcmStream, inline
from app.apis.native_parts import obj
from app.model import (
    ApiError,
    Chunk,
    ChunkKind,
    MediaPart,
    Message,
    Note,
    Part,
    Role,
    TextPart,
    Tool,
    ToolResultPart,
    UnknownPart,
)
from app.usage import normalized

_ITEM_EVENTS = {
    "conversation.item.added",
    "conversation.item.done",
    "conversation.item.created",
    "conversation.item.retrieved",
    "response.output_item.added",
    "response.output_item.done",
}
_TEXT_DELTAS = {
    "response.output_text.delta",
    "response.text.delta",
    "response.output_audio_transcript.delta",
    "response.audio_transcript.delta",
}
# Events that carry nothing the transcript shows beyond what the item events already hold.
_QUIET = {
    "session.created",
    "session.updated",
    "session.update",
    "response.create",
    "response.created",
    "response.cancel",
    "response.content_part.added",
    "response.content_part.done",
    "response.output_text.done",
    "response.text.done",
    "response.output_audio_transcript.done",
    "response.audio_transcript.done",
    "response.output_audio.done",
    "response.audio.done",
    "response.function_call_arguments.done",
    "conversation.item.create",
    "conversation.item.truncate",
    "conversation.item.truncated",
    "conversation.item.delete",
    "conversation.item.deleted",
    "conversation.item.input_audio_transcription.delta",
    "input_audio_buffer.commit",
    "input_audio_buffer.speech_started",
    "input_audio_buffer.speech_stopped",
    "input_audio_buffer.timeout_triggered",
    "output_audio_buffer.started",
    "output_audio_buffer.stopped",
    "output_audio_buffer.cleared",
    "rate_limits.updated",
    "transcription_session.update",
    "transcription_session.updated",
}
_AUDIO_DELTAS = {"response.output_audio.delta", "response.audio.delta"}
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant", "system": "system"}
_STATUS = {"completed": "stop", "failed": "error", "cancelled": "other"}


class OpenAIRealtime:
    name = "openai.realtime"

    def detect(self, ex: Exchange) -> bool:
        for fr in ex.raw.frames[:3]:
            kind = str(obj(_load(fr.data)).get("type", ""))
            if kind.startswith(("session.", "conversation.", "response.", "input_audio_buffer.")):
                return True
        return False

    def decode(self, ex: Exchange) -> Decoded:
        out = Decoded(api=self.name, provider="openai", streaming=True)
        session = _Session()
        for seq, fr in enumerate(ex.raw.frames):
            event = obj(_load(fr.data))
            kind = str(event.get("type") or "")
            chunk_kind = session.step(event, kind, fr.direction == "send", out)
            out.chunks.append(Chunk(seq, f"{fr.direction} {kind}".strip(), fr.data, chunk_kind))
        session.finish(out)
        return out


def _load(data: str) -> Any:
    try:
        return orjson.loads(data)
    except ValueError:
        return None


class _Session:
    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}  # by id, in order of first appearance
        self.sent: list[dict[str, Any]] = []  # client-created items, used when none is echoed
        self.deltas: dict[str, list[str]] = {}  # streamed text of items not finished
        self.audio: dict[str, PcmStream] = {}  # streamed answer audio per item
        self.heard = PcmStream()  # audio the client appended since the last commit or clear
        self.spoken: dict[str, PcmStream] = {}  # what was heard, per user item it became
        self.pcm = {"input": True, "output": True}  # pcm16 unless the session asked for G.711
        self.last_output: list[str] = []
        self.instructions: str | None = None
        self.tools: list[Tool] = []
        self.model: str | None = None
        self.status: dict[str, Any] = {}
        self.input_tokens = 0
        self.output_tokens = 0
        self.cached_tokens = 0
        self.counted = False
        self.unknown: set[str] = set()

    def step(self, event: dict[str, Any], kind: str, sent: bool, out: Decoded) -> ChunkKind:
        if kind in ("session.created", "session.updated", "session.update"):
            self._session(obj(event.get("session")))
            return "other"
        if kind in _ITEM_EVENTS:
            self._item(obj(event.get("item")))
            return "other"
        if kind == "conversation.item.create" and sent:
            self.sent.append(obj(event.get("item")))
            return "other"
        if kind in _TEXT_DELTAS:
            self.deltas.setdefault(str(event.get("item_id")), []).append(str(event.get("delta")))
            return "text"
        if kind in _AUDIO_DELTAS:
            self._audio(str(event.get("item_id")), event.get("delta"))
            return "other"
        if kind == "input_audio_buffer.append":
            self._add(self.heard, event.get("audio"), "input")
            return "other"
        if kind in ("input_audio_buffer.clear", "input_audio_buffer.cleared"):
            self.heard = PcmStream()
            return "other"
        if kind == "input_audio_buffer.committed":  # the buffer becomes this user item
            self.spoken[str(event.get("item_id"))], self.heard = self.heard, PcmStream()
            return "other"
        if kind == "response.function_call_arguments.delta":
            return "tool_call"
        if kind == "conversation.item.input_audio_transcription.completed":
            item = self.items.get(str(event.get("item_id")))
            if item is not None:
                item["transcript"] = as_str(event.get("transcript"))
            return "text"
        if kind == "response.done":
            self._done(obj(event.get("response")))
            return "finish"
        if kind == "error":
            err = obj(event.get("error"))
            kind_name = as_str(err.get("code")) or as_str(err.get("type")) or "error"
            out.error = ApiError(kind_name, str(err.get("message") or "realtime error"))
            return "error"
        if kind not in _QUIET:
            self.unknown.add(kind or "(no type)")
        return "other"

    def _session(self, session: dict[str, Any]) -> None:
        self.model = as_str(session.get("model")) or self.model
        self.instructions = as_str(session.get("instructions")) or self.instructions
        for side in ("input", "output"):
            given = obj(obj(session.get("audio")).get(side)).get("format")
            fmt = obj(given).get("type") or given or session.get(f"{side}_audio_format")
            if isinstance(fmt, str):
                self.pcm[side] = fmt in ("pcm16", "audio/pcm")
        if isinstance(session.get("tools"), list):
            self.tools = [
                Tool(str(t.get("name") or t.get("type")), t.get("description"), t.get("parameters"))
                for t in dicts(session["tools"])
            ]

    def _audio(self, item_id: str, delta: Any) -> None:
        self._add(self.audio.setdefault(item_id, PcmStream()), delta, "output")

    def _add(self, stream: PcmStream, data: Any, side: str) -> None:
        stream.add(data)
        if not self.pcm[side]:  # G.711 is no PCM: its size is shown, never a wrong WAV
            stream.kept, stream.pieces = False, []

    def _item(self, item: dict[str, Any]) -> None:
        item_id = as_str(item.get("id"))
        if item_id is None:
            return
        known = self.items.setdefault(item_id, {})
        known.update({k: v for k, v in item.items() if v not in (None, [])})

    def _done(self, response: dict[str, Any]) -> None:
        self.status = response
        self.last_output = []
        for item in dicts(response.get("output")):
            self._item(item)
            if as_str(item.get("id")):
                self.last_output.append(str(item["id"]))
        use = obj(response.get("usage"))
        if use:
            self.counted = True
            self.input_tokens += as_int(use.get("input_tokens")) or 0
            self.output_tokens += as_int(use.get("output_tokens")) or 0
            details = obj(use.get("input_token_details"))
            self.cached_tokens += as_int(details.get("cached_tokens")) or 0

    def finish(self, out: Decoded) -> None:
        out.model = self.model
        out.tools = self.tools
        items = list(self.items.items()) or [(f"sent-{n}", i) for n, i in enumerate(self.sent)]
        names = {str(i.get("call_id")): str(i.get("name")) for _, i in items if i.get("call_id")}
        answer = set(self.last_output)
        history: list[Message] = []
        if self.instructions:
            history.append(Message("system", (TextPart(self.instructions),)))
        reply: list[Part] = []
        for item_id, item in items:
            message = self._message(item_id, item, names)
            if message is None:
                continue
            if item_id in answer:
                reply.extend(message.parts)
            elif history and history[-1].role == message.role == "assistant":
                history[-1] = Message("assistant", history[-1].parts + message.parts)
            else:
                history.append(message)
        out.messages = history
        if reply:
            out.response = Message("assistant", tuple(reply))
        elif history and history[-1].role == "assistant" and not self.status:
            out.warnings.append(Note("session ends before response.done: last answer as streamed"))
            out.response = history.pop()
        self._outcome(out, reply)
        if self.unknown:
            out.warnings.append(
                Note(f"realtime events not read: {', '.join(sorted(self.unknown))}")
            )

    def _outcome(self, out: Decoded, reply: list[Part]) -> None:
        if self.status:
            status = str(self.status.get("status") or "")
            reason = obj(self.status.get("status_details")).get("reason")
            if status == "completed" and any(p.type == "tool_call" for p in reply):
                out.finish_reason, out.finish_reason_raw = "tool_call", status
            elif status == "incomplete":
                out.finish_reason, out.finish_reason_raw = finish_reason(reason or status)
            elif status in _STATUS:
                out.finish_reason, out.finish_reason_raw = finish_reason(_STATUS[status])
                out.finish_reason_raw = status
        if self.counted:
            out.usage = normalized(
                input_tokens=self.input_tokens,
                output_tokens=self.output_tokens,
                cached_input_tokens=self.cached_tokens or None,
            )

    def _message(self, item_id: str, item: dict[str, Any], names: dict[str, str]) -> Message | None:
        kind = item.get("type")
        if kind == "function_call":
            call = tool_call(item.get("call_id"), item.get("name"), item.get("arguments"))
            return Message("assistant", (call,))
        if kind == "function_call_output":
            call_id = as_str(item.get("call_id"))
            result = ToolResultPart(call_id, names.get(call_id or ""), text_of(item.get("output")))
            return Message("tool", (result,))
        if kind != "message":
            return None
        role = _ROLES.get(str(item.get("role")), "user")
        parts: list[Part] = []
        for content in dicts(item.get("content")):
            parts.extend(_content(content))
        streams = self.audio if item_id in self.audio else self.spoken
        if item_id in streams and streams[item_id].size:
            streamed = streams[item_id].part()
            parts = [streamed if p.type == "audio" else p for p in parts] or [streamed]
        transcript = as_str(item.get("transcript"))
        if transcript:
            parts.append(TextPart(transcript))
        if not any(isinstance(p, TextPart) and p.text for p in parts) and item_id in self.deltas:
            parts.append(TextPart("".join(self.deltas[item_id])))
        return Message(role, tuple(parts))


def _content(content: dict[str, Any]) -> list[Part]:
    kind = str(content.get("type") or "")
    if kind in ("input_text", "output_text", "text"):
        text = as_str(content.get("text"))
        return [TextPart(text)] if text else []
    if kind in ("input_audio", "output_audio", "audio"):
        parts: list[Part] = [inline("audio", "audio/pcm", content.get("audio"))]
        transcript = as_str(content.get("transcript"))
        return parts + ([TextPart(transcript)] if transcript else [])
    if kind == "input_image":
        return [MediaPart("image", None)]
    return [UnknownPart(content)]


DECODER = OpenAIRealtime()
