"""Semantic comparison of two cassettes: what the model and the tools now do differently.

Re-recording a cassette rewrites ids, timestamps, durations, signatures and rate-limit headers
even when nothing that matters changed, so comparing bytes tells a reviewer nothing. This module
compares decoded Interactions instead, field by field, and answers with plain dataclasses whose
`to_json()` the CLI prints and a web page can render.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from app import model
from app.model import Cassette, Interaction, Usage
from app.review.bodies import header, summarize
from app.review.parts import (
    MessageChange,
    ToolChange,
    ValueChange,
    align,
    canonical,
    diff_messages,
    diff_tools,
    masked_changes,
    masked_words,
    message_signature,
    message_summary,
    snippet,
)
from app.review.values import (
    JsonChange,
    WordOp,
    json_diff,
    prose_without_ids,
    text_similarity,
    without_ids,
    without_volatile,
)
from app.secrets import mask_keys, mask_keys_in_value

InteractionKind = Literal["same", "changed", "added", "removed"]

_TOKEN_FIELDS = (
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
)
# Request and response facts compared as plain values; everything else about an interaction
# (ids, times, headers, chunk timing, raw bodies of decoded APIs) is recorder noise.
_FIELDS = ("method", "endpoint", "api", "model", "streaming", "status", "finish_reason", "error")
# Token counts that move by at most this fraction (or this many tokens) of the larger count are
# re-recording noise: providers recount cached and system tokens from one day to the next.
TOKEN_REL_TOL = 0.10
TOKEN_ABS_TOL = 3


# Request-body keys that hold what the decoders already compare as messages, tools and model.
_DECODED_KEYS = frozenset(
    {
        "messages",
        "input",
        "instructions",
        "contents",
        "systemInstruction",
        "system_instruction",
        "system",
        "tools",
        "toolConfig",
        "tool_config",
        "prompt",
        "message",
        "chat_history",
        "model",
        "modelId",
    }
)


@dataclass(frozen=True, slots=True)
class NumberDelta:
    name: str
    old: float | None
    new: float | None
    delta: float | None


@dataclass(frozen=True, slots=True)
class BodyChange:
    """Bodies compared as JSON without volatile keys: whole bodies of exchanges no decoder
    understood, and for decoded ones the request `parameters` beside messages and tools."""

    side: Literal["request", "response", "parameters"]
    json: tuple[JsonChange, ...] = ()
    words: tuple[WordOp, ...] = ()


@dataclass(frozen=True, slots=True)
class InteractionDiff:
    kind: InteractionKind
    old_index: int | None
    new_index: int | None
    label: str
    summary: str | None = None
    fields: tuple[ValueChange, ...] = ()
    tools: tuple[ToolChange, ...] = ()
    messages: tuple[MessageChange, ...] = ()
    bodies: tuple[BodyChange, ...] = ()
    usage: tuple[NumberDelta, ...] = ()
    prompt: str | None = None
    offered: tuple[str, ...] = ()
    parameters: Any = None

    @property
    def index(self) -> int:
        """The index readers refer to: the new one, or the old one for a removed interaction."""
        return self.new_index if self.new_index is not None else (self.old_index or 0)

    def to_json(self) -> Any:
        return model.to_json(self)


@dataclass(frozen=True, slots=True)
class FileError:
    """What could not be read on either side; a diff with errors is never "same"."""

    path: str
    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class CassetteDiff:
    old: str
    new: str
    same: bool
    interactions: tuple[InteractionDiff, ...] = ()
    usage: tuple[NumberDelta, ...] = ()
    errors: tuple[FileError, ...] = ()

    @property
    def changed(self) -> tuple[InteractionDiff, ...]:
        return tuple(d for d in self.interactions if d.kind != "same")

    @property
    def usage_moved(self) -> bool:
        """Token counts moved in some interaction, within the tolerance when `same`."""
        return any(_tokens(d.usage) for d in self.interactions)

    def usage_delta(self, name: str) -> float | None:
        return next((u.delta for u in self.usage if u.name == name), None)

    def to_json(self) -> Any:
        return model.to_json(self)


def diff_cassettes(old: Cassette, new: Cassette) -> CassetteDiff:
    """Align the interactions (by thread, in order, then by request similarity) and compare
    each pair.

    When a side could not be read at all there is nothing to align: the diff carries only the
    errors, rather than claiming every interaction of the other side was added or removed.
    """
    errors = tuple(FileError(c.path, e.message, e.line) for c in (old, new) for e in c.errors)
    if any(c.errors and not c.interactions for c in (old, new)):
        return CassetteDiff(old.path, new.path, False, errors=errors)
    pairs = align_interactions(old, new)
    seen: dict[str, int] = {}
    diffs = tuple(diff_interactions(a, b, seen) for a, b, _, _ in pairs)
    usage = tuple(_delta(n, _total(old, n), _total(new, n)) for n in (*_TOKEN_FIELDS, "cost_usd"))
    same = all(d.kind == "same" for d in diffs) and not errors
    return CassetteDiff(old.path, new.path, same, diffs, _nonzero(usage), errors)


Pair = tuple[Interaction | None, Interaction | None, int | None, int | None]


def align_interactions(old: Cassette, new: Cassette) -> list[Pair]:
    """Pair interactions within matching threads first (same label, in order), then the rest.

    A re-recorded agent run may interleave its side calls and sub-agents differently; pairing
    inside a thread keeps the title call compared with the title call, not with an agent turn.
    Pairs come back in recording order (the new side's, removed ones where they were).
    """
    pairs: list[Pair] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    new_threads: dict[str, list[tuple[int, ...]]] = {}
    for t in new.threads:
        new_threads.setdefault(t.label, []).append(t.interactions)
    old_at = {it.index: it for it in old.interactions}
    new_at = {it.index: it for it in new.interactions}
    for t in old.threads:
        candidates = new_threads.get(t.label)
        if not candidates:
            continue
        members_new = candidates.pop(0)
        for a, b, _, _ in align(
            [old_at[i] for i in t.interactions if i in old_at],
            [new_at[j] for j in members_new if j in new_at],
            request_key,
            _similar,
        ):
            if a is not None and b is not None:
                pairs.append((a, b, a.index, b.index))
                used_old.add(a.index)
                used_new.add(b.index)
    rest_old = [it for it in old.interactions if it.index not in used_old]
    rest_new = [it for it in new.interactions if it.index not in used_new]
    for a, b, _, _ in align(rest_old, rest_new, request_key, _similar):
        pairs.append((a, b, a.index if a else None, b.index if b else None))
    return sorted(pairs, key=_recording_order)


def _recording_order(pair: Pair) -> tuple[int, int]:
    _, _, i, j = pair
    return (j if j is not None else (i or 0), 0 if j is not None else 1)


def request_key(it: Interaction) -> str:
    """What makes two interactions the same request: method, endpoint, model and input."""
    messages = [message_signature(m) for m in it.messages]
    return canonical([it.method, _endpoint(it.url), it.model, messages])


def _similar(a: Interaction, b: Interaction) -> bool:
    score = 0.2 * (a.method == b.method) + 0.3 * (_endpoint(a.url) == _endpoint(b.url))
    score += 0.1 * (a.model == b.model)
    score += 0.4 * text_similarity(_input_text(a), _input_text(b))
    return score >= 0.5


def _input_text(it: Interaction) -> str:
    return "\n".join(message_summary(m) for m in it.messages)


def _endpoint(url: str) -> str:
    """Host and path, with generated ids in the path (`/v1/batches/batch_…`) as `{id}`."""
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{without_ids(parts.path)}"


def label(it: Interaction) -> str:
    path = urlsplit(it.url).path or it.url
    text = f"{it.method} {path}"
    return f"{text} ({it.model})" if it.model else text


def _value(it: Interaction, name: str) -> Any:
    if name == "endpoint":
        return _endpoint(it.url)
    if name == "error":
        return it.error.type if it.error else None
    return getattr(it, name)


def diff_interactions(
    old: Interaction | None, new: Interaction | None, seen: dict[str, int]
) -> InteractionDiff:
    """Compare one aligned pair; `seen` carries message changes already shown earlier."""
    if old is None or new is None:
        it = new or old
        assert it is not None
        kind: InteractionKind = "added" if new is not None else "removed"
        usage = _usage_deltas(None if kind == "added" else it.usage, it.usage if new else None)
        return InteractionDiff(
            kind,
            None if new is not None else it.index,
            it.index if new is not None else None,
            label(it),
            _describe(it),
            usage=usage,
            prompt=_prompt(it),
            offered=tuple(t.name for t in it.tools),
            parameters=mask_keys_in_value(_request_parameters(it)) or None,
        )
    fields = tuple(
        ValueChange(f, _value(old, f), _value(new, f))
        for f in _FIELDS
        if _value(old, f) != _value(new, f)
    )
    messages = diff_messages(old.messages, new.messages, "input")
    messages += diff_messages(
        [old.response] if old.response else [], [new.response] if new.response else [], "response"
    )
    messages = [_mark_repeat(m, new.index, seen) for m in messages]
    tools = diff_tools(old.tools, new.tools)
    tools += _definition_changes(old, new, {t.name for t in tools})
    bodies = _body_changes(old, new)
    usage = _usage_deltas(old.usage, new.usage)
    if _summary_key(old.summary) != _summary_key(new.summary):
        fields += (ValueChange("summary", _masked(old.summary), _masked(new.summary)),)
    meaningful = fields or messages or tools or bodies or _usage_meaningful(old.usage, new.usage)
    return InteractionDiff(
        "changed" if meaningful else "same",
        old.index,
        new.index,
        label(new),
        _describe(new),
        fields,
        tools,
        tuple(messages),
        bodies,
        usage,
    )


def _prompt(it: Interaction) -> str | None:
    """What an added request asks: its system text and its last input message."""
    system = [m for m in it.messages if m.role in ("system", "developer")]
    rest = [m for m in it.messages if m.role not in ("system", "developer")]
    shown = [f"system: {message_summary(system[0])}"] if system else []
    if rest:
        shown.append(f"{rest[-1].role}: {message_summary(rest[-1])}")
    return " · ".join(shown) or None


def _summary_key(text: str | None) -> str | None:
    return prose_without_ids(text) if text is not None else None


def _masked(text: str | None) -> str | None:
    return mask_keys(text) if text is not None else None


def _mark_repeat(change: MessageChange, index: int, seen: dict[str, int]) -> MessageChange:
    key = canonical([change.change, change.role, change.summary, model.to_json(change.parts)])
    first = seen.setdefault(key, index)
    if first == index:
        return change
    return MessageChange(
        change.change,
        change.where,
        change.role,
        change.old_index,
        change.new_index,
        change.summary,
        change.parts,
        repeated_from=first,
    )


def _describe(it: Interaction) -> str | None:
    if it.response is not None:
        return message_summary(it.response)
    if it.error is not None:
        return snippet(f"{it.error.type}: {it.error.message}")
    return snippet(it.summary) if it.summary else None


def _body_changes(old: Interaction, new: Interaction) -> tuple[BodyChange, ...]:
    if old.api != "unknown" or new.api != "unknown":
        return _parameter_changes(old, new)
    out: list[BodyChange] = []
    for side in ("request", "response"):
        a = getattr(old, f"{side}_body") or ""
        b = getattr(new, f"{side}_body") or ""
        ja, jb = _body_value(old, side, a), _body_value(new, side, b)
        if ja is not None and jb is not None:
            changes = json_diff(without_volatile(ja), without_volatile(jb))
            if changes:
                out.append(BodyChange(side, json=masked_changes(changes)))
        elif a != b:
            out.append(BodyChange(side, words=masked_words(a, b)))
    return tuple(out)


def _definitions(it: Interaction) -> dict[str, Any]:
    """Tool definitions as sent, by name: the decoded Tool keeps name, description and
    parameters, but a definition also has settings (`strict`, `cache_control`, `type`)."""
    body = _json_or_none(it.request_body or "")
    tools = body.get("tools") if isinstance(body, dict) else None
    out: dict[str, Any] = {}
    for tool in tools if isinstance(tools, list) else []:
        if not isinstance(tool, dict):
            continue
        fn = tool.get("function")
        name = fn.get("name") if isinstance(fn, dict) else tool.get("name")
        if isinstance(name, str):
            out[name] = without_volatile(tool)
    return out


def _definition_changes(
    old: Interaction, new: Interaction, reported: set[str]
) -> tuple[ToolChange, ...]:
    before, after = _definitions(old), _definitions(new)
    changes = []
    for name, definition in after.items():
        if name in reported or name not in before:
            continue
        found = json_diff(before[name], definition)
        if found:
            changes.append(ToolChange("edited", name, parameters=masked_changes(found)))
    return tuple(changes)


def _body_value(it: Interaction, side: str, text: str) -> Any:
    """A body as a comparable value: JSON, a multipart or binary summary, or None for text."""
    headers = it.request_headers if side == "request" else it.response_headers
    summary = summarize(text, header(headers, "content-type"))
    return summary if summary is not None else _json_or_none(text)


def _parameter_changes(old: Interaction, new: Interaction) -> tuple[BodyChange, ...]:
    """Request settings the decoders do not model (temperature, max_tokens, tool_choice...)."""
    a, b = _request_parameters(old), _request_parameters(new)
    if a is None or b is None:
        return ()
    changes = json_diff(a, b)
    return (BodyChange("parameters", json=masked_changes(changes)),) if changes else ()


def _request_parameters(it: Interaction) -> dict[str, Any] | None:
    body = _body_value(it, "request", it.request_body or "")
    if not isinstance(body, dict):
        return None
    kept: dict[str, Any] = without_volatile(
        {k: v for k, v in body.items() if k not in _DECODED_KEYS}
    )
    return kept


def _json_or_none(text: str) -> Any:
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _usage_deltas(old: Usage | None, new: Usage | None) -> tuple[NumberDelta, ...]:
    deltas = [
        _delta(n, _get(old, n), _get(new, n))
        for n in (*_TOKEN_FIELDS, "cost_usd")
        if _get(old, n) is not None or _get(new, n) is not None
    ]
    return _nonzero(tuple(deltas))


def _usage_meaningful(old: Usage | None, new: Usage | None) -> bool:
    """Token counts beyond the tolerance are meaning; a cost difference alone is meaning only
    when the provider reported it, since an estimate moves with the recording date and the
    price table."""
    if any(not _within(_get(old, n), _get(new, n)) for n in _TOKEN_FIELDS):
        return True
    reported = any(u is not None and u.cost_source == "reported" for u in (old, new))
    cost_old, cost_new = _get(old, "cost_usd") or 0.0, _get(new, "cost_usd") or 0.0
    return reported and abs(cost_new - cost_old) > TOKEN_REL_TOL * max(cost_old, cost_new)


def _within(old: float | None, new: float | None) -> bool:
    a, b = old or 0.0, new or 0.0
    return abs(a - b) <= max(TOKEN_ABS_TOL, TOKEN_REL_TOL * max(abs(a), abs(b)))


def _tokens(deltas: tuple[NumberDelta, ...]) -> bool:
    return any(d.delta for d in deltas if d.name in _TOKEN_FIELDS)


def _get(u: Usage | None, name: str) -> float | None:
    value = getattr(u, name) if u is not None else None
    return float(value) if isinstance(value, int | float) else None


def _total(c: Cassette, name: str) -> float | None:
    values = [_get(i.usage, name) for i in c.interactions]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _delta(name: str, old: float | None, new: float | None) -> NumberDelta:
    delta = None if old is None and new is None else (new or 0.0) - (old or 0.0)
    if delta is not None and name == "cost_usd":
        delta = round(delta, 10)
    return NumberDelta(name, old, new, delta)


def _nonzero(deltas: tuple[NumberDelta, ...]) -> tuple[NumberDelta, ...]:
    return tuple(d for d in deltas if d.delta or d.old != d.new)


__all__ = [
    "TOKEN_ABS_TOL",
    "TOKEN_REL_TOL",
    "BodyChange",
    "CassetteDiff",
    "FileError",
    "InteractionDiff",
    "JsonChange",
    "MessageChange",
    "NumberDelta",
    "ToolChange",
    "ValueChange",
    "WordOp",
    "diff_cassettes",
    "diff_interactions",
    "label",
    "masked_words",
    "request_key",
]
