"""Drawing a CassetteDiff as plain text or Markdown, short enough for a terminal or a PR comment.

The diff becomes a small outline (`Item`s) once; the two styles only differ in how they mark
code, insertions and deletions, so both outputs always say the same thing. Every list is capped
and says how many items it left out.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from app.review.diff import CassetteDiff, InteractionDiff, NumberDelta
from app.review.parts import MessageChange, PartChange, ToolChange, ValueChange
from app.review.values import JsonChange, WordOp

_VALUE_LIMIT = 80
_CONTEXT_WORDS = 6
# A text edit that keeps less than this share of its characters, over at least _LONG_WORDS
# words, is shown as a before/after excerpt: interleaved deletions and insertions of a rewrite
# are unreadable.
_REWRITE_KEPT = 0.5
_LONG_WORDS = 40
_EXCERPT_WORDS = 30
_RUN_CHARS = 400
# Control characters (a newline in a file name ends an HTML block) become visible escapes.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# `@name` and `#123` notify people and link issues on GitHub; a word joiner after the sign
# keeps the text as it reads and stops the link.
_MENTION = re.compile(r"([@#])(?=[A-Za-z0-9_])")


@dataclass(slots=True)
class Item:
    text: str
    children: list[Item] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Style:
    """How one output marks inline things; `cap` bounds every list of items."""

    code: Callable[[str], str]
    ins: Callable[[str], str]
    dele: Callable[[str], str]
    esc: Callable[[str], str]
    cap: int = 12


def visible(text: str) -> str:
    """Control characters as `\\n`, `\\x1b`...: one line, and nothing a terminal or a
    Markdown parser acts on."""
    return _CONTROL.sub(lambda m: _control_name(m.group()), text)


def _control_name(char: str) -> str:
    names = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return names.get(char, f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def unlinked(text: str) -> str:
    return _MENTION.sub("\\1\u2060", text)


def md_escape(text: str) -> str:
    """Recorded text as inline Markdown that renders as itself: markup characters escaped,
    HTML as text, one line, mentions and issue references unlinked."""
    text = re.sub(r"([\\`*_\[\]|~])", r"\\\1", visible(text))
    # What starts a block at the start of a line (`# `, `- `, `+ `, `= `, `1. `); a fragment
    # may be the start of a line, so its first character is escaped.
    text = re.sub(r"^([#+\-=])", r"\\\1", text)
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return unlinked(text)


def md_code(text: str) -> str:
    """A code span whose fence is longer than any run of backticks inside, so it always closes;
    GitHub neither links mentions nor reads HTML inside one."""
    text = visible(text)
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_text(text: str) -> str:
    """Recorded text inside raw HTML (`<summary>`): escaped, one line, mentions unlinked."""
    return unlinked(html.escape(visible(text), quote=True))


def _marked(mark: str, text: str) -> str:
    """`**text**` with the whitespace moved outside the markers: a run that starts or ends
    with a space is not emphasis in GFM and shows its markers literally."""
    inner = text.strip()
    if not inner:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{mark}{md_escape(inner)}{mark}{trail}"


TEXT = Style(
    code=visible,
    ins=lambda s: "{+" + visible(s) + "+}",
    dele=lambda s: "[-" + visible(s) + "-]",
    esc=visible,
    cap=1000,
)
MARKDOWN = Style(
    code=md_code,
    ins=lambda s: _marked("**", s),
    dele=lambda s: _marked("~~", s),
    esc=md_escape,
)


def short(value: Any, limit: int = _VALUE_LIMIT, as_json: bool = False) -> str:
    plain = isinstance(value, str) and not as_json
    text = value if plain else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def signed(n: float, money: bool = False) -> str:
    sign = "+" if n > 0 else "-" if n < 0 else "±"
    if not money:
        return f"{sign}{abs(n):,.0f}"
    digits = 4 if abs(n) >= 0.0001 or n == 0 else 6
    return f"{sign}${abs(n):.{digits}f}"


def usage_text(deltas: Iterable[NumberDelta]) -> str:
    """`+120 tokens, +$0.0010`: total tokens (or input+output) and cost, the figures people scan."""
    by = {d.name: d.delta for d in deltas if d.delta is not None}
    tokens = by.get("total_tokens")
    if tokens is None and ("input_tokens" in by or "output_tokens" in by):
        tokens = by.get("input_tokens", 0.0) + by.get("output_tokens", 0.0)
    out = []
    if tokens:
        out.append(f"{signed(tokens)} tokens")
    if by.get("cost_usd"):
        out.append(signed(by["cost_usd"], money=True))
    return ", ".join(out)


def words_text(ops: Iterable[WordOp], style: Style) -> str:
    """Changed words with a few words of context; long unchanged stretches become `…`; a long
    text mostly rewritten becomes a before/after excerpt."""
    ops = list(ops)
    rewrite = _rewrite(ops, style)
    if rewrite is not None:
        return rewrite
    out: list[str] = []
    for i, op in enumerate(ops):
        text = _squeeze(op.text) if op.op == "equal" else _clip(_squeeze(op.text))
        if op.op == "insert":
            out.append(style.ins(text))
        elif op.op == "delete":
            out.append(style.dele(text))
        else:
            out.append(style.esc(_context(text, first=i == 0, last=i == len(ops) - 1)))
    return "".join(out).strip()


def _clip(text: str) -> str:
    """A long inserted or deleted run keeps its two ends, whole words, edges as they were."""
    words = text.split(" ")
    if len(text) <= _RUN_CHARS or len(words) <= 2 * _EXCERPT_WORDS:
        return text
    return " ".join([*words[:_EXCERPT_WORDS], "…", *words[-_EXCERPT_WORDS // 2 :]])


def _rewrite(ops: list[WordOp], style: Style) -> str | None:
    kept = sum(len(o.text) for o in ops if o.op == "equal")
    old = "".join(o.text for o in ops if o.op != "insert")
    new = "".join(o.text for o in ops if o.op != "delete")
    longest = max(len(old), len(new), 1)
    if kept / longest >= _REWRITE_KEPT or max(len(old.split()), len(new.split())) < _LONG_WORDS:
        return None
    before, after = _excerpt(old), _excerpt(new)
    counts = f"{len(old.split()):,} → {len(new.split()):,} words"
    return f"rewritten ({counts}): before {style.code(before)} after {style.code(after)}"


def _excerpt(text: str) -> str:
    words = text.split()
    shown = " ".join(words[:_EXCERPT_WORDS])
    return shown + (" …" if len(words) > _EXCERPT_WORDS else "")


def _squeeze(text: str) -> str:
    """Whitespace runs become one space, keeping a space at either edge where there was one."""
    inner = " ".join(text.split())
    if not inner:
        return " "
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")


def _context(text: str, first: bool, last: bool) -> str:
    words = text.split(" ")
    n = _CONTEXT_WORDS
    if len(words) <= 2 * n + 1:
        return text
    if first:
        return "… " + " ".join(words[-n:])
    if last:
        return " ".join(words[:n]) + " …"
    return " ".join(words[:n]) + " … " + " ".join(words[-n:])


def json_item(c: JsonChange, style: Style) -> Item:
    old, new = style.code(short(c.old, as_json=True)), style.code(short(c.new, as_json=True))
    if c.change == "added":
        return Item(f"{style.code(c.path)} added: {new}")
    if c.change == "removed":
        return Item(f"{style.code(c.path)} removed (was {old})")
    return Item(f"{style.code(c.path)}: {old} → {new}")


def value_item(v: ValueChange, style: Style) -> Item:
    return Item(f"{v.field}: {style.code(short(v.old))} → {style.code(short(v.new))}")


def part_item(p: PartChange, style: Style) -> Item:
    what = f"tool call {style.code(p.name or '?')}" if p.type == "tool_call" else p.type
    if p.change != "edited":
        return Item(f"{what} {p.change}: {style.esc(p.summary)}")
    if p.words and not p.fields and not p.arguments:
        return Item(f"{what}: {words_text(p.words, style)}")
    if p.arguments and not p.fields and not p.words:
        label = "arguments" if p.type == "tool_call" else "content"
        return Item(f"{what} {label} changed", [json_item(c, style) for c in p.arguments])
    item = Item(f"{what} edited")
    item.children += [value_item(v, style) for v in p.fields]
    item.children += [json_item(c, style) for c in p.arguments]
    if p.words:
        item.children.append(Item(words_text(p.words, style)))
    return item


def message_item(m: MessageChange, style: Style) -> Item:
    index = m.new_index if m.new_index is not None else m.old_index
    where = "response" if m.where == "response" else f"input message {index}"
    head = f"{where} ({m.role}) {m.change}"
    if m.repeated_from is not None:
        return Item(f"{head}: same change as in interaction {m.repeated_from}")
    if m.change != "edited":
        return Item(f"{head}: {style.esc(m.summary)}")
    parts = [part_item(p, style) for p in m.parts]
    one = m.parts[0] if len(m.parts) == 1 else None
    if one is not None and one.type == "text" and one.change == "edited" and one.words:
        return Item(f"{head}: {words_text(m.parts[0].words, style)}")  # one line for one edit
    return Item(head, parts)


def tool_item(t: ToolChange, style: Style) -> Item:
    item = Item(f"tool definition {style.code(t.name)} {t.change}")
    if t.description:
        item.children.append(Item("description: " + words_text(t.description, style)))
    item.children += [json_item(c, style) for c in t.parameters]
    return item


def interaction_item(d: InteractionDiff, style: Style) -> Item:
    item = Item(f"interaction {d.index} {style.code(d.label)}: {d.kind}")
    if d.kind in ("added", "removed"):
        if d.prompt:
            item.children.append(Item("prompt: " + style.esc(d.prompt)))
        if d.offered:
            names = ", ".join(style.code(n) for n in d.offered[: style.cap])
            more = f" and {len(d.offered) - style.cap} more" if len(d.offered) > style.cap else ""
            item.children.append(Item(f"tools offered: {names}{more}"))
        if d.parameters:
            item.children.append(Item("parameters: " + style.code(short(d.parameters))))
        if d.summary:
            item.children.append(Item("response: " + style.esc(d.summary)))
    else:
        item.children += [value_item(v, style) for v in d.fields]
        item.children += [tool_item(t, style) for t in d.tools]
        item.children += [message_item(m, style) for m in d.messages]
        for b in d.bodies:
            what = "request parameters" if b.side == "parameters" else f"{b.side} body"
            body = Item(f"{what} changed", [json_item(c, style) for c in b.json])
            if b.words:
                body.children.append(Item(words_text(b.words, style)))
            item.children.append(body)
    usage = usage_text(d.usage)
    if usage:
        item.children.append(Item(f"usage: {usage}"))
    return item


def cassette_items(diff: CassetteDiff, style: Style) -> list[Item]:
    if diff.same:
        usage = usage_text(diff.usage) if diff.usage_moved else ""
        return [Item("same by meaning" + (f"; usage only: {usage}" if usage else ""))]
    items = [Item(f"cannot read {style.esc(e.path)}: {style.esc(e.message)}") for e in diff.errors]
    items += [interaction_item(d, style) for d in diff.changed]
    usage = usage_text(diff.usage)
    if usage:
        items.append(Item(f"total: {usage}"))
    return items


def render_within(items: list[Item], markdown: bool, cap: int, max_lines: int) -> list[str]:
    """Top-level items whole, while they fit in `max_lines`; then how many were left out."""
    lines: list[str] = []
    for n, item in enumerate(items):
        block = render([item], markdown, cap)
        if lines and len(lines) + len(block) >= max_lines:
            bullet = "- " if markdown else ""
            lines.append(f"{bullet}… {len(items) - n} more (see `tapedeck diff`)")
            break
        lines += block
    return lines


def render(items: list[Item], markdown: bool, cap: int, depth: int = 0) -> list[str]:
    """Outline -> lines; each list keeps `cap` items and says how many more there were."""
    lines: list[str] = []
    indent = "  " * depth
    bullet = "- " if markdown else ""
    shown = items if len(items) <= cap else items[: cap - 1]
    for item in shown:
        lines.append(f"{indent}{bullet}{item.text}")
        lines += render(item.children, markdown, cap, depth + 1)
    if len(shown) < len(items):
        lines.append(f"{indent}{bullet}… {len(items) - len(shown)} more")
    return lines


def diff_text(diff: CassetteDiff) -> str:
    head = [f"--- {diff.old}", f"+++ {diff.new}"]
    return "\n".join(head + render(cassette_items(diff, TEXT), False, TEXT.cap, 0))


def diff_markdown(diff: CassetteDiff) -> str:
    head = f"{md_code(diff.old)} → {md_code(diff.new)}"
    return "\n".join([head, "", *render(cassette_items(diff, MARKDOWN), True, MARKDOWN.cap)])


__all__ = [
    "MARKDOWN",
    "TEXT",
    "Item",
    "Style",
    "cassette_items",
    "diff_markdown",
    "diff_text",
    "html_text",
    "md_code",
    "md_escape",
    "render",
    "render_within",
    "signed",
    "unlinked",
    "usage_text",
    "visible",
]
