"""Kinds of change: what a reviewer triages a pull request's cassettes by.

A re-record of hundreds of cassettes is reviewed by asking, in order of harm: did a call start
failing, did the tools or the calls to them change, did the model change, and only then did the
prose move. Each changed cassette gets the set of kinds its diff holds, and each kind a rank, so
the comment can count them over every cassette and put the serious ones first.
"""

from __future__ import annotations

from typing import Literal

from app.review.diff import CassetteDiff, InteractionDiff
from app.review.parts import MessageChange

Kind = Literal[
    "unreadable",
    "status",
    "tool_calls",
    "tools",
    "model",
    "finish",
    "prompts",
    "parameters",
    "answer",
    "usage",
    "added",
    "removed",
    "renamed",
    "volatile",
]

# Most serious first: the order of the details in a comment.
SEVERITY: tuple[Kind, ...] = (
    "unreadable",
    "status",
    "tool_calls",
    "tools",
    "model",
    "finish",
    "prompts",
    "parameters",
    "answer",
    "added",
    "removed",
    "usage",
    "renamed",
    "volatile",
)
# The rows of the comment's table, in the order a reader scans them.
LABELS: dict[Kind, str] = {
    "status": "status / errors",
    "model": "model",
    "tools": "tools offered",
    "tool_calls": "tool calls",
    "prompts": "prompts and system",
    "parameters": "request parameters",
    "finish": "finish reasons",
    "answer": "answer text",
    "usage": "usage / cost only",
    "volatile": "volatile only",
    "added": "added",
    "removed": "removed",
    "renamed": "renamed",
    "unreadable": "unreadable",
}
_FIELD_KINDS: dict[str, Kind] = {
    "status": "status",
    "error": "status",
    "model": "model",
    "finish_reason": "finish",
    "summary": "answer",
}
_TOOL_PARTS = frozenset({"tool_call", "tool_result"})


def rank(kinds: frozenset[Kind]) -> int:
    return min((SEVERITY.index(k) for k in kinds), default=len(SEVERITY))


def ordered(kinds: frozenset[Kind]) -> list[Kind]:
    return sorted(kinds, key=SEVERITY.index)


def _message_kinds(m: MessageChange) -> set[Kind]:
    prose: Kind = "answer" if m.where == "response" else "prompts"
    if not m.parts:  # a whole message added or removed
        return {"tool_calls" if m.role == "tool" else prose}
    return {"tool_calls" if p.type in _TOOL_PARTS else prose for p in m.parts}


def interaction_kinds(d: InteractionDiff) -> set[Kind]:
    if d.kind in ("added", "removed"):
        return {"prompts"}  # a request the model now gets, or no longer gets
    kinds: set[Kind] = {_FIELD_KINDS.get(f.field, "parameters") for f in d.fields}
    if d.tools:
        kinds.add("tools")
    for m in d.messages:
        kinds |= _message_kinds(m)
    kinds |= {"answer" if b.side == "response" else "parameters" for b in d.bodies}
    if d.kind == "changed" and not kinds and d.usage:
        kinds.add("usage")
    return kinds


def diff_kinds(diff: CassetteDiff) -> frozenset[Kind]:
    """The kinds of change in one diff; `volatile` or `usage` for a diff the same by meaning."""
    if diff.errors:
        return frozenset({"unreadable"})
    if diff.same:
        return frozenset({"usage" if diff.usage_moved else "volatile"})
    kinds: set[Kind] = set()
    for d in diff.changed:
        kinds |= interaction_kinds(d)
    return frozenset(kinds or {"usage"})


def describe(kinds: frozenset[Kind]) -> str:
    """`status / errors, tool calls`: the kinds as a reader sees them, most serious first."""
    return ", ".join(LABELS[k] for k in ordered(kinds))


__all__ = ["LABELS", "SEVERITY", "Kind", "describe", "diff_kinds", "interaction_kinds", "ordered"]
