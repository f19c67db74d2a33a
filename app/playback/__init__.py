"""Stream playback: what each chunk of a streamed answer changed, when it came, and the agent loop
of a whole cassette.

`chunk_deltas(interaction)` reads every chunk through its API's *view* (a small per-API table
below; see app.playback_ops for the op vocabulary) and returns, per chunk, the ops it caused.
Applying all of them in order rebuilds exactly the decoded `interaction.response`: the tests hold
every streamed fixture and sample to that. A view that trips over one odd chunk leaves that chunk
without ops rather than failing the page.

Time is never invented: `time_basis` says whether chunk offsets were recorded ("recorded"),
spread evenly over the recorded duration ("estimated"), or unknown ("position": only order).

`kinds` summarises each chunk as one character so a page can embed 20,000 of them: the code
point minus 48 is a bit mask of what the chunk did (`KIND_BITS`). The player colours a mark by
its most telling kind (an error before a call start before text; usage, which rides along on
many chunks, last) and jumps by any bit, without fetching chunk data.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson

from app.cache import SizedCache, page_cache_bytes
from app.conversation import context
from app.model import Cassette, Chunk, Interaction, Part, ToolCallPart, ToolResultPart, to_json
from app.playback import ops
from app.playback.anthropic import AnthropicView
from app.playback.native import CohereView, ConverseView, GeminiView, InvokeView, OllamaView
from app.playback.openai import ChatView, CompletionsView, ResponsesView
from app.playback.realtime import RealtimeView

TimeBasis = Literal["recorded", "estimated", "position"]

VIEWS: dict[str, Callable[[Interaction], ops.View]] = {
    "openai.chat": ChatView,
    "openai.responses": ResponsesView,
    "openai.completions": CompletionsView,
    "anthropic.messages": AnthropicView,
    "bedrock.invoke": InvokeView,
    "gemini.generate": GeminiView,
    "bedrock.converse": ConverseView,
    "ollama.chat": OllamaView,
    "ollama.generate": OllamaView,
    "cohere.chat": CohereView,
    "openai.realtime": RealtimeView,
}

# Bits of a chunk's kind mask (static/player.js has the same table).
KIND_BITS: dict[str, int] = {
    "text": 1,
    "reasoning": 2,
    "args": 4,
    "usage": 8,
    "finish": 16,
    "tool_start": 32,
    "error": 64,
}
# What each op, and each decoder chunk kind, contributes to a mask.
_OP_BITS = {
    op: KIND_BITS[kind]
    for op, kind in (
        ("text", "text"),
        ("refusal", "text"),
        ("reasoning", "reasoning"),
        ("args", "args"),
        ("usage", "usage"),
        ("finish", "finish"),
        ("error", "error"),
    )
}
_CHUNK_BITS = {
    "text": KIND_BITS["text"],
    "reasoning": KIND_BITS["reasoning"],
    "tool_call": KIND_BITS["args"],
    "usage": KIND_BITS["usage"],
    "finish": KIND_BITS["finish"],
    "error": KIND_BITS["error"],
}


class WholeAtEnd(ops.View):
    """For APIs with no view of their own: the chunks step by as they came, and the decoded
    message arrives whole with the last one, so the player never shows a wrong answer."""

    def close(self) -> ops.Delta:
        it = self.inter
        out: ops.Delta = []
        if it.response is not None:
            for slot, part in enumerate(it.response.parts):
                out += ops.whole(slot * 10, part)
        if it.usage is not None:
            out.append(ops.usage(it.usage.raw, to_json(it.usage)))
        if it.finish_reason_raw is not None or it.finish_reason is not None:
            out.append(ops.finish(it.finish_reason, it.finish_reason_raw))
        return out


def chunk_deltas(inter: Interaction) -> list[ops.Delta]:
    """Per chunk, the ops it caused; the end of the stream's implied ops go on the last chunk."""
    if not inter.chunks:
        return []
    view = VIEWS.get(inter.api, WholeAtEnd)(inter)
    out: list[ops.Delta] = []
    for chunk in inter.chunks:
        try:
            delta = view.step(chunk, _payload(chunk.data))
        except Exception:  # one odd chunk must not cost the reader the rest of the stream
            delta = []
        if chunk.kind == "error" and not any(op["op"] == "error" for op in delta):
            delta = [*delta, *_error_only(chunk, inter)]
        out.append(delta)
    with contextlib.suppress(Exception):  # as above: keep what was read
        out[-1] = [*out[-1], *view.close()]
    return out


# Bounded by bytes like the page caches (app.cache): one stream of a long run can hold many MB.
_CACHE: SizedCache[int, tuple[Interaction, list[ops.Delta]]] = SizedCache(page_cache_bytes)


def cached_deltas(inter: Interaction) -> list[ops.Delta]:
    """`chunk_deltas`, remembered for the interactions being played: the index hands out
    the same decoded objects while a file is unchanged, and a long stream's deltas take a
    noticeable moment to compute. The interaction is kept with its entry, so an id is never
    reused for another object while cached."""
    key = id(inter)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is inter:
        return hit[1]
    deltas = chunk_deltas(inter)
    _CACHE.put(key, (inter, deltas), deltas_weight(inter, deltas))
    return deltas


