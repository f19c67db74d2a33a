"""Comparing messages and their parts by meaning.

A message's meaning is its role and its parts with recorder noise taken out: tool-call ids,
which interaction it came from, the opaque text of redacted reasoning. Two messages with equal
signatures are the same message, whatever the bytes around them say.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from app.model import (
    CitationPart,
    MediaPart,
    Message,
    Part,
    ReasoningPart,
    RefusalPart,
    TextPart,
    Tool,
    ToolCallPart,
    ToolResultPart,
    UnknownPart,
)
from app.review.values import JsonChange, WordOp, json_diff, without_volatile, word_diff
from app.secrets import mask_keys, mask_keys_in_value

ChangeKind = Literal["added", "removed", "edited"]
T = TypeVar("T")

_SNIPPET = 120
# How far ahead `align` looks for a partner of an unmatched item: bounded, so two long runs of
# unrelated items cost a multiple of their length, not its square.
_LOOKAHEAD = 64


@dataclass(frozen=True, slots=True)
class ValueChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class PartChange:
    """One part added, removed or edited; `words` for text, `arguments` for a tool call's JSON."""

    change: ChangeKind
    type: str
    summary: str
    name: str | None = None
    words: tuple[WordOp, ...] = ()
    arguments: tuple[JsonChange, ...] = ()
    fields: tuple[ValueChange, ...] = ()


@dataclass(frozen=True, slots=True)
class MessageChange:
    """`where` is `input` (the request's messages) or `response`; `repeated_from` names the
    interaction that already showed this very change, since each request repeats the history."""

    change: ChangeKind
    where: Literal["input", "response"]
    role: str
    old_index: int | None
    new_index: int | None
    summary: str
    parts: tuple[PartChange, ...] = ()
    repeated_from: int | None = None


@dataclass(frozen=True, slots=True)
class ToolChange:
    change: ChangeKind
    name: str
    description: tuple[WordOp, ...] = ()
    parameters: tuple[JsonChange, ...] = ()


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def part_signature(part: Part) -> tuple[Any, ...]:
    if isinstance(part, TextPart | RefusalPart):
        return (part.type, part.text)
    if isinstance(part, ReasoningPart):
        return (part.type, "" if part.redacted else part.text, part.redacted)
    if isinstance(part, ToolCallPart):
        return (part.type, part.name, canonical(part.arguments))
    if isinstance(part, ToolResultPart):
        return (part.type, part.name, part.content, part.is_error)
    if isinstance(part, MediaPart):
        return (part.type, part.media_type, part.url)
    if isinstance(part, CitationPart):
        return (part.type, part.url, part.title, part.text)
    return (part.type, canonical(without_volatile(part.raw)))


def message_signature(message: Message) -> tuple[Any, ...]:
    return (message.role, *(part_signature(p) for p in message.parts))


