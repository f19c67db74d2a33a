"""Gemini, Bedrock Converse, Ollama and Cohere streams read one chunk at a time for the player.

Each view numbers parts the way its decoder orders them: Gemini by position after neighbouring
text fragments join (each fragment either grows the last part or opens the next slot), Converse
and Cohere by content-block index, Ollama as reasoning, text, then tool calls. Bedrock
InvokeModel streams carry Anthropic events, Nova's Converse-shaped events (keyed by their
name), or another family's flat text chunks. Calls whose arguments stream as text stay open
until their block ends or the stream does; calls that arrive as objects (Gemini, Ollama)
arrive complete.
"""

from __future__ import annotations

from typing import Any

from app.apis.bedrock_invoke import METRICS_KEY, choice_piece, flat_text
from app.apis.chat_parts import api_error, dicts, tool_call
from app.apis.gemini import error_of, grounding_parts, usage_of
from app.apis.gemini_parts import continues_text, parts_of, plain_text
from app.apis.native_parts import first, obj
from app.model import Chunk, Interaction, ReasoningPart
from app.playback import ops
from app.playback.anthropic import AnthropicView


class GeminiView(ops.View):
    def __init__(self, inter: Interaction) -> None:
        super().__init__(inter)
        self.last: dict[str, Any] | None = None  # the last raw part, for joining text
        self.count = 0
        self.calls: dict[str, list[str | None]] = {}
        self.any_call = False

    def step(self, chunk: Chunk, payload: Any) -> ops.Delta:
        if not isinstance(payload, dict):
            return []
        if "error" in payload:
            err = error_of(payload)
            return [ops.error(err.type, err.message)] if err is not None else []
        out: ops.Delta = []
        cands = payload.get("candidates")
        head = cands[0] if isinstance(cands, list) and cands and isinstance(cands[0], dict) else {}
        raw_parts = obj(head.get("content")).get("parts")
        for raw in raw_parts if isinstance(raw_parts, list) else []:
            out.extend(self._part(raw))
        grounding = first(head, "groundingMetadata", "grounding_metadata")
        if isinstance(grounding, dict):  # the decoder keeps the last one, so each replaces
            cited = grounding_parts(grounding)
            out.extend(ops.part(ops.SOURCES_SLOT + i, c) for i, c in enumerate(cited))
        reason = first(head, "finishReason", "finish_reason")
        if reason:
            out.append(self.finish(reason))
        use = first(payload, "usageMetadata", "usage_metadata")
        if isinstance(use, dict):
            out.append(ops.usage(use, usage_of(use)))
        return out

    def _part(self, raw: Any) -> ops.Delta:
        prev = self.last
        self.last = raw if isinstance(raw, dict) else None
        if not continues_text(prev, raw):
            self.count += 1
        slot = self.count - 1
        if plain_text(raw):
            piece = raw["text"]
            if not piece:
                return []
            return [ops.reasoning(slot, piece) if raw.get("thought") else ops.text(slot, piece)]
        parts = parts_of([raw], self.calls)
        return ops.whole(slot, parts[0]) if parts else []


