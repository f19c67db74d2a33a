"""OpenAI Realtime sessions stepped through frame by frame for the player.

A session holds several responses (a tool call, then the spoken answer after its output); the
decoded answer is the last one. So each response plays as it streamed: its text, its spoken
answer's transcript and its tool-call arguments grow with their deltas, numbered in the order
their items first appear, and a new response takes the place of the one before on screen.
The last `response.done` settles the answer the decoder kept (the audio as its player, usage
summed over the session, the finish reason), so the final frame shows exactly that.
"""

from __future__ import annotations

from typing import Any

from app.apis.chat_parts import as_str
from app.apis.native_parts import obj
from app.model import Chunk, Interaction
from app.playback import ops

_TEXT = {
    "response.output_text.delta",
    "response.text.delta",
    "response.output_audio_transcript.delta",
    "response.audio_transcript.delta",
}
_ARGS = "response.function_call_arguments.delta"


class RealtimeView(ops.View):
    def __init__(self, inter: Interaction) -> None:
        super().__init__(inter)
        done = [c.seq for c in inter.chunks if c.event == "receive response.done"]
        self.last_done = done[-1] if done else None
        self.slots: dict[tuple[str, str], int] = {}  # (item id, text or call) -> slot
        self.open = False  # a response is streaming (its parts are on screen)
        self.settled = False  # the decoded answer is on screen and nothing came after it

    def step(self, chunk: Chunk, payload: Any) -> ops.Delta:
        direction, _, kind = (chunk.event or "").partition(" ")
        if direction != "receive" or not isinstance(payload, dict):
            return []
        if kind == "response.done":
            return self._done(chunk, obj(payload.get("response")))
        item_id = as_str(payload.get("item_id")) or ""
        if kind in _TEXT and isinstance(payload.get("delta"), str):
            out = self._start()
            return [*out, ops.text(self._slot(item_id, "text"), payload["delta"])]
        if kind == "response.output_item.added":
            item = obj(payload.get("item"))
            if item.get("type") == "function_call":
                out = self._start()
                slot = self._slot(as_str(item.get("id")) or "", "call")
                return [*out, ops.call(slot, item.get("call_id"), item.get("name"), new=True)]
        if kind == _ARGS and isinstance(payload.get("delta"), str):
            out = self._start()
            fresh = (item_id, "call") not in self.slots
            slot = self._slot(item_id, "call")
            start = [ops.call(slot, payload.get("call_id"), None, new=True)] if fresh else []
            return [*out, *start, ops.args(slot, payload["delta"])]
        return []

    def close(self) -> ops.Delta:
        """A session cut off before its last `response.done`: the answer as the decoder kept it."""
        return [] if self.settled else self._settle()

    def _start(self) -> ops.Delta:
        """The first delta of a response: the previous response leaves the screen."""
        if self.open:
            return []
        self.open, self.settled = True, False
        return self._clear()

    def _slot(self, item_id: str, kind: str) -> int:
        key = (item_id, kind)
        if key not in self.slots:
            self.slots[key] = len(self.slots) * 10
        return self.slots[key]

    def _clear(self) -> ops.Delta:
        out = [ops.remove(slot) for slot in self.slots.values()]
        self.slots = {}
        return out

    def _done(self, chunk: Chunk, response: dict[str, Any]) -> ops.Delta:
        self.open = False
        use = response.get("usage")
        if chunk.seq != self.last_done:
            return [ops.usage(use)] if isinstance(use, dict) else []
        return self._settle()

    def _settle(self) -> ops.Delta:
        self.settled = True
        it = self.inter
        out = self._clear()
        if it.response is not None:
            for n, part in enumerate(it.response.parts):
                out += ops.whole(self._slot(f"answer-{n}", "whole"), part)
        if it.usage is not None:
            out.append(ops.usage(it.usage.raw, it.usage))
        if it.finish_reason is not None or it.finish_reason_raw is not None:
            out.append(ops.finish(it.finish_reason, it.finish_reason_raw))
        return out