def snippet(text: str, limit: int = _SNIPPET) -> str:
    flat = " ".join(mask_keys(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def part_summary(part: Part) -> str:
    if isinstance(part, TextPart | RefusalPart):
        return snippet(part.text)
    if isinstance(part, ReasoningPart):
        return "(redacted reasoning)" if part.redacted else snippet(part.text)
    if isinstance(part, ToolCallPart):
        return snippet(f"{part.name}({canonical(part.arguments)})")
    if isinstance(part, ToolResultPart):
        return snippet(f"{part.name or 'tool'} → {part.content}")
    if isinstance(part, MediaPart):
        return f"{part.type} ({part.media_type or 'unknown type'})"
    if isinstance(part, CitationPart):
        return snippet(f"source {part.title or ''} {part.url or ''}")
    return snippet(canonical(without_volatile(part.raw)))


def message_summary(message: Message) -> str:
    return " · ".join(part_summary(p) for p in message.parts) or "(empty)"


def _part_text(part: Part) -> str | None:
    if isinstance(part, TextPart | RefusalPart):
        return part.text
    if isinstance(part, ReasoningPart):
        return "" if part.redacted else part.text
    if isinstance(part, ToolResultPart):
        return part.content
    return None


def edit_part(old: Part, new: Part) -> PartChange:
    """Explain how two parts of the same type differ."""
    summary = part_summary(new)
    if isinstance(old, ToolCallPart) and isinstance(new, ToolCallPart):
        names = () if old.name == new.name else (ValueChange("name", old.name, new.name),)
        args = masked_changes(json_diff(old.arguments, new.arguments))
        return PartChange("edited", new.type, summary, new.name, arguments=args, fields=names)
    fields = [
        ValueChange(f, getattr(old, f), getattr(new, f))
        for f in ("name", "is_error", "redacted", "media_type", "url")
        if hasattr(old, f) and getattr(old, f) != getattr(new, f)
    ]
    old_text, new_text = _part_text(old), _part_text(new)
    words: tuple[WordOp, ...] = ()
    if old_text is not None and new_text is not None and old_text != new_text:
        words = masked_words(old_text, new_text)
    arguments: tuple[JsonChange, ...] = ()
    if isinstance(old, UnknownPart) and isinstance(new, UnknownPart):
        arguments = masked_changes(json_diff(without_volatile(old.raw), without_volatile(new.raw)))
    name = getattr(new, "name", None)
    return PartChange("edited", new.type, summary, name, words, arguments, tuple(fields))


def masked_words(old: str, new: str) -> tuple[WordOp, ...]:
    """A word diff with key-shaped secrets masked, since bodies and messages can hold them too."""
    return tuple(WordOp(w.op, mask_keys(w.text)) for w in word_diff(old, new))


def masked_changes(changes: tuple[JsonChange, ...]) -> tuple[JsonChange, ...]:
    return tuple(
        JsonChange(c.path, c.change, mask_keys_in_value(c.old), mask_keys_in_value(c.new))
        for c in changes
    )


def align(
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], Any],
    pairable: Callable[[T, T], bool],
) -> list[tuple[T | None, T | None, int | None, int | None]]:
    """Pair items of two sequences: equal keys first (in order), then pairable neighbours in
    each changed stretch, in order; the rest are added or removed."""
    out: list[tuple[T | None, T | None, int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(
        None, [key(x) for x in old], [key(x) for x in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [
                (old[i], new[j], i, j) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        j = j1
        for i in range(i1, i2):
            ahead = range(j, min(j2, j + _LOOKAHEAD))
            match = next((k for k in ahead if pairable(old[i], new[k])), None)
            if match is None:
                out.append((old[i], None, i, None))
                continue
            out += [(None, new[k], None, k) for k in range(j, match)]
            out.append((old[i], new[match], i, match))
            j = match + 1
        out += [(None, new[k], None, k) for k in range(j, j2)]
    return out


def diff_parts(old: Sequence[Part], new: Sequence[Part]) -> tuple[PartChange, ...]:
    changes: list[PartChange] = []
    for a, b, _, _ in align(old, new, part_signature, lambda x, y: x.type == y.type):
        if a is not None and b is not None:
            if part_signature(a) != part_signature(b):
                changes.append(edit_part(a, b))
        elif a is not None:
            changes.append(PartChange("removed", a.type, part_summary(a), getattr(a, "name", None)))
        elif b is not None:
            changes.append(PartChange("added", b.type, part_summary(b), getattr(b, "name", None)))
    return tuple(changes)


def diff_messages(
    old: Sequence[Message], new: Sequence[Message], where: Literal["input", "response"]
) -> list[MessageChange]:
    changes: list[MessageChange] = []
    for a, b, i, j in align(old, new, message_signature, lambda x, y: x.role == y.role):
        if a is not None and b is not None:
            if message_signature(a) != message_signature(b):
                parts = diff_parts(a.parts, b.parts)
                changes.append(
                    MessageChange("edited", where, b.role, i, j, message_summary(b), parts)
                )
        elif a is not None:
            changes.append(MessageChange("removed", where, a.role, i, None, message_summary(a)))
        elif b is not None:
            changes.append(MessageChange("added", where, b.role, None, j, message_summary(b)))
    return changes


def diff_tools(old: Sequence[Tool], new: Sequence[Tool]) -> tuple[ToolChange, ...]:
    before = {t.name: t for t in old}
    after = {t.name: t for t in new}
    changes: list[ToolChange] = [ToolChange("removed", n) for n in before if n not in after]
    for name, tool in after.items():
        prev = before.get(name)
        if prev is None:
            changes.append(ToolChange("added", name))
            continue
        desc = (
            masked_words(prev.description or "", tool.description or "")
            if prev.description != tool.description
            else ()
        )
        params = masked_changes(json_diff(prev.parameters, tool.parameters))
        if desc or params:
            changes.append(ToolChange("edited", name, desc, params))
    return tuple(changes)


__all__ = [
    "MessageChange",
    "PartChange",
    "ToolChange",
    "ValueChange",
    "align",
    "canonical",
    "diff_messages",
    "diff_parts",
    "diff_tools",
    "masked_changes",
    "masked_words",
    "message_signature",
    "message_summary",
    "snippet",
]
