"""A Review drawn for people: a pull-request comment built for triage, and terminal text.

A bulk re-record changes hundreds of cassettes, and the reviewer's question is "which of these
matter?". So the comment opens with a headline and a table counting every changed cassette by
kind of change, then the few most serious changes by name, then changes that many cassettes
share (once, with the count), then each cassette's details in order of severity, each collapsed
line tagged with its kinds. The size budget holds for the whole comment: what does not fit is
named in a shorter form or counted, never dropped, and the footer says where the rest is.

Everything recorded (file names, values, text) goes through app.review.render's escapes, so it
reads as itself: no markup, no HTML, no mentions, no way out of a `<details>` block.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from app.review.comment import CassetteReview, Review
from app.review.diff import InteractionDiff
from app.review.kinds import LABELS, Kind, describe, interaction_kinds, ordered, rank
from app.review.lint import Finding
from app.review.parts import MessageChange
from app.review.render import (
    MARKDOWN,
    TEXT,
    Item,
    Style,
    cassette_items,
    html_text,
    json_item,
    md_code,
    md_escape,
    message_item,
    render,
    render_within,
    signed,
    tool_item,
    usage_text,
    value_item,
    visible,
)

# GitHub refuses comments over 65,536 characters; the default leaves room for a workflow's
# marker and footer.
DEFAULT_MAX_CHARS = 60_000
MIN_MAX_CHARS = 4_000
_SECTION_LINES = 40
_NAME_LIMIT = 100
_FACT_LIMIT = 240
_EXAMPLES = 2
_SERIOUS = 6
_GROUP_NAMES = 3
_VOLATILE_NOTE = "same by meaning (only volatile fields changed)"
_USAGE_NOTE = "same by meaning, token counts moved within the tolerance"
# The table's rows, in the order the issue tracker's readers asked for them.
_ROWS: tuple[Kind, ...] = (
    "status",
    "model",
    "tools",
    "tool_calls",
    "prompts",
    "parameters",
    "finish",
    "answer",
    "usage",
    "volatile",
    "added",
    "removed",
    "renamed",
    "unreadable",
)
_SERIOUS_KINDS = frozenset({"unreadable", "status", "tool_calls", "tools", "model", "finish"})


@dataclass(frozen=True, slots=True)
class Fact:
    """One change as a line of Markdown, with its kind: what identical changes are grouped by."""

    kind: Kind
    text: str


def total_line(result: Review) -> str:
    """`300 cassettes changed: 6 by meaning, 290 only volatile, 3 usage only, 1 unreadable`."""
    n = len(result.cassettes)
    if n == 0:
        return "No cassettes changed."
    noun = "cassette" if n == 1 else "cassettes"
    line = f"{n} {noun} changed: {result.by_meaning} by meaning, "
    line += f"{result.count('volatile')} only volatile"
    if result.count("usage"):
        line += f", {result.count('usage')} usage only"
    if result.count("unreadable"):
        line += f", {result.count('unreadable')} unreadable"
    figures = []
    if result.tokens:
        figures.append(f"{signed(result.tokens)} tokens")
    if result.cost:
        figures.append(signed(result.cost, money=True))
    return line + ("; " + ", ".join(figures) if figures else "")


def headline(c: CassetteReview) -> str:
    """`modified, 2 of 5 interactions changed, +120 tokens, 1 new lint finding`."""
    if c.change == "renamed":
        same = c.verdict in ("volatile", "usage")
        parts = [f"renamed from {c.old_path} ({'same' if same else 'changed'} by meaning)"]
    else:
        parts = [c.change]
    if c.verdict == "unreadable":
        parts.append("cannot be read")
    elif c.verdict == "volatile" and c.change != "renamed":
        parts.append(_VOLATILE_NOTE)
    elif c.verdict == "usage" and c.change != "renamed":
        parts.append(_USAGE_NOTE)
    elif c.change in ("modified", "renamed") and c.verdict == "meaning":
        parts.append(f"{len(c.diff.changed)} of {len(c.diff.interactions)} interactions changed")
    elif c.change in ("added", "removed"):
        parts.append(f"{len(c.diff.interactions)} interactions")
    usage = usage_text(c.diff.usage)
    if usage:
        parts.append(usage)
    if c.findings:
        s = "" if len(c.findings) == 1 else "s"
        parts.append(f"{len(c.findings)} new lint finding{s}")
    return ", ".join(parts)


def ordered_cassettes(result: Review) -> list[CassetteReview]:
    """Most serious first, then by path."""
    return sorted(result.cassettes, key=lambda c: (rank(c.kinds), c.path))


def _flat(item: Item, limit: int = _FACT_LIMIT) -> str:
    """An outline item as one line: `head: child; child`, cut at LIMIT characters."""
    text = item.text
    if item.children:
        text += ": " + "; ".join(_flat(c, limit) for c in item.children)
    return text if len(text) <= limit else _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    """Cut Markdown at LIMIT without leaving a code span or an emphasis open."""
    cut = text[: limit - 1]
    for mark in ("`", "**", "~~"):
        if cut.count(mark) % 2:
            cut = cut[: cut.rfind(mark)]
    return cut.rstrip("\\ ") + "…"


def _message_facts(m: MessageChange, style: Style) -> list[Fact]:
    if m.repeated_from is not None:
        return []
    kinds = interaction_kinds(InteractionDiff("changed", 0, 0, "", messages=(m,)))
    kind = ordered(frozenset(kinds))[0] if kinds else "answer"
    return [Fact(kind, _flat(message_item(m, style)))]


def interaction_facts(d: InteractionDiff, style: Style = MARKDOWN) -> list[Fact]:
    """Each change of one interaction as a Fact; added and removed ones by their prompt."""
    if d.kind in ("added", "removed"):
        return [Fact("prompts", f"interaction {d.kind}: {style.esc(d.prompt or d.label)}")]
    facts = []
    for v in d.fields:
        found = interaction_kinds(InteractionDiff("changed", 0, 0, "", fields=(v,)))
        facts.append(Fact(ordered(frozenset(found))[0], value_item(v, style).text))
    facts += [Fact("tools", _flat(tool_item(t, style))) for t in d.tools]
    for m in d.messages:
        facts += _message_facts(m, style)
    for b in d.bodies:
        what = "request parameters" if b.side == "parameters" else f"{b.side} body"
        kind: Kind = "answer" if b.side == "response" else "parameters"
        facts += [Fact(kind, f"{what}: {json_item(c, style).text}") for c in b.json]
        if b.words:
            facts.append(Fact(kind, f"{what} changed"))
    if not facts and d.kind == "changed" and d.usage:
        facts.append(Fact("usage", f"usage: {usage_text(d.usage)}"))
    return facts


def cassette_facts(c: CassetteReview) -> list[Fact]:
    """The distinct changes of one cassette (a change made in every interaction counts once)."""
    if c.verdict != "meaning" or c.change in ("added", "removed"):
        return []
    seen: dict[str, Fact] = {}
    for d in c.diff.changed:
        for fact in interaction_facts(d):
            seen.setdefault(fact.text, fact)
    return list(seen.values())


@dataclass(slots=True)
class Budget:
    """Characters left for the comment; a section is added whole or not at all."""

    left: int
    lines: list[str] = field(default_factory=list)

    def fits(self, block: list[str]) -> bool:
        return sum(len(x) + 1 for x in block) <= self.left

    def add(self, block: list[str]) -> bool:
        if not self.fits(block):
            return False
        self.left -= sum(len(x) + 1 for x in block)
        self.lines += block
        return True


def short_path(path: str) -> str:
    return path if len(path) <= _NAME_LIMIT else "…" + path[-(_NAME_LIMIT - 1) :]


def _safe_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace('"', "%22")


def name_md(c: CassetteReview, in_table: bool = False) -> str:
    """The cassette's path as a code span, linked when there is a dashboard or export."""
    code = md_code(short_path(c.path))
    if in_table:
        code = code.replace("|", "\\|")
    return f"[{code}]({_safe_url(c.url)})" if c.url else code


