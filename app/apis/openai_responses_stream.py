"""Fold an OpenAI Responses stream into the response object a non-streamed call returns.

`response.created` opens the snapshot, `output_item.*` and the many `*.delta` events grow its
`output` items by `output_index`, and the terminal event (`response.completed`, `.incomplete`,
`.failed`) carries the final object. The final object's output wins when it has one; what was
accumulated from deltas is the answer when the stream was cut before the end.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from app.apis.chat_parts import StreamEvent
from app.model import ApiError, Chunk, ChunkKind, Note

_TERMINAL = frozenset({"response.completed", "response.incomplete", "response.failed"})
_SNAPSHOT = frozenset({"response.created", "response.in_progress", "response.queued"})

# Delta events: (field on the item or its content part, where it lives, chunk kind).
# "part" means item.content[content_index], "summary" item.summary[summary_index].
_DELTAS: dict[str, tuple[str, str, ChunkKind]] = {
    "response.output_text": ("text", "part", "text"),
    "response.refusal": ("refusal", "part", "text"),
    "response.reasoning_text": ("text", "part", "reasoning"),
    "response.reasoning_summary_text": ("text", "summary", "reasoning"),
    "response.function_call_arguments": ("arguments", "item", "tool_call"),
    "response.custom_tool_call_input": ("input", "item", "tool_call"),
    "response.mcp_call_arguments": ("arguments", "item", "tool_call"),
    "response.code_interpreter_call_code": ("code", "item", "tool_call"),
}

# Full event names of the deltas above -> (base, "delta" or "done").
_DELTA_EVENTS = {f"{base}.{end}": (base, end) for base in _DELTAS for end in ("delta", "done")}


@dataclass(slots=True)
class Fold:
    response: dict[str, Any] | None = None
    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    chunks: list[Chunk] = field(default_factory=list)
    error: ApiError | None = None
    warnings: list[Note] = field(default_factory=list)
    final: bool = False
    # Delta text in pieces per (id of the target, field), joined into the target in `close`:
    # adding each delta to the string would copy it every time (quadratic in a long stream).
    # The target is kept beside its pieces, so its id stays its own.
    growing: dict[tuple[int, str], tuple[dict[str, Any], list[str]]] = field(default_factory=dict)

    def step(self, ev: StreamEvent) -> None:
        if not ev.is_json or not isinstance(ev.payload, dict):
            if ev.data.strip() != "[DONE]":
                self.warnings.append(Note(f"stream event {ev.seq} is not valid JSON; skipped"))
            self.chunks.append(Chunk(ev.seq, ev.event, ev.data, "other"))
            return
        kind = self._apply(ev.payload, str(ev.payload.get("type") or ev.event or ""))
        self.chunks.append(Chunk(ev.seq, ev.event, ev.data, kind))

    def _apply(self, data: dict[str, Any], name: str) -> ChunkKind:
        delta = _DELTA_EVENTS.get(name)
        if delta is not None:  # most events of a stream
            return self._text(data, *delta)
        if name in _SNAPSHOT or name in _TERMINAL:
            resp = data.get("response")
            if isinstance(resp, dict):
                self.response = copy.deepcopy(resp)
            if name in _TERMINAL:
                self.final = True
                return "error" if name == "response.failed" else "finish"
            return "other"
        if name == "error":
            inner = data.get("error")
            err = inner if isinstance(inner, dict) else data
            kind = err.get("code") or err.get("type") or "error"
            self.error = ApiError(str(kind), str(err.get("message") or ""))
            return "error"
        if name in ("response.output_item.added", "response.output_item.done"):
            return self._item(data)
        if name in ("response.content_part.added", "response.content_part.done"):
            self._nested(data, "content", "content_index", data.get("part"))
            return "other"
        if name in (
            "response.reasoning_summary_part.added",
            "response.reasoning_summary_part.done",
        ):
            self._nested(data, "summary", "summary_index", data.get("part"))
            return "reasoning"
        if name == "response.output_text.annotation.added":
            part = self._nested(data, "content", "content_index", None)
            if part is not None:
                part.setdefault("annotations", []).append(data.get("annotation"))
            return "text"
        if "_call." in name or name.startswith("response.mcp_list_tools."):
            return "tool_call"  # progress of a tool the provider runs
        return "other"  # keep-alives, and events yet to come

    def _item(self, data: dict[str, Any]) -> ChunkKind:
        item = data.get("item")
        index = data.get("output_index")
        if isinstance(item, dict) and isinstance(index, int):
            self.items[index] = copy.deepcopy(item)
            kind = str(item.get("type"))
            if kind == "reasoning":
                return "reasoning"
            return "text" if kind == "message" else "tool_call"
        return "other"

    def _nested(
        self, data: dict[str, Any], key: str, index_key: str, value: Any
    ) -> dict[str, Any] | None:
        """The part at `item[key][index]`, set to `value` when one is given."""
        item = self.items.get(data.get("output_index", -1))
        index = data.get(index_key)
        if item is None or not isinstance(index, int) or not 0 <= index < 10_000:
            return None
        parts = item.setdefault(key, [])
        if not isinstance(parts, list):
            return None
        while len(parts) <= index:
            parts.append({"type": "summary_text" if key == "summary" else "output_text"})
        if isinstance(value, dict):
            parts[index] = copy.deepcopy(value)
        return parts[index] if isinstance(parts[index], dict) else None

    def _text(self, data: dict[str, Any], base: str, suffix: str) -> ChunkKind:
        fieldname, where, kind = _DELTAS[base]
        if where == "item":
            target = self.items.get(data.get("output_index", -1))
        else:
            key, index_key = (
                ("content", "content_index") if where == "part" else ("summary", "summary_index")
            )
            target = self._nested(data, key, index_key, None)
        if target is None:
            return kind
        slot = (id(target), fieldname)
        if suffix == "delta":
            grown = self.growing.get(slot)
            if grown is None:
                grown = self.growing[slot] = (target, [str(target.get(fieldname) or "")])
            grown[1].append(str(data.get("delta") or ""))
        else:
            final = data.get(fieldname)  # a `.done` event repeats the whole value
            if isinstance(final, str):
                self._join(slot)
                target[fieldname] = final
        return kind

    def _join(self, slot: tuple[int, str]) -> None:
        grown = self.growing.pop(slot, None)
        if grown is not None:
            grown[0][slot[1]] = "".join(grown[1])

    def settle(self) -> None:
        """Write the delta text still in pieces into its items, for a reader of `items` between
        events (the player); the decoder itself settles once, in `close`."""
        for slot in list(self.growing):
            self._join(slot)

    def close(self) -> dict[str, Any] | None:
        """The response as folded: the terminal event's own output when it has one."""
        self.settle()
        if self.response is None and not self.items:
            return None
        resp: dict[str, Any] = self.response if self.response is not None else {}
        if not resp.get("output") and self.items:
            resp["output"] = [self.items[i] for i in sorted(self.items)]
        if not self.final and self.error is None:
            self.warnings.append(
                Note("stream ended before response.completed; the answer may be cut")
            )
        return resp


def fold(events: list[StreamEvent]) -> Fold:
    result = Fold()
    for ev in events:
        result.step(ev)
    return result
