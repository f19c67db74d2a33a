"""Stream playback's vocabulary: what a chunk did to the assistant message, and how to apply it.

Decoders fold a stream into its final message but keep no record of which chunk did what. The
player needs that record, in one shape for every API, so that a single routine (here in Python,
and `applyOps` in static/player.js) can rebuild the message at any chunk. An *op* is a small
JSON object; a chunk's delta is the list of ops it caused, usually zero or one.

Parts live in numbered *slots*: the message at any moment is its parts sorted by slot. Slots
leave gaps on purpose (an API view numbers reasoning before text before tool calls, or content
blocks by their index) so a part can appear in the right place whenever its first chunk comes.

Ops (`p` is the slot):
- `text` / `reasoning` / `refusal` `{p, text[, redacted]}`: append text, creating the part.
- `call` `{p, id?, name?, new?}`: a tool call starts (`new`) or learns its id or name.
- `args` `{p, text[, replace]}`: raw argument text grows (or is replaced) while the call is open.
- `part` `{p, part}`: a whole contract part arrives; a tool call given this way is complete, so
  its arguments are the parsed value (shown as JSON, no longer as raw text).
- `remove` `{p}`: a part stops being shown (a later chunk superseded it).
- `usage` `{raw[, usage]}`: the usage the chunk reported, as sent and, where the API has a
  normalizer, normalized. `finish` `{reason, raw}`. `error` `{type, message}`.

The Python applier is the reference the tests hold the decoders' answers against, and it also
gives the chunk API the message as it stood before a window starts, so a long stream can be
opened at any chunk without sending every earlier chunk to the browser.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any, TypeAlias

from app.apis.chat_parts import finish_reason
from app.model import Chunk, Interaction, Part, ToolCallPart, to_json

Op: TypeAlias = dict[str, Any]
Delta: TypeAlias = list[Op]
# Applier state: {"parts": {slot: part}, "usage", "usage_raw", "finish", "finish_raw", "error"}.
State: TypeAlias = dict[str, Any]

# First slot of the cited sources an API attaches after the answer (one slot each): always last.
SOURCES_SLOT = 10**9


def text(p: int, value: str) -> Op:
    return {"op": "text", "p": p, "text": value}


def reasoning(p: int, value: str, redacted: bool | None = None) -> Op:
    op: Op = {"op": "reasoning", "p": p, "text": value}
    if redacted is not None:
        op["redacted"] = redacted
    return op


def refusal(p: int, value: str) -> Op:
    return {"op": "refusal", "p": p, "text": value}


def call(p: int, call_id: Any = None, name: Any = None, new: bool = False) -> Op:
    op: Op = {"op": "call", "p": p}
    if call_id not in (None, ""):
        op["id"] = str(call_id)
    if name not in (None, ""):
        op["name"] = str(name)
    if new:
        op["new"] = True
    return op


def args(p: int, value: str, replace: bool = False) -> Op:
    op: Op = {"op": "args", "p": p, "text": value}
    if replace:
        op["replace"] = True
    return op


def part(p: int, value: Part) -> Op:
    return {"op": "part", "p": p, "part": to_json(value)}


def remove(p: int) -> Op:
    return {"op": "remove", "p": p}


def usage(raw: Any, normalized: Any = None) -> Op:
    op: Op = {"op": "usage", "raw": raw}
    if normalized is not None:
        op["usage"] = to_json(normalized)
    return op


def finish(reason: str | None, raw: Any) -> Op:
    return {"op": "finish", "reason": reason, "raw": None if raw is None else str(raw)}


def error(kind: str, message: str) -> Op:
    return {"op": "error", "type": kind, "message": message}


def whole(p: int, value: Part) -> Delta:
    """A part that arrives complete; a tool call is also announced, so it counts as a start."""
    if isinstance(value, ToolCallPart):
        return [call(p, value.id, value.name, new=True), part(p, value)]
    return [part(p, value)]


class View:
    """One API's reading of its stream, chunk by chunk: `step` returns the ops a chunk caused,
    `close` the ops the end of the stream implies (tool calls still open are completed, as the
    decoder does). A view keeps only what it needs to number parts and finish calls."""

    def __init__(self, inter: Interaction) -> None:
        self.inter = inter

    def step(self, chunk: Chunk, payload: Any) -> Delta:
        return []

    def close(self) -> Delta:
        return []

    def finish(self, raw: Any) -> Op:
        """The normalized reason as the decoder gave it when this is the reason it kept (it may
        have refined it, e.g. `stop` with tool calls is `tool_call`), else the plain mapping."""
        if raw is not None and str(raw) == self.inter.finish_reason_raw:
            return finish(self.inter.finish_reason, raw)
        return finish(finish_reason(raw)[0], raw)


def new_state() -> State:
    return {
        "parts": {},
        "usage": None,
        "usage_raw": None,
        "finish": None,
        "finish_raw": None,
        "error": None,
    }


_EMPTY: dict[str, dict[str, Any]] = {
    "text": {"type": "text", "text": ""},
    "reasoning": {"type": "reasoning", "text": "", "redacted": False},
    "refusal": {"type": "refusal", "text": ""},
    "call": {
        "type": "tool_call",
        "id": None,
        "name": "",
        "args": "",
        "arguments": None,
        "arguments_error": None,
        "open": True,
    },
}


def _slot(parts: dict[int, dict[str, Any]], p: int, kind: str) -> dict[str, Any]:
    cur = parts.get(p)
    if cur is None or cur.get("type") != _EMPTY[kind]["type"]:
        cur = dict(_EMPTY[kind])
        parts[p] = cur
    return cur


def apply(state: State, ops: Iterable[Op]) -> State:
    """Apply ops in place (the same rules as `applyOps` in static/player.js) and return state."""
    parts: dict[int, dict[str, Any]] = state["parts"]
    for op in ops:
        kind = op["op"]
        if kind in ("text", "reasoning", "refusal"):
            cur = _slot(parts, op["p"], kind)
            cur["text"] += op["text"]
            if "redacted" in op:
                cur["redacted"] = op["redacted"]
        elif kind == "call":
            cur = _slot(parts, op["p"], "call")
            for key in ("id", "name"):
                if key in op:
                    cur[key] = op[key]
        elif kind == "args":
            cur = _slot(parts, op["p"], "call")
            if not cur.get("open"):  # more text for a call shown complete: it is open again
                cur.update(open=True, args="")
            cur["args"] = op["text"] if op.get("replace") else cur["args"] + op["text"]
        elif kind == "part":
            parts[op["p"]] = copy.deepcopy(op["part"])
        elif kind == "remove":
            parts.pop(op["p"], None)
        elif kind == "usage":
            state["usage_raw"] = op["raw"]
            if "usage" in op:
                state["usage"] = op["usage"]
        elif kind == "finish":
            state["finish"], state["finish_raw"] = op["reason"], op["raw"]
        elif kind == "error":
            state["error"] = {"type": op["type"], "message": op["message"]}
    return state


def message_parts(state: State) -> list[dict[str, Any]]:
    """The parts in contract JSON, in slot order; a tool call still open shows its raw text."""
    out: list[dict[str, Any]] = []
    for _, value in sorted(state["parts"].items()):
        if value.get("open"):
            value = {k: v for k, v in value.items() if k not in ("open", "args")} | {
                "arguments": value["args"]
            }
        out.append(value)
    return out


__all__ = [
    "SOURCES_SLOT",
    "Delta",
    "Op",
    "State",
    "View",
    "apply",
    "message_parts",
    "new_state",
    "whole",
]