def name_html(c: CassetteReview) -> str:
    code = f"<code>{html_text(short_path(c.path))}</code>"
    return f'<a href="{html_text(_safe_url(c.url))}">{code}</a>' if c.url else code


def _finding_item(f: Finding, style: Style) -> Item:
    inter = f" interaction {f.interaction}:" if f.interaction is not None else ""
    return Item(style.esc(f"{f.severity} [{f.kind}]{inter} {f.message}"))


def detail_items(c: CassetteReview, style: Style) -> list[Item]:
    """What a cassette's block shows: its diff (for a renamed one: against its old self)."""
    items = cassette_items(c.diff, style) if c.verdict in ("meaning", "unreadable") else []
    items = [i for i in items if not i.text.startswith("total: ")]
    if c.findings:
        items.append(Item("new lint findings", [_finding_item(f, style) for f in c.findings]))
    return items


def _head(result: Review, facts: dict[str, list[Fact]]) -> list[str]:
    out = [f"### Tapedeck review: {total_line(result)}", ""]  # no recorded text in it
    counts: Counter[Kind] = Counter()
    examples: dict[Kind, list[CassetteReview]] = {}
    for c in ordered_cassettes(result):
        for k in c.kinds:
            counts[k] += 1
            examples.setdefault(k, []).append(c)
    serious = [c for c in ordered_cassettes(result) if c.kinds & _SERIOUS_KINDS][:_SERIOUS]
    if serious:
        out.append("**Needs a look first:**")
        out += [_serious_line(c, facts.get(c.path, [])) for c in serious]
        more = sum(1 for c in result.cassettes if c.kinds & _SERIOUS_KINDS) - len(serious)
        if more > 0:
            out.append(f"- … and {more} more with status, tool, model or finish changes below")
        out.append("")
    if result.cassettes:
        out += ["| kind of change | cassettes | for example |", "| --- | ---: | --- |"]
        for kind in (k for k in _ROWS if counts[k]):
            names = ", ".join(name_md(c, True) for c in examples[kind][:_EXAMPLES])
            more = counts[kind] - min(counts[kind], _EXAMPLES)
            names += f" and {more} more" if more > 0 else ""
            out.append(f"| {LABELS[kind]} | {counts[kind]} | {names} |")
        none = [LABELS[k] for k in _ROWS if not counts[k] and k in _SERIOUS_KINDS]
        out += ["", "A cassette counts in every row that applies to it."]
        out += [f"No change of: {', '.join(none)}."] if none else []
        out.append("")
    return out


