"""Two conversations side by side, message by message, with what changed marked in place.

app.review.diff answers per interaction, and every request repeats the history before it. A
reader of two conversations wants each message once: this aligns the stitched conversations of
both cassettes with the same alignment and part comparison app.review.diff uses, and gives each
row a left and a right side made of word segments (deleted words only on the left, inserted only
on the right), so the template draws both columns from plain lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from app.model import Message, Part, ReasoningPart, RefusalPart, TextPart, ToolResultPart
from app.review.parts import (
    ValueChange,
    align,
    edit_part,
    message_signature,
    message_summary,
    part_signature,
    part_summary,
)
from app.review.values import JsonChange, WordOp
from app.secrets import mask_keys

RowKind = Literal["same", "edited", "added", "removed"]


@dataclass(frozen=True, slots=True)
class PartRow:
    """One part of a message, as each side shows it; `arguments` are a tool call's JSON paths."""

    kind: RowKind
    type: str
    name: str | None
    old: tuple[WordOp, ...] = ()
    new: tuple[WordOp, ...] = ()
    arguments: tuple[JsonChange, ...] = ()
    fields: tuple[ValueChange, ...] = ()


@dataclass(frozen=True, slots=True)
class MessageRow:
    kind: RowKind
    role: str
    old_index: int | None
    new_index: int | None
    old_interaction: int | None
    new_interaction: int | None
    summary: str
    parts: tuple[PartRow, ...] = field(default_factory=tuple)


def _full_text(part: Part) -> str:
    """Text parts whole (masked); other parts by their one-line summary."""
    if isinstance(part, TextPart | RefusalPart):
        return mask_keys(part.text)
    if isinstance(part, ReasoningPart) and not part.redacted:
        return mask_keys(part.text)
    if isinstance(part, ToolResultPart):
        return mask_keys(part.content)
    return part_summary(part)


def _one_side(part: Part, kind: Literal["added", "removed"]) -> PartRow:
    op = WordOp("insert" if kind == "added" else "delete", _full_text(part))
    name = getattr(part, "name", None)
    if kind == "added":
        return PartRow(kind, part.type, name, new=(op,))
    return PartRow(kind, part.type, name, old=(op,))


def _part_rows(old: Message, new: Message) -> tuple[PartRow, ...]:
    rows: list[PartRow] = []
    for a, b, _, _ in align(old.parts, new.parts, part_signature, lambda x, y: x.type == y.type):
        if a is not None and b is not None:
            if part_signature(a) == part_signature(b):
                same = (WordOp("equal", part_summary(a)),)
                rows.append(PartRow("same", a.type, getattr(a, "name", None), same, same))
                continue
            change = edit_part(a, b)
            if change.words:
                left = tuple(w for w in change.words if w.op != "insert")
                right = tuple(w for w in change.words if w.op != "delete")
            else:
                left = (WordOp("equal", part_summary(a)),)
                right = (WordOp("equal", change.summary),)
            rows.append(
                PartRow("edited", b.type, change.name, left, right, change.arguments, change.fields)
            )
        elif a is not None:
            rows.append(_one_side(a, "removed"))
        elif b is not None:
            rows.append(_one_side(b, "added"))
    return tuple(rows)


def side_by_side(old: tuple[Message, ...], new: tuple[Message, ...]) -> list[MessageRow]:
    """Every message of both conversations once, paired; unchanged ones keep a summary only."""
    rows: list[MessageRow] = []
    for a, b, i, j in align(old, new, message_signature, lambda x, y: x.role == y.role):
        if a is not None and b is not None:
            kind: RowKind = "same" if message_signature(a) == message_signature(b) else "edited"
            parts = _part_rows(a, b) if kind == "edited" else ()
            rows.append(
                MessageRow(
                    kind, b.role, i, j, a.interaction, b.interaction, message_summary(b), parts
                )
            )
        elif a is not None:
            parts = tuple(_one_side(p, "removed") for p in a.parts)
            summary = message_summary(a)
            rows.append(MessageRow("removed", a.role, i, None, a.interaction, None, summary, parts))
        elif b is not None:
            parts = tuple(_one_side(p, "added") for p in b.parts)
            summary = message_summary(b)
            rows.append(MessageRow("added", b.role, None, j, None, b.interaction, summary, parts))
    return rows


def counts(rows: list[MessageRow]) -> dict[str, int]:
    out = {"same": 0, "edited": 0, "added": 0, "removed": 0}
    for row in rows:
        out[row.kind] += 1
    return out


__all__ = ["MessageRow", "PartRow", "counts", "side_by_side"]