def deltas_weight(inter: Interaction, deltas: list[ops.Delta]) -> int:
    """Bytes an entry keeps alive: the interaction's text (its chunks twice: as read, and as
    the deltas' pieces) and a little per chunk and per step."""
    chunks = sum(2 * len(c.data) + 300 for c in inter.chunks)
    bodies = len(inter.request_body or "") + len(inter.response_body or "")
    return 1000 + chunks + bodies + 200 * sum(len(d) for d in deltas)


def _payload(data: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        try:  # what orjson refuses (NaN, huge integers) the decoders' json module may accept
            return json.loads(data)
        except ValueError:
            return None


def _error_only(chunk: Chunk, inter: Interaction) -> ops.Delta:
    """An error event: the error the decoder kept when it has one, else the event's own text."""
    if chunk.kind != "error":
        return []
    if inter.error is not None:
        return [ops.error(inter.error.type, inter.error.message)]
    return [ops.error(chunk.event or "error", chunk.data[:500])]


def kind_mask(chunk: Chunk, delta: ops.Delta) -> int:
    mask = _CHUNK_BITS.get(chunk.kind, 0)
    for op in delta:
        mask |= _OP_BITS.get(op["op"], 0)
        if op["op"] == "call" and op.get("new"):
            mask |= KIND_BITS["tool_start"]
        elif op["op"] == "part" and op["part"].get("type") in ("text", "refusal"):
            mask |= KIND_BITS["text"]
        elif op["op"] == "part" and op["part"].get("type") == "reasoning":
            mask |= KIND_BITS["reasoning"]
    return mask


def kinds(inter: Interaction, deltas: Sequence[ops.Delta] | None = None) -> str:
    deltas = chunk_deltas(inter) if deltas is None else deltas
    return "".join(chr(48 + kind_mask(c, d)) for c, d in zip(inter.chunks, deltas, strict=True))


def time_basis(inter: Interaction) -> TimeBasis:
    if inter.chunks and all(c.t_ms is not None for c in inter.chunks):
        return "recorded"
    if inter.chunks and inter.duration_ms is not None and inter.duration_ms > 0:
        return "estimated"
    return "position"


def estimated_ms(inter: Interaction, seq: int) -> float | None:
    """Chunk `seq` placed evenly over the recorded duration, the last one at its end."""
    if time_basis(inter) != "estimated" or inter.duration_ms is None:
        return None
    return round(inter.duration_ms * (seq + 1) / len(inter.chunks), 3)


def offsets_ms(inter: Interaction) -> list[int] | None:
    """Recorded offsets rounded to whole ms for the page (None unless recorded)."""
    if time_basis(inter) != "recorded":
        return None
    return [round(c.t_ms or 0.0) for c in inter.chunks]


def state_json(state: ops.State) -> dict[str, Any]:
    """Applier state as JSON: slots become `[slot, part]` pairs (JSON keys are strings)."""
    return {**state, "parts": [[slot, p] for slot, p in sorted(state["parts"].items())]}


@dataclass(frozen=True)
class Window:
    total: int
    offset: int
    chunks: list[dict[str, Any]]
    time_basis: TimeBasis
    before: dict[str, Any]
    # The message of the thread this stream answers (see `reply_json`), null outside a thread.
    reply_to: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "offset": self.offset,
            "chunks": self.chunks,
            "time_basis": self.time_basis,
            "before": self.before,
            "reply_to": self.reply_to,
        }


def reply_json(cassette: Cassette, index: int) -> dict[str, Any] | None:
    """`{message, interaction, role, text}`: the thread's message right before this call's
    answer (`message` is its position in the conversation, the page's `#m-N`)."""
    found = context.reply_to(cassette, index)
    if found is None:
        return None
    pos, msg = found
    parts = [msg.text] if msg.text else [_part_preview(p) for p in msg.parts]
    return {
        "message": pos,
        "interaction": msg.interaction,
        "role": msg.role,
        "text": _preview(" ".join(p for p in parts if p)),
    }


def _part_preview(part: Part) -> str:
    if isinstance(part, ToolResultPart):
        return f"{part.name or 'tool'} result: {part.content}"
    if isinstance(part, ToolCallPart):
        return f"{part.name}(…)"
    return ""


def window(inter: Interaction, deltas: Sequence[ops.Delta], offset: int, limit: int) -> Window:
    """Chunks `offset .. offset+limit` with their deltas, and the message as it stood before
    `offset`, so a player can open anywhere in a long stream with one request."""
    total = len(inter.chunks)
    offset = max(0, min(offset, total))
    end = min(total, offset + max(0, limit))
    state = ops.new_state()
    for delta in deltas[:offset]:
        ops.apply(state, delta)
    rows = [
        {
            "seq": c.seq,
            "event": c.event,
            "data": c.data,
            "kind": c.kind,
            "t_ms": c.t_ms,
            "t_estimated_ms": estimated_ms(inter, i),
            "delta": deltas[i],
        }
        for i, c in enumerate(inter.chunks[offset:end], start=offset)
    ]
    return Window(total, offset, rows, time_basis(inter), state_json(state))