def _serious_line(c: CassetteReview, facts: list[Fact]) -> str:
    kinds = describe(c.kinds & _SERIOUS_KINDS)
    first = sorted(facts, key=lambda f: rank(frozenset({f.kind})))
    what = first[0].text if first else md_escape(headline(c))
    if c.verdict == "unreadable" and c.diff.errors:
        what = md_escape(c.diff.errors[0].message)
    what = _cut(what, _FACT_LIMIT) if len(what) > _FACT_LIMIT else what
    return f"- **{kinds}** {name_md(c)}: {what}"


def _groups(result: Review, facts: dict[str, list[Fact]]) -> tuple[list[list[str]], set[str]]:
    """Changes shared by two or more cassettes, once each; and the cassettes they fully cover."""
    holders: dict[str, list[str]] = {}
    kinds: dict[str, Kind] = {}
    for path, found in facts.items():
        for f in found:
            holders.setdefault(f.text, []).append(path)
            kinds[f.text] = f.kind
    shared = [t for t, paths in holders.items() if len(paths) >= 2]
    shared.sort(key=lambda t: (rank(frozenset({kinds[t]})), -len(holders[t]), t))
    by_path = {c.path: c for c in result.cassettes}
    blocks = []
    for text in shared:
        paths = holders[text]
        names = ", ".join(name_md(by_path[p]) for p in paths[:_GROUP_NAMES])
        more = f" and {len(paths) - _GROUP_NAMES} more" if len(paths) > _GROUP_NAMES else ""
        line = f"- **{LABELS[kinds[text]]}**: {text} in {len(paths)} cassettes ({names}{more})"
        blocks.append([line])
    grouped = set(shared)
    covered = {p for p, found in facts.items() if found and all(f.text in grouped for f in found)}
    return blocks, covered


def _block(c: CassetteReview, style: Style) -> list[str]:
    tags = html_text(describe(c.kinds))
    summary = f"<b>{tags}</b> · {name_html(c)}: {html_text(headline(c))}"
    body = render_within(detail_items(c, style), True, style.cap, _SECTION_LINES)
    return [f"<details><summary>{summary}</summary>", "", *body, "", "</details>"]


def _compact(c: CassetteReview) -> str:
    return f"- **{describe(c.kinds)}** {name_md(c)}: {md_escape(headline(c))}"


def _name_list(title: str, cassettes: list[CassetteReview], budget: Budget) -> None:
    """A collapsed list of names, as many as fit; the count always."""
    if not cassettes:
        return
    opening = [f"<details><summary>{html_text(title)}</summary>", ""]
    closing = ["", "</details>"]
    if not budget.fits(opening + closing + ["- … 000000 more"]):
        budget.add([md_escape(title) + " (names left out for size)"])
        return
    room = Budget(budget.left - sum(len(x) + 1 for x in opening + closing) - 40)
    shown = 0
    for c in cassettes:
        moved = f" (from {md_code(short_path(c.old_path))})" if c.old_path else ""
        line = f"- {name_md(c)}{moved}"
        if not room.add([line]):
            break
        shown += 1
    rest = [f"- … {len(cassettes) - shown} more"] if shown < len(cassettes) else []
    budget.add(opening + room.lines + rest + closing)


def _footer(result: Review, more_url: str | None) -> list[str]:
    revs = result.base[:12] + (f" {result.head[:12]}" if result.head else "")
    line = f"Every change: {md_code('tapedeck review ' + revs)} (add `--format json` for all of it)"
    if more_url:
        line += f"; every recording, browsable: [the export]({_safe_url(more_url)})"
    return ["---", line + "."]


