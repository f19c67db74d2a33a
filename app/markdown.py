"""A conversation as Markdown, to paste into an issue, a pull request or an LLM chat.

A cassette reads in the order of its conversation, a heading per interaction where its messages
first appear and, when the cassette holds several threads (side calls, sub-agents), a heading
per thread above them.

The text a model wrote is mostly Markdown already, so it goes in as it is, with three
exceptions that matter once it is pasted somewhere that renders it: raw HTML (`<img onerror>`,
a stray `</details>`) is backslash-escaped, `@name` is put in a code span so nobody is
notified. Tool calls, tool results and anything not
understood go in fenced blocks whose fence is longer than any backtick run inside them, so
recorded backticks can never end a block early. Secrets come already masked: the decoded
model is masked as a whole (app.secrets.mask_interaction) before anything shows it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

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

_ROLE_TITLES = {
    "system": "System",
    "developer": "Developer",
    "user": "User",
    "assistant": "Assistant",
    "tool": "Tool",
}
# A fence opens a code block: three or more backticks or tildes at the start of a line.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
# What would become HTML (a tag, a comment, an entity) or notify someone (`@name`, `@org/team`).
_HTML = re.compile(r"<|&(?=#?[A-Za-z0-9]+;)")
_MENTION = re.compile(r"(?<![\w`/.])@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9][\w.-]*)?")


def cassette_markdown(cassette: Cassette) -> str:
    """The whole cassette: its conversation in order, under a line per interaction."""
    return _join(_cassette_blocks(cassette))


def interaction_markdown(cassette: Cassette, it: Interaction) -> str:
    """One interaction: the request's messages and the response."""
    return _join(_interaction_blocks(cassette, it))


def _cassette_blocks(c: Cassette) -> Iterator[str]:
    count = len(c.interactions)
    yield f"# {code(c.path)}"
    facts = f"{escape(c.format)} · {count} interaction{'' if count == 1 else 's'}"
    # One thread is the whole cassette: its heading would say nothing. With more, each thread
    # gets one and everything below it moves down a level.
    threads = {t.id: t for t in c.threads} if len(c.threads) > 1 else {}
    if threads:
        facts += f" · {len(threads)} threads"
    yield facts
    yield from _notes(c)
    level = "###" if threads else "##"
    by_index = {it.index: it for it in c.interactions}
    shown: set[int] = set()
    headed: set[int] = set()
    thread: int | None = None
    current: int | None = None
    for msg in c.conversation:
        if msg.thread is not None and msg.thread in threads and msg.thread != thread:
            thread, current = msg.thread, None
            yield _thread_heading(threads[msg.thread], again=msg.thread in headed)
            headed.add(msg.thread)
        if msg.interaction is not None and msg.interaction != current:
            current = msg.interaction
            it = by_index.get(current)
            if it is not None:
                shown.add(it.index)
                yield f"{level} {interaction_title(it)}"
        yield from message_blocks(msg, level + "#")
    rest = [it for it in c.interactions if it.index not in shown]
    if rest and threads:
        yield "## Other interactions"
    for it in rest:  # no messages of their own: embeddings, model lists, retries, errors
        yield f"{level} {interaction_title(it)}"
        yield from _outcome(it)


def _thread_heading(t: Thread, again: bool) -> str:
    text = f"## Thread {t.id}: {escape(t.label)}"
    if again:
        return text + " (continued)"
    if t.parent is not None:
        text += f" (branches off thread {t.parent.thread} after #{t.parent.interaction})"
    return text


def _interaction_blocks(c: Cassette, it: Interaction) -> Iterator[str]:
    yield f"# {interaction_title(it)}"
    yield f"In {code(c.path)}: {code(it.method + ' ' + it.url)}"
    thread = next((t for t in c.threads if t.id == it.thread), None)
    if thread is not None and len(c.threads) > 1:
        yield f"Thread {thread.id}: {escape(thread.label)}"
    if it.tools:
        yield "Tools offered: " + ", ".join(code(t.name) for t in it.tools)
    for msg in it.messages:
        yield from message_blocks(msg)
    if it.response is not None:
        yield from message_blocks(it.response)
    yield from _outcome(it)


def interaction_title(it: Interaction) -> str:
    """`#2 · openai.chat · gpt-4o · 200 · 1,024 in / 80 out tokens`: what a reader scans for."""
    facts = [f"#{it.index}", escape(it.api)]
    if it.model:
        facts.append(code(it.model))
    if it.status is not None:
        facts.append(str(it.status))
    if it.streaming:
        facts.append("streamed")
    if it.usage is not None:
        facts.append(_usage(it.usage))
    if it.finish_reason:
        facts.append(f"finish: {it.finish_reason}")
    if it.retry_of is not None:
        facts.append(f"retry of #{it.retry_of}")
    return " · ".join(facts)


def _usage(u: Usage) -> str:
    def n(v: int | None) -> str:
        return "?" if v is None else f"{v:,}"

    text = f"{n(u.input_tokens)} in / {n(u.output_tokens)} out tokens"
    if u.cost_usd is not None:
        text += f" · ${u.cost_usd:.6f} ({u.cost_source})"
    return text


