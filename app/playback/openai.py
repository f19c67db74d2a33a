"""OpenAI Chat Completions and Responses streams read one chunk at a time for the player.

Chat: the decoder lists reasoning, then content, then a refusal, then tool calls, whatever order
their deltas came in, so each gets a band of slots in that order. Structured
`reasoning_details` win over the plain reasoning string (as in the decoder): when the first
detail arrives the plain part is removed. Tool calls stay open (raw argument text) until the
stream ends, the only point at which Chat Completions says a call is complete.

Responses: items are numbered by `output_index` and grow through many event types, so this view
drives the decoder's own fold (app.apis.openai_responses_stream) and, after each event, compares
the touched item's parts with what it showed before: text that only grew becomes an append,
anything else a replacement. The terminal event's output is what the decoder keeps, so it is
compared the same way and the message ends exactly as decoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from app.apis import openai_responses
from app.apis.chat_parts import StreamEvent, api_error, as_dict, as_int, dicts, text_of, tool_call
from app.apis.citations import citation_parts
from app.apis.openai_chat import call_position, chat_usage, content_parts, url_citations
from app.apis.openai_legacy import stream_choices
from app.apis.openai_responses_items import item_parts
from app.apis.openai_responses_stream import Fold
from app.model import Chunk, Interaction, Part, ReasoningPart, UnknownPart, to_json
from app.playback import ops

# Chat slot bands, in the decoder's part order.
_DETAILS, _REASONING, _CONTENT, _REFUSAL, _CALLS = 100, 1000, 2000, 3000, 4000
_AUDIO, _TRANSCRIPT = 3500, 3501  # a spoken answer: its clip, then its transcript
_PLAIN = ("reasoning_content", "reasoning")
_APPEND = {"text": ops.text, "reasoning": ops.reasoning, "refusal": ops.refusal}


def _first_choice(payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Entries for choice 0 only: the decoder shows the first of `n` alternatives."""
    return (c for c in dicts(payload.get("choices")) if (as_int(c.get("index")) or 0) == 0)