def review_markdown(
    result: Review, max_chars: int = DEFAULT_MAX_CHARS, more_url: str | None = None
) -> str:
    """The comment, at most MAX_CHARS characters long whatever the pull request holds."""
    facts = {c.path: cassette_facts(c) for c in result.cassettes}
    head = _head(result, facts)
    foot = ["", *_footer(result, more_url)]
    budget = Budget(max_chars - sum(len(x) + 1 for x in head + foot))
    if budget.left < 0:  # a tiny budget: the totals and the footer only
        return "\n".join([head[0], "", *foot[1:]])[:max_chars]
    reserve = 1_000  # for the lines that count what did not fit
    sections = Budget(budget.left - reserve)
    groups, covered = _groups(result, facts)
    if groups:
        sections.add(["**Changes shared by several cassettes:**"])
        kept = [g for g in groups if sections.add(g)]
        if len(kept) < len(groups):
            sections.add([f"- … {len(groups) - len(kept)} more shared changes"])
        sections.add([""])
    detailed = [
        c
        for c in ordered_cassettes(result)
        if c.verdict in ("meaning", "unreadable") and not _renamed_same(c)
    ]
    detailed.sort(key=lambda c: (c.path in covered, rank(c.kinds), c.path))
    left_out: list[CassetteReview] = []
    block_cap = max(2_000, max_chars // 4)
    # Room kept for the one-line form of the cassettes left without details: a list of every
    # changed cassette beats the details of a few more (at most a third of the room).
    keep = min(sum(len(_compact(c)) + 1 for c in detailed), sections.left // 3)
    full = False
    for c in detailed:
        block = _block(c, MARKDOWN)
        length = sum(len(x) + 1 for x in block)
        if full or length > block_cap or length + keep > sections.left:
            left_out.append(c)
            full = full or length <= block_cap  # the room is spent: the rest is listed
        else:
            sections.add(block)
    budget.left = sections.left + reserve
    budget.lines = sections.lines
    if left_out:
        left_out.sort(key=lambda c: (rank(c.kinds), c.path))
        title = f"{len(left_out)} more changed cassettes, without their details (size)"
        opening = ["", f"<details><summary>{html_text(title)}</summary>", ""]
        room = Budget(budget.left - 200)
        shown = [c for c in left_out if room.add([_compact(c)])]
        rest = len(left_out) - len(shown)
        tail = _kind_counts(left_out[len(shown) :]) if rest else []
        budget.add([*opening, *room.lines, *tail, "", "</details>"]) or budget.add(
            [f"{len(left_out)} more changed cassettes not shown: {_counts_text(left_out)}"]
        )
    renamed = [c for c in result.cassettes if _renamed_same(c)]
    _name_list(f"{len(renamed)} renamed, same by meaning", renamed, budget)
    usage = [c for c in result.cassettes if c.verdict == "usage" and c.change != "renamed"]
    _name_list(f"{len(usage)} {_USAGE_NOTE}", usage, budget)
    volatile = [c for c in result.cassettes if c.verdict == "volatile" and c.change != "renamed"]
    _name_list(f"{len(volatile)} {_VOLATILE_NOTE}", volatile, budget)
    text = "\n".join(head + budget.lines + foot)
    assert len(text) <= max_chars, (len(text), max_chars)
    return text


def _renamed_same(c: CassetteReview) -> bool:
    return c.change == "renamed" and c.verdict in ("volatile", "usage")


def _counts_text(cassettes: list[CassetteReview]) -> str:
    counts: Counter[Kind] = Counter(k for c in cassettes for k in c.kinds)
    return ", ".join(f"{counts[k]} {LABELS[k]}" for k in ordered(frozenset(counts)))


def _kind_counts(cassettes: list[CassetteReview]) -> list[str]:
    return [f"- … and {len(cassettes)} more: {_counts_text(cassettes)}"]


def review_text(result: Review) -> str:
    """Every changed cassette, most serious first, each with its kinds and its whole diff."""
    out = [total_line(result)]
    counts: Counter[Kind] = Counter(k for c in result.cassettes for k in c.kinds)
    if counts:
        out.append("by kind: " + _counts_text(list(result.cassettes)))
    for c in ordered_cassettes(result):
        line = f"{c.path}: [{describe(c.kinds)}] {headline(c)}"
        out.append(visible(line + (f" <{c.url}>" if c.url else "")))
        out += render(detail_items(c, TEXT), False, TEXT.cap, 1)
    return "\n".join(out)


__all__ = [
    "DEFAULT_MAX_CHARS",
    "MIN_MAX_CHARS",
    "cassette_facts",
    "headline",
    "review_markdown",
    "review_text",
    "total_line",
]