def _outcome(it: Interaction) -> Iterator[str]:
    if it.summary:
        yield escape(it.summary)
    if it.error is not None:
        yield f"**Error** {code(it.error.type)}: {escape(it.error.message)}"


def _notes(c: Cassette) -> Iterator[str]:
    for note in c.errors:
        yield f"**Error:** {escape(note.message)}"
    for note in c.warnings:
        yield f"**Warning:** {escape(note.message)}"


def message_blocks(msg: Message, level: str = "###") -> Iterator[str]:
    yield f"{level} {_ROLE_TITLES.get(msg.role, escape(msg.role))}"
    for part in msg.parts:
        yield from part_blocks(part)


def part_blocks(part: Part) -> Iterator[str]:
    if isinstance(part, TextPart):
        yield text(part.text)
    elif isinstance(part, ReasoningPart):
        body = "(redacted by the provider)" if part.redacted else text(part.text)
        yield f"<details><summary>Reasoning</summary>\n\n{body}\n\n</details>"
    elif isinstance(part, RefusalPart):
        yield f"**Refusal:** {text(part.text)}"
    elif isinstance(part, ToolCallPart):
        ident = f" ({code(part.id)})" if part.id else ""
        yield f"**Tool call** {code(part.name)}{ident}"
        if part.arguments_error:
            yield f"Arguments are not valid JSON ({escape(part.arguments_error)}):"
            yield fenced(str(part.arguments))
        else:
            yield fenced(_json(part.arguments), "json")
    elif isinstance(part, ToolResultPart):
        name = part.name or part.tool_call_id
        of = f" of {code(name)}" if name else ""
        yield f"**Tool result**{of}{' (error)' if part.is_error else ''}"
        yield _result_block(part.content)
    elif isinstance(part, MediaPart):
        where = code(part.url) if part.url else "inline data, not repeated"
        yield f"*{part.type}* {escape(part.media_type or '')} ({where})"
    elif isinstance(part, CitationPart):
        where = code(part.url) if part.url else ""
        quote = f": “{text(part.text)}”" if part.text else ""
        yield f"**Source** {escape(part.title or '')} {where}{quote}".replace("  ", " ")
    elif isinstance(part, UnknownPart):
        yield "**Not understood**, kept as recorded:"
        yield fenced(_json(part.raw), "json")


def _result_block(content: str) -> str:
    """A tool result that is JSON is shown pretty-printed; any other text as it is."""
    try:
        value = json.loads(content)
    except ValueError:
        return fenced(content)
    if isinstance(value, (dict, list)):
        return fenced(_json(value), "json")
    return fenced(content)


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def fenced(body: str, info: str = "") -> str:
    """A fenced code block no backtick run inside `body` can close."""
    longest = max((len(m) for m in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body.rstrip(chr(10))}\n{fence}"


def code(value: str) -> str:
    """An inline code span holding `value` whatever backticks it contains, on one line."""
    value = " ".join(value.split()) or " "
    longest = max((len(m) for m in _BACKTICKS.findall(value)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{ticks}{pad}{value}{pad}{ticks}"


def text(recorded: str) -> str:
    """Recorded Markdown as it is, made safe to render: see the module's docstring."""
    return "\n".join(_safe_lines(recorded.split("\n")))


def escape(recorded: str) -> str:
    """One line of recorded words (an error message, a summary) for a Markdown line."""
    return _safe_inline(" ".join(recorded.split()))


def _safe_lines(lines: Iterable[str]) -> Iterator[str]:
    """Lines of Markdown, code blocks left alone (nothing renders inside them)."""
    fence: str | None = None
    for line in lines:
        opening = _FENCE.match(line)
        if fence is not None:
            if (
                opening is not None
                and opening[1][0] == fence[0]
                and len(opening[1]) >= len(fence)
                and not line.strip(fence[0] + " ")
            ):
                fence = None
            yield line
        elif opening is not None:
            fence = opening[1]
            yield line
        else:
            yield _safe_inline(line)


def _safe_inline(line: str) -> str:
    """Escape HTML and mentions outside the line's code spans."""
    out: list[str] = []
    pos = 0
    while pos < len(line):
        start = line.find("`", pos)
        if start < 0:
            break
        run = _BACKTICKS.match(line, start)
        assert run is not None
        close = re.compile(rf"(?<!`){run[0]}(?!`)").search(line, run.end())
        if close is None:  # an unmatched run is literal text
            out.append(_escape_prose(line[pos : run.end()]))
            pos = run.end()
            continue
        out += [_escape_prose(line[pos:start]), line[start : close.end()]]
        pos = close.end()
    out.append(_escape_prose(line[pos:]))
    return "".join(out)


def _escape_prose(words: str) -> str:
    words = _HTML.sub(lambda m: "\\" + m[0], words)
    return _MENTION.sub(lambda m: f"`{m[0]}`", words)


def _join(blocks: Iterable[str]) -> str:
    return "\n\n".join(b for b in blocks if b) + "\n"


__all__ = ["cassette_markdown", "code", "fenced", "interaction_markdown", "text"]