class ChatView(ops.View):
    def __init__(self, inter: Interaction) -> None:
        super().__init__(inter)
        self.strings: dict[str, list[str]] = {}
        self.shown: str | None = None  # which plain reasoning string is shown, if any
        self.details: dict[tuple[Any, Any], dict[str, Any]] = {}
        self.content: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.slot: dict[int, int] = {}
        self.cited = 0  # sources shown, from SOURCES_SLOT on
        self.spoken = False  # audio deltas came: the clip arrives whole at the end

    def step(self, chunk: Chunk, payload: Any) -> ops.Delta:
        if not isinstance(payload, dict):
            return []
        out: ops.Delta = []
        for choice in _first_choice(payload):
            delta = choice.get("delta")
            if isinstance(delta, dict):
                out.extend(self._delta(delta))
            if choice.get("finish_reason"):
                out.append(self.finish(choice["finish_reason"]))
        use = payload.get("usage")
        raw = use if isinstance(use, dict) else as_dict(payload.get("x_groq")).get("usage")
        if isinstance(raw, dict):
            out.append(ops.usage(raw, chat_usage(raw)))
        err = api_error(payload)
        if err is not None:
            out.append(ops.error(err.type, err.message))
        return out

    def close(self) -> ops.Delta:
        out = [
            ops.part(_CALLS + pos, tool_call(c["id"], c["name"], c["args"]))
            for pos, c in enumerate(self.calls)
        ]
        answer = self.inter.response.parts if self.inter.response is not None else ()
        clip = next((p for p in answer if p.type == "audio"), None)
        if self.spoken and clip is not None:  # the decoder joined the PCM pieces into one clip
            out.append(ops.part(_AUDIO, clip))
        return out

    def _delta(self, delta: dict[str, Any]) -> ops.Delta:
        out: ops.Delta = []
        content = delta.get("content")
        for item in content if isinstance(content, list) else [content]:
            out.extend(self._content(item))
        for det in dicts(delta.get("reasoning_details")):
            out.extend(self._detail(det))
        out.extend(self._plain_reasoning(delta))
        if isinstance(delta.get("refusal"), str) and delta["refusal"]:
            out.append(ops.refusal(_REFUSAL, delta["refusal"]))
        for item in dicts(delta.get("tool_calls")):
            out.extend(self._call(item))
        if isinstance(delta.get("function_call"), dict):
            out.extend(self._call({"index": 0, "function": delta["function_call"]}))
        if delta.get("annotations"):
            out.extend(self._annotations(delta["annotations"]))
        audio = delta.get("audio")
        if isinstance(audio, dict):
            self.spoken = True
            if isinstance(audio.get("transcript"), str) and audio["transcript"]:
                out.append(ops.text(_TRANSCRIPT, audio["transcript"]))
        return out

    def _annotations(self, raw: Any) -> ops.Delta:
        """The latest `annotations` replace earlier ones, as in the decoder's fold."""
        parts = citation_parts(url_citations(raw))
        out = [ops.part(ops.SOURCES_SLOT + i, p) for i, p in enumerate(parts)]
        out.extend(ops.remove(ops.SOURCES_SLOT + i) for i in range(len(parts), self.cited))
        self.cited = len(parts)
        return out

    def _plain_reasoning(self, delta: dict[str, Any]) -> ops.Delta:
        """`reasoning_content` wins over `reasoning` when both come; details win over both.
        Pieces are kept as lists so a long stream stays linear."""
        grew = [k for k in _PLAIN if isinstance(delta.get(k), str) and delta[k]]
        for key in grew:
            self.strings.setdefault(key, []).append(delta[key])
        if not grew or self.details:
            return []
        winner = _PLAIN[0] if self.strings.get(_PLAIN[0]) else _PLAIN[1]
        if winner not in grew:
            return []
        piece = delta[winner]
        if self.shown != winner and self.shown is not None:  # the other string was shown
            piece = "".join(self.strings[winner])
            self.shown = winner
            return [ops.remove(_REASONING), ops.reasoning(_REASONING, piece)]
        self.shown = winner
        return [ops.reasoning(_REASONING, piece)]

    def _content(self, item: Any) -> ops.Delta:
        """Consecutive text (or thinking) fragments join into one part, as in the decoder."""
        if item is None or item == "":
            return []
        if isinstance(item, str):
            item = {"type": "text", "text": item}
        if not isinstance(item, dict):
            self.content.append({"type": "unknown"})
            return ops.whole(_CONTENT + len(self.content) - 1, UnknownPart(item))
        kind = item.get("type")
        piece = text_of(item.get("thinking") if kind == "thinking" else item.get("text"))
        last = self.content[-1] if self.content else None
        if not (last is not None and kind in ("text", "thinking") and last.get("type") == kind):
            self.content.append({"type": kind})
            if kind not in ("text", "thinking"):
                parts = content_parts([item])
                return ops.whole(_CONTENT + len(self.content) - 1, parts[0]) if parts else []
        slot = _CONTENT + len(self.content) - 1
        if not piece:
            return []
        return [ops.reasoning(slot, piece) if kind == "thinking" else ops.text(slot, piece)]

    def _detail(self, det: dict[str, Any]) -> ops.Delta:
        if self.shown is not None:  # details win over the plain string
            self.shown = None
            out: ops.Delta = [ops.remove(_REASONING)]
        else:
            out = []
        key = (det.get("index"), det.get("type"))
        cur = self.details.get(key)
        slot = _DETAILS + (list(self.details).index(key) if cur is not None else len(self.details))
        if cur is None:
            cur = self.details[key] = dict(det)
        else:
            for name, value in det.items():
                if name in ("text", "summary", "data") and isinstance(value, str):
                    cur[name] = (cur.get(name) or "") + value
                elif value is not None:
                    cur[name] = value
        kind = cur.get("type")
        if kind == "reasoning.encrypted":
            return [*out, ops.part(slot, ReasoningPart("", redacted=True))]
        if kind in ("reasoning.text", "reasoning.summary"):
            field = "text" if kind == "reasoning.text" else "summary"
            piece = det.get(field)
            return [*out, ops.reasoning(slot, piece)] if isinstance(piece, str) and piece else out
        return [*out, ops.part(slot, UnknownPart(cur))]

    def _call(self, item: dict[str, Any]) -> ops.Delta:
        fn = as_dict(item.get("function"))
        new_id = item.get("id")
        pos, new = call_position(item, self.slot, self.calls)
        out: ops.Delta = []
        if new:
            self.calls.append({"id": new_id or None, "name": fn.get("name") or "", "args": ""})
            out.append(ops.call(_CALLS + pos, new_id, fn.get("name"), new=True))
        else:
            cur = self.calls[pos]
            changed = {k: v for k, v in (("id", new_id), ("name", fn.get("name"))) if v}
            if any(cur[k] != v for k, v in changed.items()):
                cur.update(changed)
                out.append(ops.call(_CALLS + pos, changed.get("id"), changed.get("name")))
        cur = self.calls[pos]
        if new_id:
            cur["id"] = new_id
        if fn.get("name"):
            cur["name"] = fn["name"]
        value = fn.get("arguments")
        if isinstance(value, str):
            cur["args"] += value
            if value:
                out.append(ops.args(_CALLS + pos, value))
        elif value is not None:  # the whole arguments as an object
            cur["args"] = json.dumps(value)
            out.append(ops.args(_CALLS + pos, cur["args"], replace=True))
        return out


class CompletionsView(ops.View):
    """Legacy completions: the first choice's text fragments, one text part from its first chunk."""

    def step(self, chunk: Chunk, payload: Any) -> ops.Delta:
        if not isinstance(payload, dict):
            return []
        out: ops.Delta = []
        for choice in stream_choices(payload):
            if (as_int(choice.get("index")) or 0) != 0:
                continue  # the decoder shows the first of `n` alternatives
            piece = choice.get("text")
            out.append(ops.text(0, piece if isinstance(piece, str) else ""))
            if choice.get("finish_reason"):
                out.append(self.finish(choice["finish_reason"]))
        if isinstance(payload.get("usage"), dict):
            out.append(ops.usage(payload["usage"], chat_usage(payload["usage"])))
        err = api_error(payload)
        if err is not None:
            out.append(ops.error(err.type, err.message))
        return out


