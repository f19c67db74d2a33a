"""Fold an Anthropic Messages stream into the message a non-streamed call would have returned.

Each event updates one snapshot (`message_start` opens it, block events grow its `content`,
`message_delta` sets the stop reason and cumulative usage), so the decoder reads a stream and a
plain body with the same code. The same events arrive over SSE (direct, Vertex) or wrapped in
base64 inside AWS event-stream frames (Bedrock), so both framings feed one fold. A damaged or
cut stream keeps everything read before the damage and says where it stopped.
"""

from __future__ import annotations

import base64
import binascii
import copy
from dataclasses import dataclass, field
from typing import Any

import orjson

from app.model import ApiError, Chunk, ChunkKind, Note
from app.streams import Frame

# Which part of the answer a content block (or delta) grows, for the chunk's kind.
_BLOCK_KIND: dict[str, ChunkKind] = {
    "text": "text",
    "thinking": "reasoning",
    "redacted_thinking": "reasoning",
    "tool_use": "tool_call",
    "server_tool_use": "tool_call",
    "mcp_tool_use": "tool_call",
}
_DELTA_KIND: dict[str, ChunkKind] = {
    "text_delta": "text",
    "citations_delta": "text",
    "thinking_delta": "reasoning",
    "signature_delta": "reasoning",
    "input_json_delta": "tool_call",
}
_QUIET = frozenset({"ping", "message_stop", "content_block_stop"})


@dataclass(slots=True)
class Fold:
    message: dict[str, Any] | None = None
    chunks: list[Chunk] = field(default_factory=list)
    error: ApiError | None = None
    warnings: list[Note] = field(default_factory=list)
    stopped: bool = False
    # Tool input arrives as JSON text fragments, joined per block index and parsed at the end.
    partial_json: dict[int, list[str]] = field(default_factory=dict)
    # Streamed text and thinking, in pieces per (id of the block, field), joined into their block
    # once at the end: adding each delta to the string in the block would copy it every time.
    growing: dict[tuple[int, str], tuple[dict[str, Any], list[str]]] = field(default_factory=dict)
    unknown_events: set[str] = field(default_factory=set)

    def _ensure_message(self) -> dict[str, Any]:
        if self.message is None:
            self.message = {"type": "message", "role": "assistant", "content": []}
        return self.message

    def _slot(self, index: Any) -> list[Any] | None:
        """The content list, grown to hold `index`; None for an index no stream would send."""
        content = self._ensure_message().setdefault("content", [])
        if not isinstance(content, list) or not isinstance(index, int) or not 0 <= index < 10_000:
            return None
        if len(content) <= index:
            content.extend([None] * (index + 1 - len(content)))
        return content

    def _block(self, index: Any) -> dict[str, Any] | None:
        content = self._slot(index)
        block = content[index] if content is not None else None
        return block if isinstance(block, dict) else None

    def step(self, seq: int, event: str | None, data: str) -> None:
        try:
            payload = orjson.loads(data)
        except ValueError:
            self.warnings.append(Note(f"stream event {seq} is not valid JSON; skipped"))
            self.chunks.append(Chunk(seq, event, data, "other"))
            return
        if type(payload) is dict and payload.get("type") == "content_block_delta":
            kind = self._delta(payload)  # most events of a stream
        else:
            kind = self._apply(payload if isinstance(payload, dict) else {}, event)
        self.chunks.append(Chunk(seq, event, data, kind))

    def _apply(self, ev: dict[str, Any], event: str | None) -> ChunkKind:
        name = str(ev.get("type") or event or "")
        if name == "content_block_delta":  # most events of a stream
            return self._delta(ev)
        if name == "message_start":
            msg = ev.get("message")
            self.message = copy.deepcopy(msg) if isinstance(msg, dict) else None
            self._ensure_message()["content"] = []
            return "other"
        if name == "content_block_start":
            return self._start_block(ev)
        if name == "content_block_stop":
            self._finish_block(ev.get("index"))
            return "other"
        if name == "message_delta":
            return self._message_delta(ev)
        if name == "message_stop":
            self.stopped = True
            return "other"
        if name == "error":
            inner = ev.get("error")
            err = inner if isinstance(inner, dict) else ev
            self.error = ApiError(str(err.get("type") or "error"), str(err.get("message") or ""))
            return "error"
        if name not in _QUIET and name not in self.unknown_events:
            self.unknown_events.add(name)
            self.warnings.append(Note(f"unknown stream event {name!r} ignored"))
        return "other"

    def _start_block(self, ev: dict[str, Any]) -> ChunkKind:
        block = ev.get("content_block")
        index = ev.get("index")
        content = self._slot(index)
        if not isinstance(block, dict) or content is None or not isinstance(index, int):
            return "other"
        content[index] = copy.deepcopy(block)
        if block.get("type") in ("tool_use", "server_tool_use", "mcp_tool_use"):
            self.partial_json[index] = []
        kind = str(block.get("type"))
        return _BLOCK_KIND.get(kind, "tool_call" if kind.endswith("_tool_result") else "other")

    def _delta(self, ev: dict[str, Any]) -> ChunkKind:
        delta = ev.get("delta")
        index = ev.get("index")
        block = self._block(index)
        if not isinstance(delta, dict) or block is None:
            return "other"
        kind = str(delta.get("type"))
        if kind == "text_delta":
            grown = self.growing.get((id(block), "text"))
            if grown is not None:  # the block's text has grown before: add the piece
                grown[1].append(str(delta.get("text") or ""))
                return "text"
            self._grow(block, "text", delta.get("text"))
        elif kind == "thinking_delta":
            self._grow(block, "thinking", delta.get("thinking"))
        elif kind == "signature_delta":
            block["signature"] = delta.get("signature")
        elif kind == "input_json_delta" and isinstance(index, int):
            self.partial_json.setdefault(index, []).append(str(delta.get("partial_json") or ""))
        elif kind == "citations_delta":
            block.setdefault("citations", [])
            if isinstance(block["citations"], list):
                block["citations"].append(delta.get("citation"))
        return _DELTA_KIND.get(kind, "other")

    def _grow(self, block: dict[str, Any], key: str, piece: Any) -> None:
        """Add a delta's text to `block[key]`, as a piece joined in `close`."""
        grown = self.growing.get((id(block), key))
        if grown is None:
            block[key] = str(block.get(key) or "")
            grown = self.growing[(id(block), key)] = (block, [block[key]])
        grown[1].append(str(piece or ""))

    def _finish_block(self, index: Any) -> None:
        """Parse a tool block's joined JSON; invalid text is kept as a string (shown with why)."""
        if not isinstance(index, int) or index not in self.partial_json:
            return
        text = "".join(self.partial_json.pop(index))
        block = self._block(index)
        if block is None or not text:
            return  # no fragments: the start event's input stands (often `{}`)
        try:
            block["input"] = orjson.loads(text)
        except ValueError:
            block["input"] = text

    def _message_delta(self, ev: dict[str, Any]) -> ChunkKind:
        msg = self._ensure_message()
        delta = ev.get("delta")
        if isinstance(delta, dict):
            for key, value in delta.items():
                msg[key] = value
        usage = ev.get("usage")
        if isinstance(usage, dict):
            # Counts here are cumulative: they replace, not add to, message_start's.
            merged = dict(msg.get("usage") or {}) if isinstance(msg.get("usage"), dict) else {}
            merged.update({k: v for k, v in usage.items() if v is not None})
            msg["usage"] = merged
        has_stop = isinstance(delta, dict) and delta.get("stop_reason")
        return "finish" if has_stop else "usage"

    def close(self) -> None:
        for (_, key), (block, pieces) in self.growing.items():
            block[key] = "".join(pieces)
        for index in list(self.partial_json):
            self._finish_block(index)
        if self.message is not None:
            self.message["content"] = [b for b in self.message.get("content", []) if b is not None]
        if not self.stopped and self.error is None and self.chunks:
            self.warnings.append(Note("stream ended before message_stop; the answer may be cut"))