class ConverseView(ops.View):
    def __init__(self, inter: Interaction) -> None:
        super().__init__(inter)
        self.calls: dict[int, dict[str, Any]] = {}

    def step(self, chunk: Chunk, payload: Any) -> ops.Delta:
        if not isinstance(payload, dict):
            return []
        event = chunk.event
        raw_index = payload.get("contentBlockIndex", 0)
        slot = raw_index if isinstance(raw_index, int) else 0
        if event == "contentBlockStart":
            start = obj(payload.get("start"))
            use = start.get("toolUse")
            if isinstance(use, dict):
                self.calls[slot] = {"id": use.get("toolUseId"), "name": use.get("name"), "text": ""}
                return [ops.call(slot, use.get("toolUseId"), use.get("name"), new=True)]
        elif event == "contentBlockDelta":
            return self._delta(slot, obj(payload.get("delta")))
        elif event == "contentBlockStop":
            return self._complete(slot)
        elif event == "messageStop":
            return [self.finish(payload.get("stopReason"))]
        elif event == "metadata" and isinstance(payload.get("usage"), dict):
            return [ops.usage(payload["usage"], self.inter.usage)]
        return []

    def close(self) -> ops.Delta:
        return [op for slot in list(self.calls) for op in self._complete(slot)]

    def _delta(self, slot: int, delta: dict[str, Any]) -> ops.Delta:
        if isinstance(delta.get("text"), str):
            return [ops.text(slot, delta["text"])] if delta["text"] else []
        if isinstance(delta.get("toolUse"), dict):
            piece = str(delta["toolUse"].get("input", ""))
            call = self.calls.setdefault(slot, {"id": None, "name": None, "text": ""})
            call["text"] += piece
            return [ops.args(slot, piece)]
        rc = delta.get("reasoningContent")
        if isinstance(rc, dict):
            if "redactedContent" in rc:
                return [ops.part(slot, ReasoningPart("", redacted=True))]
            return [ops.reasoning(slot, str(rc.get("text", "")))]
        return []

    def _complete(self, slot: int) -> ops.Delta:
        call = self.calls.pop(slot, None)
        if call is None:
            return []
        return [ops.part(slot, tool_call(call["id"], call["name"], call["text"]))]


class OllamaView(ops.View):
    """Chat answers sit under `message`; `/api/generate` puts text in `response`."""

    _REASONING, _TEXT, _CALLS = 0, 1, 100

    def __init__(self, inter: Interaction) -> None:
        super().__init__(inter)
        self.calls = 0

    def step(self, chunk: Chunk, payload: Any) -> ops.Delta:
        if not isinstance(payload, dict):
            return []
        if "error" in payload:
            err = api_error(payload)
            return [ops.error(err.type, err.message)] if err is not None else []
        if self.inter.api == "ollama.generate":
            answer = {"content": payload.get("response"), "thinking": payload.get("thinking")}
        else:
            answer = obj(payload.get("message"))
        out: ops.Delta = []
        if isinstance(answer.get("thinking"), str) and answer["thinking"]:
            out.append(ops.reasoning(self._REASONING, answer["thinking"]))
        if isinstance(answer.get("content"), str) and answer["content"]:
            out.append(ops.text(self._TEXT, answer["content"]))
        for call in dicts(answer.get("tool_calls")):
            fn = obj(call.get("function"))
            part = tool_call(call.get("id"), fn.get("name"), fn.get("arguments") or {})
            out.extend(ops.whole(self._CALLS + self.calls, part))
            self.calls += 1
        if payload.get("done"):
            if payload.get("done_reason"):
                out.append(self.finish(payload["done_reason"]))
            metrics = {k: v for k, v in payload.items() if k.endswith(("_count", "_duration"))}
            out.append(ops.usage(metrics, self.inter.usage))
        return out


_V1_EVENTS = frozenset({"stream-start", "text-generation", "stream-end"})