# Responses: `{item}.delta` events that grow a call's input, shown as raw argument text.
_ARG_EVENTS = frozenset(
    {
        "response.function_call_arguments.delta",
        "response.custom_tool_call_input.delta",
        "response.mcp_call_arguments.delta",
        "response.code_interpreter_call_code.delta",
    }
)
# Items whose input streams as text: shown as an open call from the moment they are added.
_STREAMED_CALLS = frozenset(
    {"function_call", "custom_tool_call", "mcp_call", "code_interpreter_call"}
)
_TERMINAL = frozenset({"response.completed", "response.incomplete", "response.failed"})
_PER_ITEM = 1000
_OPEN: dict[str, Any] = {"type": "tool_call", "open": True}


class ResponsesView(ops.View):
    def __init__(self, inter: Interaction) -> None:
        super().__init__(inter)
        self.fold = Fold()
        self.shown: dict[int, list[dict[str, Any]]] = {}  # output index -> parts shown
        self.names: dict[str, str] = {}

    def step(self, chunk: Chunk, payload: Any) -> ops.Delta:
        is_json = isinstance(payload, dict)
        self.fold.step(StreamEvent(chunk.seq, chunk.event, chunk.data, payload, is_json))
        if not isinstance(payload, dict):
            return []
        name = str(payload.get("type") or chunk.event or "")
        index = payload.get("output_index")
        out: ops.Delta = []
        if name in _ARG_EVENTS and isinstance(index, int):
            piece = str(payload.get("delta") or "")
            if self.shown.get(index) != [_OPEN]:
                self.shown[index] = [_OPEN]
                out.append(ops.call(index * _PER_ITEM, *self._call_id_name(index), new=True))
            return [*out, ops.args(index * _PER_ITEM, piece)] if piece else out
        if name == "response.output_item.added" and isinstance(index, int):
            item = self.fold.items.get(index, {})
            if item.get("type") in _STREAMED_CALLS:
                self.shown[index] = [_OPEN]
                return [ops.call(index * _PER_ITEM, *self._call_id_name(index), new=True)]
        if isinstance(index, int) and index in self.fold.items:
            out.extend(self._show(index, item_parts(self.fold.items[index], self.names)[1]))
        if name in _TERMINAL:
            out.extend(self._terminal(payload))
        elif name == "error":
            err = as_dict(payload.get("error")) or payload
            kind = str(err.get("code") or err.get("type") or "error")
            out.append(ops.error(kind, str(err.get("message") or "")))
        return out

    def close(self) -> ops.Delta:
        """A stream cut before its terminal event ends with the items as they were folded."""
        if self.fold.final:
            return []
        out: ops.Delta = []
        for index, item in sorted(self.fold.items.items()):
            out.extend(self._show(index, item_parts(item, self.names)[1]))
        return out

    def _call_id_name(self, index: int) -> tuple[Any, Any]:
        item = self.fold.items.get(index, {})
        return item.get("call_id") or item.get("id"), item.get("name")

    def _terminal(self, payload: dict[str, Any]) -> ops.Delta:
        resp = as_dict(payload.get("response"))
        output = resp.get("output")
        out: ops.Delta = []
        if isinstance(output, list) and output:
            names: dict[str, str] = {}
            final = {i: item_parts(item, names)[1] for i, item in enumerate(dicts(output))}
            for index in sorted(set(final) | set(self.shown)):
                out.extend(self._show(index, final.get(index, [])))
        if resp.get("status"):
            out.append(self.finish(resp["status"]))
        raw = resp.get("usage")
        if isinstance(raw, dict):
            out.append(ops.usage(raw, openai_responses.usage(raw)))
        err = resp.get("error")
        if isinstance(err, dict):
            kind = str(err.get("code") or err.get("type") or "error")
            out.append(ops.error(kind, str(err.get("message") or "")))
        return out

    def _show(self, index: int, parts: list[Part]) -> ops.Delta:
        """Ops from what item `index` showed to `parts`: appends where text only grew."""
        old = self.shown.get(index, [])
        new = [to_json(p) for p in parts]
        self.shown[index] = new
        base = index * _PER_ITEM
        out: ops.Delta = []
        for j, cur in enumerate(new):
            prev = old[j] if j < len(old) else None
            if prev == cur:
                continue
            kind = cur["type"]
            if (
                prev is not None
                and kind in _APPEND
                and prev.get("type") == kind
                and prev.get("redacted") == cur.get("redacted")
                and cur["text"].startswith(prev["text"])
            ):
                out.append(_APPEND[kind](base + j, cur["text"][len(prev["text"]) :]))
            elif kind == "tool_call" and (prev is None or prev.get("type") != "tool_call"):
                out.extend(ops.whole(base + j, parts[j]))
            else:
                out.append(ops.part(base + j, parts[j]))
        out.extend(ops.remove(base + j) for j in range(len(new), len(old)))
        return out