def fold_sse(frames: list[Frame]) -> Fold:
    fold = Fold()
    for seq, fr in enumerate(frames):
        fold.step(seq, fr.event, fr.data)
    fold.close()
    return fold


def fold_eventstream(frames: list[Frame]) -> Fold:
    """Bedrock frames: `chunk` events carry one Anthropic event as base64 `bytes`; exception
    frames name the error in their headers. A chunk's data is shown decoded."""
    fold = Fold()
    for seq, fr in enumerate(frames):
        headers = dict(fr.headers)
        if headers.get(":message-type") in ("exception", "error"):
            kind = headers.get(":exception-type") or headers.get(":error-code") or "error"
            fold.error = ApiError(kind, _message(fr.data, headers))
            fold.chunks.append(Chunk(seq, kind, fr.data, "error"))
            continue
        inner = _inner_event(fr.data)
        if inner is None:
            fold.warnings.append(Note(f"event-stream frame {seq} has no Anthropic event"))
            fold.chunks.append(Chunk(seq, fr.event, fr.data, "other"))
            continue
        fold.step(seq, _event_name(inner), inner)
    fold.close()
    return fold


def _inner_event(data: str) -> str | None:
    try:
        outer = orjson.loads(data)
        raw = base64.b64decode(outer["bytes"], validate=True)
        return raw.decode("utf-8")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        return None


def _event_name(data: str) -> str | None:
    try:
        value = orjson.loads(data)
    except ValueError:
        return None
    return str(value.get("type")) if isinstance(value, dict) and value.get("type") else None


def _message(data: str, headers: dict[str, str]) -> str:
    try:
        value = orjson.loads(data)
    except ValueError:
        value = None
    if isinstance(value, dict) and value.get("message"):
        return str(value["message"])
    return headers.get(":error-message") or data
