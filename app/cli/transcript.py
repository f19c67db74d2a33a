"""Plain-text rendering of a cassette for the terminal: who said what, in order."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator

from app.model import (
    Cassette,
    CitationPart,
    Interaction,
    MediaPart,
    Message,
    Part,
    ReasoningPart,
    RefusalPart,
    TextPart,
    Thread,
    ToolCallPart,
    ToolResultPart,
    UnknownPart,
    Usage,
)


def cassette_lines(c: Cassette) -> Iterator[str]:
    """Thread by thread: a header, then each interaction with the messages it added."""
    yield f"{c.path}  ({c.format}, {len(c.interactions)} interactions)"
    for w in c.warnings:
        yield f"warning: {w.message}"
    by_index = {it.index: it for it in c.interactions}
    added: dict[tuple[int | None, int | None], list[Message]] = {}
    for msg in c.conversation:
        added.setdefault((msg.thread, msg.interaction), []).append(msg)
    for thread in c.threads:
        yield ""
        yield thread_header(thread)
        for n in thread.interactions:
            it = by_index.get(n)
            if it is None:
                continue
            yield ""
            yield interaction_header(it)
            for msg in added.get((thread.id, n), ()):
                yield from message_lines(msg)
            yield from _outcome_lines(it)
    others = [it for it in c.interactions if it.thread is None]
    if others:
        yield ""
        yield f"══ Not in a thread: {len(others)} interaction{'' if len(others) == 1 else 's'}"
        for it in others:
            yield ""
            yield interaction_header(it)
            yield from _outcome_lines(it)


def thread_header(t: Thread) -> str:
    calls = len(t.interactions)
    text = f"══ Thread {t.id}: {t.label} · {calls} call{'' if calls == 1 else 's'}"
    if t.parent is not None:
        text += f" · forked from thread {t.parent.thread} after #{t.parent.interaction}"
    return text


def _outcome_lines(it: Interaction) -> Iterator[str]:
    if it.summary:
        yield f"  {it.summary}"
    if it.error is not None:
        yield f"  error: {it.error.type}: {it.error.message}"


def interaction_lines(it: Interaction) -> Iterator[str]:
    yield interaction_header(it)
    for msg in it.messages:
        yield from message_lines(msg)
    if it.response is not None:
        yield from message_lines(it.response)
    if it.summary:
        yield f"  {it.summary}"
    if it.error is not None:
        yield f"error: {it.error.type}: {it.error.message}"
    for w in it.warnings:
        yield f"warning: {w.message}"


def interaction_header(it: Interaction) -> str:
    bits = [f"#{it.index} {it.method} {it.url}"]
    if it.status is not None:
        bits.append(f"-> {it.status}")
    facts = [it.api]
    if it.model:
        facts.append(it.model)
    if it.streaming:
        facts.append(f"streamed ({len(it.chunks)} chunks)")
    if it.duration_ms is not None:
        facts.append(f"{it.duration_ms / 1000:.2f} s")
    if it.usage is not None:
        facts.append(usage_text(it.usage))
    if it.finish_reason:
        facts.append(f"finish: {it.finish_reason}")
    if it.retry_of is not None:
        facts.append(f"retry of #{it.retry_of}")
    return "── " + " ".join(bits) + " · " + " · ".join(facts)


def usage_text(u: Usage) -> str:
    def n(v: int | None) -> str:
        return "?" if v is None else f"{v:,}"

    text = f"{n(u.input_tokens)} in / {n(u.output_tokens)} out tokens"
    if u.cost_usd is not None:
        text += f" · ${u.cost_usd:.6f} ({u.cost_source})"
    return text


def message_lines(msg: Message) -> Iterator[str]:
    label = f"{msg.role}:"
    for part in msg.parts:
        for i, line in enumerate(part_lines(part)):
            yield f"{label:<11}{line}" if i == 0 else f"{'':<11}{line}"
        label = ""


def part_lines(part: Part) -> list[str]:
    if isinstance(part, TextPart):
        return _wrap(part.text)
    if isinstance(part, ReasoningPart):
        if part.redacted:
            return ["[reasoning, redacted]"]
        return ["[reasoning] " + line for line in _wrap(part.text)]
    if isinstance(part, RefusalPart):
        return ["[refusal] " + line for line in _wrap(part.text)]
    if isinstance(part, ToolCallPart):
        args = part.arguments if isinstance(part.arguments, str) else json.dumps(part.arguments)
        ident = f" [id {part.id}]" if part.id else ""
        return [f"→ tool call {part.name}({_cut(args)}){ident}"]
    if isinstance(part, ToolResultPart):
        mark = " (error)" if part.is_error else ""
        head = f"← result of {part.name or part.tool_call_id or '?'}{mark}: "
        body = _wrap(part.content)
        return [head + (body[0] if body else ""), *body[1:]]
    if isinstance(part, MediaPart):
        return [f"[{part.type} {part.media_type or ''} {part.url or '(inline data)'}]"]
    if isinstance(part, CitationPart):
        quote = f" “{_cut(part.text)}”" if part.text else ""
        return [f"[source] {part.title or ''} {part.url or ''}{quote}".replace("  ", " ")]
    if isinstance(part, UnknownPart):
        return ["[not understood] " + json.dumps(part.raw)[:200]]
    return []


# What one part may print: a 50 MB one-line answer or an 8 MB base64 tool result is cut, with
# a note, so `show` costs the same on it as on a page of text (`--json` prints everything).
PART_CHARS = 20_000
PART_LINES = 200


def _wrap(text: str, width: int = 100) -> list[str]:
    shown = text[:PART_CHARS]
    out: list[str] = []
    used = 0
    for para in shown.splitlines() or [""]:
        if len(out) >= PART_LINES:
            break
        out.extend(textwrap.wrap(para, width) or [""])
        used += len(para) + 1
    if len(out) > PART_LINES or used < len(text):
        out = out[:PART_LINES]
        left = max(len(text) - used, 0)
        out.append(f"[… {left:,} more characters not shown; `tapedeck show --json` has them all]")
    return out


def _cut(text: str) -> str:
    if len(text) <= PART_CHARS:
        return text
    return f"{text[:PART_CHARS]}[… {len(text) - PART_CHARS:,} more characters not shown]"
