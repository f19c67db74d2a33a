"""Anthropic Messages events (direct, Vertex, and Bedrock invoke, whose chunks the decoder already
unwrapped) read one at a time for the player.

Slots are content-block indexes, so blocks appear in the order the final message lists them. A
block that is not text, thinking or a tool call (a server tool's result, say) arrives whole at
its start and may hold several parts: block `i` owns slots `i*100 .. i*100+99`. Citations grow
the one trailing "Sources" part the decoder adds, so that part is replaced as each one arrives.
"""

from __future__ import annotations

import json
from typing import Any

from app.apis import anthropic
from app.apis.anthropic_blocks import block_parts
from app.apis.chat_parts import tool_call
from app.apis.citations import citation_parts
from app.model import Chunk, Interaction, ReasoningPart
from app.playback import ops

_CALLS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})
_PER_BLOCK = 100


class AnthropicView(ops.View):
    def __init__(self, inter: Interaction) -> None:
        super().__init__(inter)
        self.calls: dict[int, dict[str, Any]] = {}  # open tool blocks: id, name, input, text
        self.citations: list[dict[str, Any]] = []
        self.usage: dict[str, Any] = {}
        self.names: dict[str, str] = {}

    def step(self, chunk: Chunk, payload: Any) -> ops.Delta:
        ev = payload if isinstance(payload, dict) else {}
        name = str(ev.get("type") or chunk.event or "")
        index = ev.get("index")
        slot = index * _PER_BLOCK if isinstance(index, int) and 0 <= index < 10_000 else None
        if name == "message_start":
            msg = ev.get("message")
            return self._usage(msg.get("usage") if isinstance(msg, dict) else None)
        if name == "content_block_start" and slot is not None:
            return self._start(slot, ev.get("content_block"))
        if name == "content_block_delta" and slot is not None:
            return self._delta(slot, ev.get("delta"))
        if name == "content_block_stop" and slot is not None:
            return self._complete(slot)
        if name == "message_delta":
            delta = ev.get("delta")
            out = self._usage(ev.get("usage"))
            if isinstance(delta, dict) and delta.get("stop_reason"):
                out.append(self.finish(delta["stop_reason"]))
            return out
        return []

    def close(self) -> ops.Delta:
        return [op for slot in list(self.calls) for op in self._complete(slot)]

    def _start(self, slot: int, block: Any) -> ops.Delta:
        if not isinstance(block, dict):
            return []
        kind = block.get("type")
        out: ops.Delta = []
        if kind == "text":
            out.append(ops.text(slot, str(block.get("text") or "")))
        elif kind == "thinking":
            out.append(ops.reasoning(slot, str(block.get("thinking") or "")))
        elif kind == "redacted_thinking":
            out.append(ops.part(slot, ReasoningPart("", redacted=True)))
        elif kind in _CALLS:
            self.calls[slot] = {
                "id": block.get("id"),
                "name": block.get("name"),
                "input": block.get("input"),
                "text": "",
            }
            if block.get("id") is not None:
                self.names[str(block["id"])] = str(block.get("name") or "")
            out.append(ops.call(slot, block.get("id"), block.get("name"), new=True))
        else:
            parts = block_parts(block, self.names)
            out.extend(op for j, p in enumerate(parts) for op in ops.whole(slot + j, p))
        cited = block.get("citations")
        if isinstance(cited, list) and cited:
            out.extend(self._cite(cited))
        return out

    def _delta(self, slot: int, delta: Any) -> ops.Delta:
        if not isinstance(delta, dict):
            return []
        kind = delta.get("type")
        if kind == "text_delta":
            return [ops.text(slot, str(delta.get("text") or ""))]
        if kind == "thinking_delta":
            return [ops.reasoning(slot, str(delta.get("thinking") or ""))]
        if kind == "input_json_delta" and slot in self.calls:
            piece = str(delta.get("partial_json") or "")
            self.calls[slot]["text"] += piece
            return [ops.args(slot, piece)]
        if kind == "citations_delta":
            return self._cite([delta.get("citation")])
        return []

    def _complete(self, slot: int) -> ops.Delta:
        """A tool block ends: its joined JSON text is the input, else the start's input."""
        block = self.calls.pop(slot, None)
        if block is None:
            return []
        value: Any = block["input"]
        if block["text"]:
            try:
                value = json.loads(block["text"])
            except ValueError:
                value = block["text"]
        return [ops.part(slot, tool_call(block["id"], block["name"], value))]

    def _cite(self, cited: list[Any]) -> ops.Delta:
        self.citations.extend(c for c in cited if isinstance(c, dict))
        parts = citation_parts(self.citations)  # the list only grows: earlier slots stay put
        return [ops.part(ops.SOURCES_SLOT + i, part) for i, part in enumerate(parts)]

    def _usage(self, raw: Any) -> ops.Delta:
        """Counts are cumulative: a later report replaces the earlier ones field by field."""
        if not isinstance(raw, dict):
            return []
        self.usage.update({k: v for k, v in raw.items() if v is not None})
        merged = dict(self.usage)
        return [ops.usage(merged, anthropic.usage(merged))]