# Chunks per window of the chunk API; the player fetches windows of this size.
WINDOW = 500


def player_data(inter: Interaction, inline: bool = False) -> dict[str, Any]:
    """What the interaction page embeds for the player: counts, kinds, times, and (for a static
    export, `inline`) every chunk with its delta so no API is needed."""
    deltas = cached_deltas(inter)
    data: dict[str, Any] = {
        "total": len(inter.chunks),
        "kinds": kinds(inter, deltas),
        "time_basis": time_basis(inter),
        "offsets_ms": offsets_ms(inter),
        "duration_ms": inter.duration_ms,
        "window": WINDOW,
        "final": {"finish": inter.finish_reason, "error": inter.error is not None},
    }
    if inline:
        data["inline"] = window(inter, deltas, 0, len(inter.chunks)).chunks
    return data


def final_parts(deltas: Sequence[ops.Delta]) -> list[dict[str, Any]]:
    state = ops.new_state()
    for delta in deltas:
        ops.apply(state, delta)
    return ops.message_parts(state)


# ---- the agent loop of a cassette ------------------------------------------------------------


def _preview(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None


def _results(inter: Interaction | None) -> dict[str | None, ToolResultPart]:
    found: dict[str | None, ToolResultPart] = {}
    for msg in inter.messages if inter is not None else ():
        for p in msg.parts:
            if isinstance(p, ToolResultPart):
                found[p.tool_call_id] = p
    return found


def agent_timeline(cassette: Cassette, window: range | None = None) -> dict[str, Any]:
    """The cassette as an agent loop: each model call, the tools it asked for, and what each
    tool answered (read from the next request of its thread, where a client sends results back).
    `gap_ms` is the recorded time between a call's end and the next call's start. `window`: the
    steps worked out (a page's window); the totals count every call."""
    items = cassette.interactions
    by_index = {it.index: it for it in items}
    follows: dict[int, int] = {}  # each call -> the next call of its thread, where results go
    for t in cassette.threads:
        follows.update(zip(t.interactions, t.interactions[1:], strict=False))
    steps: list[dict[str, Any]] = []
    for i, inter in enumerate(items):
        if window is not None and i not in window:
            continue
        nxt = items[i + 1] if i + 1 < len(items) else None
        later = follows.get(inter.index)
        results = _results(by_index.get(later) if later is not None else nxt)
        parts = inter.response.parts if inter.response is not None else ()
        calls = []
        for p in parts:
            if not isinstance(p, ToolCallPart):
                continue
            res = results.get(p.id) if p.id is not None else None
            calls.append(
                {
                    "id": p.id,
                    "name": p.name,
                    "arguments": _preview(p.arguments),
                    "result": None if res is None else _preview(res.content),
                    "result_error": res.is_error if res is not None else False,
                }
            )
        text = inter.response.text if inter.response is not None else ""
        steps.append(
            {
                "index": inter.index,
                "api": inter.api,
                "model": inter.model,
                "status": inter.status,
                "duration_ms": inter.duration_ms,
                "streaming": inter.streaming,
                "chunks": len(inter.chunks),
                "finish_reason": inter.finish_reason,
                "error": inter.error.message if inter.error is not None else None,
                "text": _preview(text) if text else (inter.summary or ""),
                "reasoning": any(p.type == "reasoning" for p in parts),
                "calls": calls,
                "gap_ms": _gap_ms(inter, nxt),
            }
        )
    recorded = [it.duration_ms for it in items if it.duration_ms is not None]
    longest = max(recorded, default=0.0)
    for s in steps:  # bar length in tenths of the longest call, for the template's classes
        d = s["duration_ms"]
        s["bar"] = None if d is None or longest <= 0 else max(1, round(10 * d / longest))
    return {
        "steps": steps,
        "count": len(items),
        "total_duration_ms": sum(recorded) if recorded else None,
        "tool_calls": sum(
            1
            for it in items
            if it.response is not None
            for p in it.response.parts
            if isinstance(p, ToolCallPart)
        ),
    }


def _gap_ms(inter: Interaction, nxt: Interaction | None) -> float | None:
    start, after = _when(inter.recorded_at), _when(nxt.recorded_at if nxt else None)
    if start is None or after is None or inter.duration_ms is None:
        return None
    try:
        gap = (after - start).total_seconds() * 1000 - inter.duration_ms
    except TypeError:  # one stamp has a zone and the other not
        return None
    return round(gap, 1) if gap >= 0 else None


__all__ = [
    "KIND_BITS",
    "VIEWS",
    "Window",
    "agent_timeline",
    "cached_deltas",
    "chunk_deltas",
    "final_parts",
    "kinds",
    "offsets_ms",
    "player_data",
    "reply_json",
    "time_basis",
    "window",
]