class CohereView(ops.View):
    """Content blocks by index, then the tool plan, then tool calls by index."""

    _PLAN, _CALLS = 1000, 2000

    def __init__(self, inter: Interaction) -> None:
        super().__init__(inter)
        self.calls: dict[int, dict[str, Any]] = {}

    def step(self, chunk: Chunk, payload: Any) -> ops.Delta:
        if not isinstance(payload, dict):
            return []
        kind = payload.get("type") or payload.get("event_type") or chunk.event
        if kind in _V1_EVENTS:
            return self._v1(kind, payload)
        raw_index = payload.get("index")
        index = raw_index if isinstance(raw_index, int) else 0
        delta = obj(payload.get("delta"))
        msg = obj(delta.get("message"))
        if kind in ("content-start", "content-delta") and isinstance(msg.get("content"), dict):
            piece = msg["content"]
            for key in ("text", "thinking"):
                if isinstance(piece.get(key), str):
                    if not piece[key]:
                        return []
                    add = ops.reasoning if key == "thinking" else ops.text
                    return [add(index, piece[key])]
            return []
        if kind == "tool-plan-delta" and msg.get("tool_plan"):
            return [ops.text(self._PLAN, str(msg["tool_plan"]))]
        if kind in ("tool-call-start", "tool-call-delta"):
            return self._call(index, obj(msg.get("tool_calls")))
        if kind == "tool-call-end":
            return self._complete(index)
        if kind == "message-end":
            return self._end(delta)
        return []

    def _v1(self, kind: str, payload: dict[str, Any]) -> ops.Delta:
        """Cohere v1 chat/generate streams: text fragments, then one stream-end event."""
        if kind == "text-generation" and isinstance(payload.get("text"), str):
            return [ops.text(0, payload["text"])] if payload["text"] else []
        if kind == "stream-end":
            return self._end(payload)
        return []

    def _end(self, delta: dict[str, Any]) -> ops.Delta:
        out: ops.Delta = []
        if delta.get("finish_reason"):
            out.append(self.finish(delta["finish_reason"]))
        if isinstance(delta.get("usage"), dict):
            out.append(ops.usage(delta["usage"], self.inter.usage))
        return out

    def close(self) -> ops.Delta:
        return [op for index in list(self.calls) for op in self._complete(index)]

    def _call(self, index: int, call: dict[str, Any]) -> ops.Delta:
        fn = obj(call.get("function"))
        slot = self._CALLS + index
        out: ops.Delta = []
        cur = self.calls.get(index)
        if cur is None:
            cur = self.calls[index] = {"id": None, "name": None, "args": ""}
            out.append(ops.call(slot, new=True))
        if call.get("id") or fn.get("name"):
            cur["id"] = call.get("id") or cur["id"]
            cur["name"] = fn.get("name") or cur["name"]
            out.append(ops.call(slot, cur["id"], cur["name"]))
        piece = str(fn.get("arguments") or "")
        if piece:
            cur["args"] += piece
            out.append(ops.args(slot, piece))
        return out

    def _complete(self, index: int) -> ops.Delta:
        cur = self.calls.pop(index, None)
        if cur is None:
            return []
        return [ops.part(self._CALLS + index, tool_call(cur["id"], cur["name"], cur["args"]))]


class InvokeView(ops.View):
    """Bedrock InvokeModel: each chunk is read by the family its shape names."""

    def __init__(self, inter: Interaction) -> None:
        super().__init__(inter)
        self.anthropic = AnthropicView(inter)
        self.converse = ConverseView(inter)

    def step(self, chunk: Chunk, payload: Any) -> ops.Delta:
        if not isinstance(payload, dict):
            return []
        if "type" in payload and payload["type"] != "completion":  # Claude v2 text is flat
            out = self.anthropic.step(chunk, payload)
        elif chunk.event not in (None, "chunk") and isinstance(payload.get(chunk.event), dict):
            nova = Chunk(chunk.seq, chunk.event, chunk.data, chunk.kind, chunk.t_ms)
            out = self.converse.step(nova, payload[chunk.event])
        else:
            out = self._flat(payload)
        if isinstance(payload.get(METRICS_KEY), dict):
            out.append(ops.usage(payload[METRICS_KEY], self.inter.usage))
        return out

    def close(self) -> ops.Delta:
        return [*self.anthropic.close(), *self.converse.close()]

    def _flat(self, payload: dict[str, Any]) -> ops.Delta:
        """Titan, Llama, Mistral, Jamba...: text fragments of one answer, the stop reason at the
        end (OpenAI-shaped chunks keep both in their first choice)."""
        if "choices" in payload:
            piece, reason = choice_piece(payload)
            return [ops.text(0, piece), *([self.finish(reason)] if reason else [])]
        piece = flat_text(payload)
        out: ops.Delta = [ops.text(0, piece if isinstance(piece, str) else "")]
        outputs = payload.get("outputs")
        first_output = obj(outputs[0]) if isinstance(outputs, list) and outputs else {}
        reason = (
            payload.get("stop_reason")
            or payload.get("completionReason")
            or first_output.get("stop_reason")
        )
        if reason:
            out.append(self.finish(reason))
        return out
